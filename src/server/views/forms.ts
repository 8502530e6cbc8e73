/**
 * Action forms, drawn from the action list (actions.ts): one form per action with its fields, the CSRF token, and
 * preset values (the environment of the page) as hidden fields. Submitting one runs the action and shows its
 * progress page. A caller whose token lacks the action's scope sees why instead of the form.
 */
import { html } from 'hono/html';
import { actionNamed } from '../actions.js';
import type { Caller } from '../auth.js';
import { allows } from '../../store/tokens.js';
import { csrfField, type Html } from './layout.js';

/** The form of one action, with some fields fixed (hidden) and the others to fill in. */
export function actionForm(name: string, caller: Caller | undefined, csrf: string | undefined, preset: Record<string, string>, opts: { label?: string; environments?: string[] } = {}): Html {
  const spec = actionNamed(name);
  if (!spec) return html``;
  if (!caller || !allows(caller.token.scopes, spec.scope)) {
    return html`<p class="muted">${opts.label ?? spec.title}: needs a token with scope ${spec.scope}.</p>`;
  }
  const id = (field: string) => `${name}-${field}-${Object.values(preset).join('-')}`.replace(/[^\w-]/g, '_');
  const fields = spec.fields.map((f) => {
    if (preset[f.name] !== undefined) return html`<input type="hidden" name="${f.name}" value="${preset[f.name]}">`;
    if (f.type === 'flag') return html`<label><input type="checkbox" name="${f.name}" value="on"> ${f.label}</label>`;
    if (f.type === 'env') {
      return html`<label for="${id(f.name)}">${f.label}</label><select id="${id(f.name)}" name="${f.name}"${f.required ? html` required` : ''}>
        ${(opts.environments ?? []).map((e) => html`<option>${e}</option>`)}</select>`;
    }
    return html`<label for="${id(f.name)}">${f.label}</label><input id="${id(f.name)}" name="${f.name}"${f.required ? html` required` : ''}>`;
  });
  return html`<form method="post" action="/actions/${name}" class="action">
    ${csrfField(csrf)}${fields}
    <button type="submit">${opts.label ?? spec.title}</button>
  </form>`;
}
