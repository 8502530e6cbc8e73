/**
 * Runbooks from config: the text `runway runbook` writes (front matter + body), its doc_hash, and the verdict on a
 * committed runbook (current, stale, expired, missing) that `runway runbook --check` and the `runbook` gate give.
 *
 * doc_hash = `sha256:` + SHA-256 of the UTF-8 text: the canonical JSON of the parsed config (defaults applied,
 * `${{ }}` references unresolved, keys sorted — the release's config digest input), a line feed, then the body.
 * The body is rendered from plans of the placeholder release {@link RUNBOOK_RELEASE}, so it holds no commit, date,
 * machine path or secret value; the dates live in the front matter, outside the hash.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../config/load.js';
import { reviewDays, type RunbookConfig } from '../config/runbook.js';
import type { Config } from '../config/schema.js';
import type { Plan } from '../engine/plan.js';
import { ConfigError } from '../errors.js';
import { addDays, formatFrontMatter, isDate, splitRunbook, type RunbookFrontMatter } from './runbook-front-matter.js';
import { renderBody } from './runbook-render.js';

/** The release the runbook's plans are built for: placeholders instead of a commit. */
export const RUNBOOK_RELEASE = { id: '<release>', sha: '<sha>', dirty: false } as const;

/** Plans an environment for the runbook (the caller passes `buildPlan(config, env, { release: RUNBOOK_RELEASE })`). */
export type PlanFor = (environment: string) => Plan;

/** The `runbook:` section, or a ConfigError naming the fix when runway.yaml has none. */
export function runbookSettings(config: Config, label = 'runway.yaml'): RunbookConfig {
  if (config.runbook) return config.runbook;
  throw new ConfigError([{ file: label, path: 'runbook', message: 'not set: add `runbook: { owner: <person or team> }` (see docs/governance.md#runbook)' }]);
}

/** The environments a runbook covers: one, or all in promotion order. */
function covered(config: Config, environment?: string): string[] {
  return environment ? [environment] : Object.keys(config.environments);
}

/** The body of the runbook of `environment` (or of every environment). */
export function runbookBody(config: Config, plan: PlanFor, environment?: string): string {
  return renderBody({ config, runbook: runbookSettings(config), plans: covered(config, environment).map(plan), environment });
}

/**
 * `sha256:<hex>` of the runbook's own settings (owner, review interval) as canonical JSON, a line feed and the
 * body. The body is rendered from the config, so a config change that alters what the runbook says changes the
 * hash; one it does not show (or a Runway version adding a default it does not render) leaves it current.
 */
export function docHash(config: Config, body: string): string {
  const { owner, reviewEvery } = runbookSettings(config);
  return `sha256:${createHash('sha256').update(`${canonicalJson({ owner, reviewEvery })}\n${body}`).digest('hex')}`;
}

/** What composeRunbook needs. */
export interface ComposeInput {
  config: Config;
  plan: PlanFor;
  environment?: string;
  /** Today, `YYYY-MM-DD` (UTC). */
  today: string;
  /** The file being replaced: its last_reviewed is kept when its body is unchanged and it has not expired. */
  previous?: string;
  /** A person reviewed it today: last_reviewed is today whatever the previous file says. */
  reviewed?: boolean;
}

/** A composed runbook: the whole text, and whether last_reviewed was kept from the previous file. */
export interface ComposedRunbook {
  text: string;
  body: string;
  frontMatter: RunbookFrontMatter;
  keptReview: boolean;
}

/** The runbook text for the config. */
export function composeRunbook(input: ComposeInput): ComposedRunbook {
  const settings = runbookSettings(input.config);
  const days = reviewDays(settings);
  const body = runbookBody(input.config, input.plan, input.environment);
  const prev = input.previous === undefined ? undefined : splitRunbook(input.previous);
  const prevDate = prev && 'body' in prev && prev.body === body ? prev.frontMatter.last_reviewed : undefined;
  const keptReview = !input.reviewed && isDate(prevDate) && prevDate <= input.today && addDays(prevDate, days) >= input.today;
  const lastReviewed = keptReview ? prevDate! : input.today;
  const frontMatter: RunbookFrontMatter = {
    owner: settings.owner, last_reviewed: lastReviewed, expires: addDays(lastReviewed, days),
    doc_hash: docHash(input.config, body), ...(input.environment ? { environment: input.environment } : {}),
  };
  return { text: `${formatFrontMatter(frontMatter)}\n${body}`, body, frontMatter, keptReview };
}

/** The verdict on a committed runbook. */
export interface RunbookVerdict {
  /** current: matches the config and not expired; missing or unreadable: exit 2; stale or expired: exit 3. */
  status: 'current' | 'stale' | 'expired' | 'missing' | 'unreadable';
  file: string;
  /** Why it is missing, unreadable or stale (each reason once). */
  reasons: string[];
  /** Set when it is past its expiry (status `expired`, or `stale` when it is stale as well). */
  expired?: string;
  /** The front matter the config gives for this file (its own last_reviewed kept). */
  expected?: RunbookFrontMatter;
  found?: Partial<RunbookFrontMatter>;
  /** The command that writes it again. */
  fix: string;
}

/** What checkRunbook needs. */
export interface CheckInput {
  config: Config;
  plan: PlanFor;
  /** The file's text; undefined when there is none. */
  text: string | undefined;
  /** The file as people name it, e.g. `RUNBOOK.md`. */
  file: string;
  today: string;
  /** `runway runbook <env> --check`: the runbook must cover env, and a missing one is written for env alone. */
  environment?: string;
  /** The gate's environment: the runbook must cover it (all environments, or that one). */
  covers?: string;
}

/** Judges a committed runbook against the config: current, stale (which and why), expired, missing. */
export function checkRunbook(input: CheckInput): RunbookVerdict {
  const { config, file, today } = input;
  const split = input.text === undefined ? undefined : splitRunbook(input.text);
  const scope = split && 'body' in split ? split.frontMatter.environment : input.environment;
  const fix = `runway runbook${scope ? ` ${scope}` : ''} --out ${file}`;
  if (!split) return { status: 'missing', file, fix, reasons: [`no runbook at ${file}: write it with \`${fix}\` and commit it`] };
  if ('problem' in split) return { status: 'unreadable', file, fix, reasons: [`${file} ${split.problem}: write it again with \`${fix}\``] };
  const found = split.frontMatter;
  if (!isDate(found.last_reviewed)) {
    return { status: 'unreadable', file, fix, found, reasons: [`${file} front matter last_reviewed: expected a date YYYY-MM-DD: write it again with \`${fix}\``] };
  }
  if (found.environment && !config.environments[found.environment]) {
    return { status: 'stale', file, fix: `runway runbook --out ${file}`, found, reasons: [`${file} covers environment "${found.environment}", which runway.yaml no longer has`] };
  }
  const wanted = input.environment ?? input.covers;
  if (wanted && found.environment && found.environment !== wanted) {
    return { status: 'stale', file, fix: `runway runbook --out ${file}`, found, reasons: [`${file} covers ${found.environment} only, not ${wanted}`] };
  }
  const settings = runbookSettings(config);
  const body = runbookBody(config, input.plan, found.environment);
  const expected: RunbookFrontMatter = {
    owner: settings.owner, last_reviewed: found.last_reviewed, expires: addDays(found.last_reviewed, reviewDays(settings)),
    doc_hash: docHash(config, body), ...(found.environment ? { environment: found.environment } : {}),
  };
  const reasons = staleReasons(found, expected, split.body === body, today);
  const expired = today > expected.expires
    ? `expired on ${expected.expires} (last reviewed ${found.last_reviewed}, reviewed every ${reviewDays(settings)} days)` : undefined;
  const status = reasons.length ? 'stale' : expired ? 'expired' : 'current';
  return { status, file, reasons, expired, expected, found, fix };
}

// Why a parsed runbook does not match what the config gives, most telling first.
function staleReasons(found: Partial<RunbookFrontMatter>, expected: RunbookFrontMatter, sameBody: boolean, today: string): string[] {
  if (found.doc_hash !== expected.doc_hash) {
    return [`doc_hash ${short(found.doc_hash)} does not match runway.yaml (${short(expected.doc_hash)}): ` +
      'runway.yaml changed since it was written, or Runway renders it differently'];
  }
  const reasons: string[] = [];
  if (!sameBody) reasons.push('its text differs from what runway.yaml generates (edited by hand?)');
  if (found.owner !== expected.owner) reasons.push(`owner "${found.owner ?? ''}" is not runbook.owner "${expected.owner}"`);
  if (found.expires !== expected.expires) reasons.push(`expires ${found.expires ?? '(none)'} is not last_reviewed + runbook.reviewEvery (${expected.expires})`);
  if (found.last_reviewed! > today) reasons.push(`last_reviewed ${found.last_reviewed} is after today (${today})`);
  return reasons;
}

// A doc_hash cut to what a person compares: `sha256:` and 12 hex digits.
function short(hash: string | undefined): string {
  if (!hash) return '(none)';
  return hash.length > 19 ? `${hash.slice(0, 19)}…` : hash;
}

/** One line for people: `RUNBOOK.md is current …` or what is wrong and the fix. */
export function describeVerdict(v: RunbookVerdict): string {
  if (v.status === 'current') return `${v.file} is current (doc_hash ${short(v.expected!.doc_hash)}, owner ${v.expected!.owner}, expires ${v.expected!.expires})`;
  if (v.status === 'missing' || v.status === 'unreadable') return v.reasons.join('; ');
  const what = [v.reasons.length ? `is stale: ${v.reasons.join('; ')}` : '', v.expired ?? ''].filter(Boolean).join('; and ');
  return `${v.file} ${what}: write it again with \`${v.fix}\` and commit it`;
}
