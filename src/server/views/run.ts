/**
 * The run page: summary, evidence badge, steps with durations, checks with their messages, step logs (escaped
 * text), the rollback trigger, approvals, and the monitor chart. While the run runs, the page's script follows
 * it through /api/runs/:id/events (the `data-live` attribute) and draws the monitor windows as they come.
 */
import { html } from 'hono/html';
import type { runView } from '../run-view.js';
import { badge, duration, when, type Html } from './layout.js';

type Run = NonNullable<Awaited<ReturnType<typeof runView>>>;

/** The run page's body. */
export function runBody(view: Run): Html {
  const r = view.record;
  const s = view.summary;
  const live = r.outcome === 'running';
  const checks = r.steps.flatMap((st) => (st.checks ?? []).map((c) => ({ step: st.name, ...c })));
  const gov = r.governance;
  return html`<div id="run" data-run="${r.id}"${live ? html` data-live="/api/runs/${r.id}/events"` : ''}>
  <dl class="facts">
    <dt>Outcome</dt><dd id="outcome">${badge(r.outcome)}</dd>
    <dt>Kind</dt><dd>${r.kind} in <a href="/environments/${r.environment}">${r.environment}</a></dd>
    <dt>Release</dt><dd><a href="/releases/${r.release.id}">${r.release.id}</a> (<code>${r.release.sha.slice(0, 12)}</code>)</dd>
    <dt>Actor</dt><dd>${r.actor}${r.policy ? ` (${(r.policy as { actorKind?: string }).actorKind ?? ''})` : ''}</dd>
    <dt>Command</dt><dd><code>${r.command}</code></dd>
    <dt>Started</dt><dd>${when(r.startedAt)}</dd>
    <dt>Took</dt><dd>${duration(s.durationMs)}</dd>
    ${r.reason ? html`<dt>Reason</dt><dd>${r.reason}</dd>` : ''}
    ${r.rollbackTrigger ? html`<dt>Rollback trigger</dt><dd class="trigger">${r.rollbackTrigger}</dd>` : ''}
    ${r.rolledBackTo ? html`<dt>Rolled back to</dt><dd><a href="/releases/${r.rolledBackTo}">${r.rolledBackTo}</a></dd>` : ''}
    <dt>Evidence</dt><dd>${view.evidence ? badge(view.evidence.status) : badge('unknown')} ${r.evidence ? html`<code>${r.evidence}</code>` : ''}
      ${view.evidence?.problems.length ? html`<ul>${view.evidence.problems.map((p) => html`<li>${p}</li>`)}</ul>` : ''}</dd>
  </dl>
  ${gov ? governance(gov) : ''}
  <section aria-labelledby="steps"><h2 id="steps">Steps</h2>
    <table><thead><tr><th scope="col">#</th><th scope="col">Step</th><th scope="col">Kind</th><th scope="col">Status</th>
      <th scope="col">Attempts</th><th scope="col">Took</th><th scope="col">Error</th></tr></thead>
    <tbody>${r.steps.map((st) => html`<tr><td>${st.index}</td><td>${st.name}</td><td>${st.kind}</td><td>${badge(st.status)}</td>
      <td>${st.attempts}</td><td>${duration(st.durationMs)}</td><td>${st.error ?? ''}</td></tr>`)}</tbody></table>
  </section>
  <section aria-labelledby="checks"><h2 id="checks">Checks</h2>
    ${checks.length ? html`<table><thead><tr><th scope="col">Step</th><th scope="col">Check</th><th scope="col">Phase</th><th scope="col">Value</th><th scope="col">Message</th></tr></thead>
      <tbody>${checks.map((c) => html`<tr><td>${c.step}</td><td>${c.name}</td><td>${badge(c.measurement.phase)}</td>
        <td><code>${JSON.stringify(c.measurement.value ?? null)}</code></td><td>${c.measurement.message}</td></tr>`)}</tbody></table>` : html`<p class="muted">No checks recorded.</p>`}
  </section>
  <section aria-labelledby="monitor"><h2 id="monitor">Monitor</h2>
    ${view.monitors.map((m) => html`<p>${badge(m.verdict)} ${m.reasons.join('; ')}</p>
      <figure><img src="/runs/${r.id}/files/${monitorChart(r, m.step)}" alt="monitor chart of step ${m.step}: requests, errors and p95 per second">
      <figcaption>${m.points.length} seconds watched, ${m.points.reduce((n, p) => n + p.requests, 0)} requests, ${m.points.reduce((n, p) => n + p.errors, 0)} errors</figcaption></figure>`)}
    <figure class="live-chart"${live ? '' : html` hidden`}><svg id="live-chart" role="img" aria-label="live monitor: error rate and p95 per window" viewBox="0 0 600 160" preserveAspectRatio="none"></svg>
      <figcaption id="live-caption">waiting for the monitor's first window…</figcaption></figure>
    ${!view.monitors.length && !live ? html`<p class="muted">No monitor step.</p>` : ''}
  </section>
  <section aria-labelledby="logs"><h2 id="logs">Logs</h2>
    <div id="live-logs">${r.steps.filter((st) => st.logTail !== undefined).map((st) => html`<details${st.status === 'failed' ? html` open` : ''}>
      <summary>${st.index}. ${st.name} <a href="/runs/${r.id}/files/${st.log ?? ''}">full log</a></summary>
      <pre class="log">${st.logTail ?? ''}</pre></details>`)}</div>
  </section>
  </div>`;
}

// The approvals that let the run proceed and the freeze it overrode.
function governance(gov: NonNullable<Run['record']['governance']>): Html {
  const a = gov.approvals;
  const o = gov.freezeOverride;
  return html`<section aria-labelledby="gov"><h2 id="gov">Governance</h2>
    ${a ? html`<p>${a.counted.length} of ${a.required} approval${a.required === 1 ? '' : 's'} counted.</p>
      <table><thead><tr><th scope="col">Approver</th><th scope="col">At</th><th scope="col">Signed</th></tr></thead>
      <tbody>${a.counted.map((c) => html`<tr><td>${c.who}</td><td>${when(c.at)}</td><td>${c.signed ? `yes${c.key ? ` (${c.key})` : ''}` : 'no'}</td></tr>`)}</tbody></table>
      ${a.refused.length ? html`<p>Not counted:</p><ul>${a.refused.map((r) => html`<li>${r.who}: ${r.why}</li>`)}</ul>` : ''}
      ${a.checklist.length ? html`<p>Checklist:</p><ul>${a.checklist.map((c) => html`<li>${c.item}${c.verify ? ` (verified: ${c.verify})` : ''} — ${c.by.join(', ') || 'nobody'}</li>`)}</ul>` : ''}` : ''}
    ${o ? html`<p>Overrode the freeze ${o.freeze} (until ${o.until} ${o.timezone}) by ${o.by} via ${o.via}: ${o.reason}</p>` : ''}
  </section>`;
}

// The chart file of a monitor step, from its details.
function monitorChart(r: Run['record'], step: number): string {
  const chart = r.steps.find((s) => s.index === step)?.details?.chart;
  return typeof chart === 'string' ? chart : 'monitor.svg';
}
