/** The release page: its identity, its path through the environments, approvals, rehearsals, and its runs. */
import { html } from 'hono/html';
import type { Caller } from '../auth.js';
import type { releasesPage, releaseView } from '../read-model.js';
import { actionForm } from './forms.js';
import { badge, when, type Html } from './layout.js';
import { runsTable } from './overview.js';

type Release = NonNullable<Awaited<ReturnType<typeof releaseView>>>;

/** The release page's body; `gated`: the environments whose approvals: section asks for approvals (each gets a form). */
export function releaseBody(view: Release, caller: Caller | undefined, csrf: string | undefined, gated: string[]): Html {
  const r = view.release;
  return html`<dl class="facts">
    <dt>Commit</dt><dd><code>${r.sha}</code>${r.subject ? html` — ${r.subject}` : ''}</dd>
    <dt>Artifact</dt><dd><code>${r.artifactDigest}</code></dd>
    <dt>Config</dt><dd><code>${r.configDigest}</code></dd>
    <dt>Built</dt><dd>${when(r.createdAt)}${r.dirty ? html` ${badge('dirty')}` : ''}</dd>
  </dl>
  <section aria-labelledby="path"><h2 id="path">Path through the environments</h2>
    <ol class="path">${view.path.map((p) => html`<li>
      <strong><a href="/environments/${p.environment}">${p.environment}</a></strong>
      ${p.passed ? badge('passed') : p.newestRun ? badge(p.newestRun.outcome) : html`<span class="muted">not deployed</span>`}
      ${p.newestRun ? html` · <a href="/runs/${p.newestRun.id}">${p.newestRun.kind} ${p.newestRun.id}</a>` : ''}
    </li>`)}</ol>
  </section>
  <section aria-labelledby="approvals"><h2 id="approvals">Approvals</h2>
    ${view.verdicts.map((v) => html`<p><strong>${v.environment}</strong>: ${v.error ? html`<span class="error">${v.error}</span>`
      : v.satisfied ? html`${badge('approved')} by ${v.counted.map((c) => c.who).join(', ')}`
        : html`${badge('not approved')} ${v.missing.join('; ')}`}
      ${v.refused.length ? html`<br><span class="muted">not counted: ${v.refused.map((r) => `${r.who} (${r.why})`).join('; ')}</span>` : ''}</p>`)}
    ${view.approvals.length ? html`<table><thead><tr><th scope="col">Environment</th><th scope="col">Approver</th><th scope="col">Kind</th>
      <th scope="col">Items</th><th scope="col">Comment</th><th scope="col">Signed</th><th scope="col">Given</th><th scope="col">Expires</th></tr></thead>
      <tbody>${view.approvals.map((a) => html`<tr><td>${a.environment}</td><td>${a.approver}</td><td>${a.actorKind}</td>
        <td>${a.items.join(', ') || '-'}</td><td>${a.comment ?? '-'}</td><td>${a.signed ? `yes${a.signerVerified ? ` (${a.signerVerified})` : ''}` : 'no'}</td>
        <td>${when(a.createdAt)}</td><td>${when(a.expiresAt)}</td></tr>`)}</tbody></table>` : html`<p class="muted">No approvals.</p>`}
    <div class="actions">${gated.map((env) => actionForm('approve', caller, csrf, { env, release: r.id }, { label: `Approve for ${env}` }))}</div>
  </section>
  <section aria-labelledby="rehearsals"><h2 id="rehearsals">Rehearsals</h2>
    ${view.rehearsals.length ? runsTable(view.rehearsals, 'Rollback rehearsals of this release') : html`<p class="muted">Not rehearsed.</p>`}
  </section>
  ${runsTable(view.runs, 'Every run of this release')}`;
}

/** The releases list: each release with its path through the environments, newest first. */
export function releasesBody(list: Awaited<ReturnType<typeof releasesPage>>): Html {
  if (!list.releases.length) return html`<p class="muted">No releases yet.</p>`;
  const more = list.offset + list.limit < list.total;
  return html`<table><caption>${list.total} releases, newest first</caption>
    <thead><tr><th scope="col">Release</th><th scope="col">Commit</th><th scope="col">Built</th>${list.releases[0]!.path.map((p) => html`<th scope="col">${p.environment}</th>`)}</tr></thead>
    <tbody>${list.releases.map((r) => html`<tr><td><a href="/releases/${r.id}">${r.id}</a></td><td><code>${r.sha.slice(0, 12)}</code>${r.subject ? html` ${r.subject}` : ''}</td>
      <td>${when(r.createdAt)}</td>${r.path.map((p) => html`<td>${p.passed ? badge('passed') : p.newestRun ? html`<a href="/runs/${p.newestRun.id}">${badge(p.newestRun.outcome)}</a>` : '-'}</td>`)}</tr>`)}</tbody></table>
  <p>${list.offset > 0 ? html`<a href="/releases?offset=${Math.max(0, list.offset - list.limit)}">Newer</a> ` : ''}${more ? html`<a href="/releases?offset=${list.offset + list.limit}">Older</a>` : ''}</p>`;
}
