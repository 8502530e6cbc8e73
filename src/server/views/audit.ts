/** The audit log page: who did what, when, where (refusals of the server included). */
import { html } from 'hono/html';
import type { auditPage } from '../read-model.js';
import { when, type Html } from './layout.js';

type Audit = Awaited<ReturnType<typeof auditPage>>;

/** The audit page's body, with the links to the next and previous pages. */
export function auditBody(audit: Audit, query: string): Html {
  const more = audit.entries.length === audit.limit;
  return html`<table><caption>Audit log, newest first</caption>
    <thead><tr><th scope="col">When</th><th scope="col">Actor</th><th scope="col">Action</th><th scope="col">Environment</th>
      <th scope="col">Release</th><th scope="col">Run</th><th scope="col">Details</th></tr></thead>
    <tbody>${audit.entries.map((e) => html`<tr><td>${when(e.at)}</td><td>${e.actor}</td><td>${e.action}</td><td>${e.environment ?? '-'}</td>
      <td>${e.releaseId ? html`<a href="/releases/${e.releaseId}">${e.releaseId}</a>` : '-'}</td>
      <td>${e.runId ? html`<a href="/runs/${e.runId}">${e.runId}</a>` : '-'}</td>
      <td><code>${e.details ? JSON.stringify(e.details) : ''}</code></td></tr>`)}</tbody></table>
  <p>${audit.offset > 0 ? html`<a href="/audit?${query}offset=${Math.max(0, audit.offset - audit.limit)}">Newer</a> ` : ''}${more ? html`<a href="/audit?${query}offset=${audit.offset + audit.limit}">Older</a>` : ''}</p>`;
}
