/** The smaller pages: sign in, the runs list with its filters, an action's progress, and "not found". */
import { html } from 'hono/html';
import type { ActionJob } from '../jobs.js';
import type { RunFilter, RunSummary } from '../read-model.js';
import { badge, csrfField, when, type Html } from './layout.js';
import { runsTable } from './overview.js';

/** The sign-in form: paste a token from `runway token create`. */
export function loginBody(csrf: string, message?: string): Html {
  return html`${message ? html`<p class="error" role="alert">${message}</p>` : ''}
  <form method="post" action="/login" class="action">${csrfField(csrf)}
    <label for="token">API token (from <code>runway token create --name … --scope …</code>)</label>
    <input id="token" name="token" type="password" autocomplete="off" required autofocus>
    <button type="submit">Sign in</button>
  </form>`;
}

/** The runs list with its filter form (a GET form: it changes nothing). */
export function runsBody(page: { runs: RunSummary[]; total: number; limit: number; offset: number }, f: RunFilter, environments: string[]): Html {
  const q = (offset: number) => new URLSearchParams({ ...(f.environment ? { environment: f.environment } : {}), ...(f.outcome ? { outcome: f.outcome } : {}),
    ...(f.kind ? { kind: f.kind } : {}), offset: String(offset) }).toString();
  const option = (value: string, current?: string) => html`<option${value === (current ?? '') ? html` selected` : ''} value="${value}">${value || 'any'}</option>`;
  return html`<form method="get" action="/runs" class="filters">
    <label for="f-env">Environment</label><select id="f-env" name="environment">${['', ...environments].map((e) => option(e, f.environment))}</select>
    <label for="f-outcome">Outcome</label><select id="f-outcome" name="outcome">${['', 'running', 'successful', 'failed', 'rolled_back', 'refused', 'cancelled', 'abandoned'].map((o) => option(o, f.outcome))}</select>
    <label for="f-kind">Kind</label><select id="f-kind" name="kind">${['', 'deploy', 'promote', 'rollback', 'rehearsal'].map((k) => option(k, f.kind))}</select>
    <button type="submit">Filter</button></form>
  ${runsTable(page.runs, `${page.total} runs`)}
  <p>${page.offset > 0 ? html`<a href="/runs?${q(Math.max(0, page.offset - page.limit))}">Newer</a> ` : ''}${page.offset + page.limit < page.total ? html`<a href="/runs?${q(page.offset + page.limit)}">Older</a>` : ''}</p>`;
}

/** An action's progress page: its lines, live while it runs, then its exit code and run. */
export function jobBody(job: ActionJob): Html {
  return html`<div id="job" data-job="${job.id}"${job.code === undefined ? html` data-live="/api/jobs/${job.id}/events"` : ''}>
    <dl class="facts"><dt>Action</dt><dd>${job.action} · <code>runway ${job.argv.join(' ')}</code></dd>
      <dt>Actor</dt><dd>${job.actor} (${job.actorKind})</dd><dt>Started</dt><dd>${when(job.startedAt)}</dd>
      <dt>Result</dt><dd id="job-result">${job.code === undefined ? badge('running') : html`exit code ${job.code} ${badge(job.code === 0 ? 'successful' : 'failed')}`}</dd>
      <dt>Run</dt><dd id="job-run">${job.runId ? html`<a href="/runs/${job.runId}">${job.runId}</a>` : '-'}</dd></dl>
    <pre class="log" id="job-lines" aria-live="polite">${job.lines.join('\n')}</pre></div>`;
}

/** A "not found" body. */
export function notFoundBody(what: string): Html {
  return html`<p>${what}</p><p><a href="/">Back to the overview</a></p>`;
}
