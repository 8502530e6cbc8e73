/**
 * The frame of every dashboard page: a skip link, the navigation, who is signed in (with a sign-out form carrying
 * the CSRF token), the page, and the one stylesheet and one script (no inline script or style: the CSP forbids
 * them). Every value is escaped by hono/html's `html` tag; only other `html` fragments pass through as markup.
 */
import { html } from 'hono/html';
import type { Caller } from '../auth.js';

/** A fragment of escaped HTML. */
export type Html = ReturnType<typeof html>;

/** What the frame shows of the caller. */
export interface PageFrame {
  title: string;
  project: string;
  caller?: Caller;
  /** The session's CSRF token, put in every form that changes something. */
  csrf?: string;
  /** The nav entry of this page. */
  section?: 'overview' | 'runs' | 'releases' | 'audit';
}

/** The hidden CSRF field of a form. */
export function csrfField(csrf: string | undefined): Html {
  return html`<input type="hidden" name="_csrf" value="${csrf ?? ''}">`;
}

/** A whole page. */
export function page(frame: PageFrame, body: Html): Html {
  const nav = (href: string, label: string, key: PageFrame['section']) =>
    html`<a href="${href}"${frame.section === key ? html` aria-current="page"` : ''}>${label}</a>`;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${frame.title} · ${frame.project} · Runway</title>
<link rel="stylesheet" href="/static/dashboard.css">
<script src="/static/dashboard.js" defer></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header>
  <strong class="brand">Runway · ${frame.project}</strong>
  <nav aria-label="main">${nav('/', 'Overview', 'overview')} ${nav('/runs', 'Runs', 'runs')} ${nav('/releases', 'Releases', 'releases')} ${nav('/audit', 'Audit', 'audit')}</nav>
  ${frame.caller ? html`<form method="post" action="/logout" class="who">${csrfField(frame.csrf)}
    <span>${frame.caller.token.owner} (${frame.caller.token.actorKind}; ${frame.caller.token.scopes.join(', ')})</span>
    <button type="submit">Sign out</button></form>` : ''}
</header>
<main id="main" tabindex="-1">
<h1>${frame.title}</h1>
${body}
</main>
</body>
</html>`;
}

/** A badge for an outcome, health or verdict word (the word itself is the text: colour is only a help). */
export function badge(word: string | null | undefined): Html {
  const w = word ?? 'unknown';
  const tone = /^(successful|healthy|verified|passed|open|approved)$/.test(w) ? 'ok'
    : /^(failed|rolled_back|unhealthy|problems|error|abandoned|frozen|not serving|not approved)$/.test(w) ? 'bad'
      : /^(running|pending|paused)$/.test(w) ? 'live' : 'neutral';
  return html`<span class="badge ${tone}">${w.replace('_', ' ')}</span>`;
}

/** A time for people (UTC, to the second), in a <time> element. */
export function when(at: string | null | undefined): Html {
  if (!at) return html`-`;
  return html`<time datetime="${at}">${at.replace('T', ' ').replace(/\.\d+Z$/, 'Z')}</time>`;
}

/** A duration for people. */
export function duration(ms: number | undefined | null): string {
  if (ms === undefined || ms === null) return '-';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  return `${Math.floor(ms / 60_000)}m ${Math.round((ms % 60_000) / 1000)}s`;
}
