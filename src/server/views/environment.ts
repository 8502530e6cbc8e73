/** The environment page: its state, the actions on it (promote into it, roll back, freeze, resume), its runs. */
import { html } from 'hono/html';
import type { Caller } from '../auth.js';
import type { environmentsView, RunSummary } from '../read-model.js';
import { actionForm } from './forms.js';
import { environmentCards, runsTable } from './overview.js';
import type { Html } from './layout.js';

type Environment = Awaited<ReturnType<typeof environmentsView>>[number];

/** The environment page's body. */
export function environmentBody(env: Environment, runs: RunSummary[], caller: Caller | undefined, csrf: string | undefined): Html {
  return html`${environmentCards([env])}
  <section aria-labelledby="actions"><h2 id="actions">Actions</h2>
    <div class="actions">
      ${env.requires.map((from) => actionForm('promote', caller, csrf, { from, to: env.name }, { label: `Promote from ${from}` }))}
      ${actionForm('rollback', caller, csrf, { env: env.name })}
      ${env.frozen.length ? actionForm('unfreeze', caller, csrf, { env: env.name }) : actionForm('freeze', caller, csrf, { env: env.name })}
      ${actionForm('resume', caller, csrf, { env: env.name })}
    </div>
  </section>
  ${runsTable(runs, `Runs in ${env.name}`)}
  <p><a href="/runs?environment=${env.name}">All runs in ${env.name}</a> · <a href="/audit?environment=${env.name}">Audit log of ${env.name}</a></p>`;
}
