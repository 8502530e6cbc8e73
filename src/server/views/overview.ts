/** The overview page: every environment (release, since, health, lock, freeze) and the newest runs. */
import { html } from 'hono/html';
import type { environmentsView, RunSummary } from '../read-model.js';
import { badge, duration, when, type Html } from './layout.js';

type Environments = Awaited<ReturnType<typeof environmentsView>>;

/** The table of runs used on several pages. */
export function runsTable(runs: RunSummary[], caption: string): Html {
  if (!runs.length) return html`<p class="muted">No runs yet.</p>`;
  return html`<table><caption>${caption}</caption>
    <thead><tr><th scope="col">Run</th><th scope="col">Kind</th><th scope="col">Environment</th><th scope="col">Release</th>
      <th scope="col">Actor</th><th scope="col">Outcome</th><th scope="col">Started</th><th scope="col">Took</th></tr></thead>
    <tbody>${runs.map((r) => html`<tr>
      <td><a href="/runs/${r.id}">${r.id}</a></td><td>${r.kind}</td><td><a href="/environments/${r.environment}">${r.environment}</a></td>
      <td><a href="/releases/${r.releaseId}">${r.releaseId}</a></td><td>${r.actor}</td><td>${badge(r.outcome)}</td>
      <td>${when(r.startedAt)}</td><td>${duration(r.durationMs)}</td></tr>`)}</tbody></table>`;
}

/** The environments as cards. */
export function environmentCards(envs: Environments): Html {
  return html`<ul class="cards">${envs.map((e) => html`<li class="card">
    <h2><a href="/environments/${e.name}">${e.name}</a></h2>
    <dl>
      <dt>Release</dt><dd>${e.release ? html`<a href="/releases/${e.release}">${e.release}</a>` : '-'}</dd>
      <dt>Since</dt><dd>${when(e.since)}</dd>
      <dt>Health</dt><dd>${badge(e.health)}${e.serving && e.serving !== e.release ? html` (serves ${e.serving})` : ''}${e.targetError ? html` <span class="muted">${e.targetError}</span>` : ''}</dd>
      ${e.url ? html`<dt>URL</dt><dd><code>${e.url}</code></dd>` : ''}
      <dt>Last run</dt><dd>${e.lastRun ? html`<a href="/runs/${e.lastRun.id}">${e.lastRun.kind}</a> ${badge(e.lastRun.outcome)}` : '-'}</dd>
      <dt>Lock</dt><dd>${e.lock ? html`run <a href="/runs/${e.lock.runId}">${e.lock.runId}</a> by ${e.lock.actor}` : 'free'}</dd>
      <dt>Freeze</dt><dd>${e.frozen.length ? html`${badge('frozen')} ${e.frozen.map((f) => html`${f.name}${f.reason ? html` — ${f.reason}` : ''} until ${when(f.until)}`)}` : badge('open')}</dd>
      ${e.maintenance ? html`<dt>Maintenance</dt><dd>since ${when(e.maintenance.since)} by ${e.maintenance.by}</dd>` : ''}
      ${e.requires.length ? html`<dt>Requires</dt><dd>${e.requires.join(', ')}</dd>` : ''}
    </dl></li>`)}</ul>`;
}

/** The overview's body. */
export function overviewBody(envs: Environments, runs: RunSummary[]): Html {
  return html`${environmentCards(envs)}${runsTable(runs, 'Newest runs')}<p><a href="/runs">All runs</a></p>`;
}
