/**
 * The actions of the API and the dashboard, as data: each names the scope it needs and turns its fields into the
 * argv of the `runway` command it is (as the MCP tools do). Adding an action is one entry here; the routes, the
 * forms' checks and the security tests read this list.
 */
import type { TokenScope } from '../store/tokens.js';

/** One field of an action's request (JSON body or form). */
export interface ActionField {
  name: string;
  /** `env`: an environment of runway.yaml; `text`: free text; `flag`: on/off; `list`: repeated text. */
  type: 'env' | 'text' | 'flag' | 'list';
  required?: boolean;
  label: string;
}

/** One action. */
export interface ActionSpec {
  name: string;
  scope: TokenScope;
  title: string;
  fields: ActionField[];
  /** The environment the action changes (its lock, its audit entries). */
  environment(values: ActionValues): string;
  argv(values: ActionValues): string[];
}

/** Validated field values. */
export type ActionValues = Record<string, string | boolean | string[] | undefined>;

// `--flag=value` for a non-empty text (the `=` keeps a value starting with "-" a value), `--flag` for true.
function opt(values: ActionValues, field: string, flag: string): string[] {
  const v = values[field];
  if (v === true) return [flag];
  if (typeof v === 'string' && v !== '') return [`${flag}=${v}`];
  if (Array.isArray(v)) return v.map((item) => `${flag}=${item}`);
  return [];
}

const env = (name = 'env', label = 'environment'): ActionField => ({ name, type: 'env', required: true, label });
const str = (values: ActionValues, name: string) => String(values[name]);

/** Every action. */
export const ACTIONS: readonly ActionSpec[] = [
  {
    name: 'promote', scope: 'deploy', title: 'Promote',
    fields: [env('from', 'from (passed)'), env('to', 'to'), { name: 'release', type: 'text', label: 'release (default: newest that passed)' }],
    environment: (v) => str(v, 'to'),
    argv: (v) => ['promote', str(v, 'from'), str(v, 'to'), ...opt(v, 'release', '--release'), '--json'],
  },
  {
    name: 'rollback', scope: 'deploy', title: 'Roll back',
    fields: [env(), { name: 'reason', type: 'text', required: true, label: 'reason' }, { name: 'to', type: 'text', label: 'to release (default: known-good)' }],
    environment: (v) => str(v, 'env'),
    argv: (v) => ['rollback', str(v, 'env'), ...opt(v, 'reason', '--reason'), ...opt(v, 'to', '--to'), '--json'],
  },
  {
    name: 'approve', scope: 'approve', title: 'Approve',
    fields: [env(), { name: 'release', type: 'text', label: 'release (default: the one to promote)' },
      { name: 'item', type: 'list', label: 'checklist items signed off' }, { name: 'comment', type: 'text', label: 'comment' }],
    environment: (v) => str(v, 'env'),
    argv: (v) => ['approve', str(v, 'env'), ...opt(v, 'release', '--release'), ...opt(v, 'item', '--item'), ...opt(v, 'comment', '--comment'), '--json'],
  },
  {
    name: 'freeze', scope: 'admin', title: 'Freeze',
    fields: [env(), { name: 'until', type: 'text', required: true, label: 'until (2h, or 2026-03-30 08:00)' },
      { name: 'reason', type: 'text', required: true, label: 'reason' }],
    environment: (v) => str(v, 'env'),
    argv: (v) => ['freeze', str(v, 'env'), ...opt(v, 'until', '--until'), ...opt(v, 'reason', '--reason'), '--json'],
  },
  {
    name: 'unfreeze', scope: 'admin', title: 'Unfreeze',
    fields: [env(), { name: 'reason', type: 'text', label: 'reason' }],
    environment: (v) => str(v, 'env'),
    argv: (v) => ['unfreeze', str(v, 'env'), ...opt(v, 'reason', '--reason'), '--json'],
  },
  {
    name: 'resume', scope: 'deploy', title: 'Resume a paused run',
    fields: [env(), { name: 'rollback', type: 'flag', label: 'roll back instead of keeping the release' },
      { name: 'reason', type: 'text', label: 'reason' }],
    environment: (v) => str(v, 'env'),
    argv: (v) => ['resume', str(v, 'env'), ...opt(v, 'rollback', '--rollback'), ...opt(v, 'reason', '--reason')],
  },
];

/** The action with this name. */
export function actionNamed(name: string): ActionSpec | undefined {
  return ACTIONS.find((a) => a.name === name);
}

/**
 * Validates raw request values for an action: every required field present, environments known, no control
 * characters. Returns the values, or the problems (one line each, naming the field and the fix).
 */
export function validateAction(spec: ActionSpec, raw: Record<string, unknown>, environments: readonly string[]): { values: ActionValues } | { problems: string[] } {
  const values: ActionValues = {};
  const problems: string[] = [];
  for (const field of spec.fields) {
    const given = raw[field.name];
    if (field.type === 'flag') {
      values[field.name] = given === true || given === 'true' || given === 'on' || given === '1';
      continue;
    }
    if (field.type === 'list') {
      const list = (Array.isArray(given) ? given : given === undefined || given === '' ? [] : [given]).map(String).map((s) => s.trim()).filter(Boolean);
      if (list.some(bad)) problems.push(`${field.name}: control characters are not allowed`);
      values[field.name] = list;
      continue;
    }
    const text = typeof given === 'string' ? given.trim() : given === undefined || given === null ? '' : String(given);
    if (!text) {
      if (field.required) problems.push(`${field.name}: required (${field.label})`);
      continue;
    }
    if (bad(text)) problems.push(`${field.name}: control characters are not allowed`);
    else if (field.type === 'env' && !environments.includes(text)) {
      problems.push(`${field.name}: unknown environment "${text}" (runway.yaml defines ${environments.map((e) => `"${e}"`).join(', ')})`);
    } else values[field.name] = text;
  }
  return problems.length ? { problems } : { values };
}

// Control characters (newlines included) have no place in an argument typed in a form.
function bad(text: string): boolean {
  return /[\u0000-\u001f\u007f]/.test(text);
}
