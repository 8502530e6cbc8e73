/**
 * Config rules the schema cannot express: exactly one kind key per check, step and target, environments
 * that exist and come in promotion order, no `requires` cycles, and `${{ }}` references that resolve.
 * Rules read the raw YAML data defensively, so they run even when the schema found other problems.
 */
import { CHECK_KINDS, STEP_KINDS, TARGET_KINDS, checkSchema, stepObjectSchema, targetSchema } from './schema.js';
import { checkReference, findReferences, RUN_VALUES, UNCLOSED_MESSAGE } from './interpolate.js';
import type { PathSegment } from './positions.js';
import { didYouMean } from './suggest.js';

/** A rule violation: where (path, and whether the key or the value is at fault) and what. */
export interface RuleIssue {
  path: PathSegment[];
  message: string;
  at?: 'key' | 'value';
  /** Where to point when it differs from `path` (e.g. the unknown key inside the mapping at `path`). */
  locate?: PathSegment[];
}

type Record_ = Record<string, unknown>;

// A plain YAML mapping.
function isRecord(value: unknown): value is Record_ {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Runs every rule over the raw (parsed YAML, not yet schema-checked) config data. */
export function checkRules(data: unknown): RuleIssue[] {
  if (!isRecord(data)) return [];
  const issues: RuleIssue[] = [];
  const environments = isRecord(data.environments) ? data.environments : undefined;
  const envNames = environments ? Object.keys(environments) : [];
  if (environments && envNames.length === 0) {
    issues.push({ path: ['environments'], message: 'no environments: add at least one, e.g. staging (see docs/config.md#environments)' });
  }
  checkPipeline(data.pipeline, ['pipeline'], envNames, issues);
  for (const [name, env] of Object.entries(environments ?? {})) {
    if (!isRecord(env)) continue;
    const path = ['environments', name];
    if (isRecord(env.target)) checkKinds(env.target, [...path, 'target'], TARGET_KINDS, targetSchema.shape, 'target', issues);
    for (const list of ['checks', 'gates'] as const) {
      if (!Array.isArray(env[list])) continue;
      env[list].forEach((check, i) => {
        if (isRecord(check)) checkKinds(check, [...path, list, i], CHECK_KINDS, checkSchema.shape, 'check', issues);
      });
    }
    checkPipeline(env.pipeline, [...path, 'pipeline'], envNames, issues);
  }
  if (environments) issues.push(...checkRequires(environments));
  checkReferences(data, envNames, issues);
  return issues;
}

const KIND_WORDS = {
  target: ['target has no kind', 'target has several kinds', 'use one'],
  check: ['check has no provider', 'check has several providers', 'use one per check'],
  step: ['step has no kind', 'step has several kinds', 'split it into one step per kind'],
} as const;

// Exactly one kind key (e.g. `http` or `command`); "none" only when no unknown key explains it.
function checkKinds(
  value: Record_,
  path: PathSegment[],
  kinds: readonly string[],
  shape: object,
  what: keyof typeof KIND_WORDS,
  issues: RuleIssue[],
): void {
  const keys = Object.keys(value);
  const present = keys.filter((key) => kinds.includes(key));
  const [none, several, fix] = KIND_WORDS[what];
  if (present.length > 1) issues.push({ path, message: `${several} (${present.join(', ')}): ${fix}` });
  if (present.length === 0 && keys.every((key) => key in shape)) {
    issues.push({ path, message: `${none}: add one of ${kinds.join(', ')}` });
  }
}

// Step kinds and `when.env` names of one pipeline.
function checkPipeline(pipeline: unknown, path: PathSegment[], envNames: string[], issues: RuleIssue[]): void {
  if (!Array.isArray(pipeline)) return;
  pipeline.forEach((step, i) => {
    if (!isRecord(step)) return;
    checkKinds(step, [...path, i], STEP_KINDS, stepObjectSchema.shape, 'step', issues);
    if ('effect' in step && !('run' in step)) {
      issues.push({ path: [...path, i, 'effect'], at: 'key', message: 'only run steps set effect:; every other step kind declares its own (see docs/governance.md#policy)' });
    }
    const when = isRecord(step.when) ? step.when.env : undefined;
    const names = typeof when === 'string' ? [when] : Array.isArray(when) ? when : [];
    names.forEach((name, j) => {
      if (typeof name !== 'string' || envNames.includes(name) || envNames.length === 0) return;
      const where = typeof when === 'string' ? [...path, i, 'when', 'env'] : [...path, i, 'when', 'env', j];
      issues.push({ path: where, message: unknownEnvironment(name, envNames) });
    });
  });
}

// `unknown environment "x"` with a suggestion, or the list of environments when none is close.
function unknownEnvironment(name: string, envNames: string[]): string {
  return `unknown environment "${name}"${didYouMean(name, envNames) || `: the environments are ${envNames.join(', ')}`}`;
}

// Every `${{ }}` reference in every string value, checked against the variables visible where it is used.
function checkReferences(data: Record_, envNames: string[], issues: RuleIssue[]): void {
  const topVars = isRecord(data.vars) ? Object.keys(data.vars) : [];
  const envVars = (env: string): string[] => {
    const envData = (data.environments as Record_)[env];
    const vars = isRecord(envData) && isRecord(envData.vars) ? Object.keys(envData.vars) : [];
    return [...new Set([...topVars, ...vars])];
  };
  walkStrings(data, [], (text, path) => {
    const { references, unclosed } = findReferences(text);
    if (unclosed !== undefined) issues.push({ path, message: UNCLOSED_MESSAGE });
    const scopes = visibleScopes(data, path, envNames, topVars, envVars);
    const runNames = path[0] === 'releaseLog' ? RUN_VALUES : undefined;
    for (const { expression } of references) {
      const problems = scopes.map(([env, names]) => [env, checkReference(expression, names, runNames)] as const);
      const failing = problems.filter(([, problem]) => problem);
      if (failing.length === 0) continue;
      const [env, problem] = failing[0]!;
      // Fine in some environments only: necessarily a variable one of them lacks.
      const message =
        env && failing.length < problems.length
          ? `unknown variable "${expression}" in environment "${env}": define it under vars or environments.${env}.vars`
          : problem!;
      issues.push({ path, message });
    }
  });
}

// The (environment, visible variable names) pairs a string at `path` is evaluated in; null names forbid vars.
function visibleScopes(
  data: Record_,
  path: PathSegment[],
  envNames: string[],
  topVars: string[],
  envVars: (env: string) => string[],
): Array<[string | undefined, string[] | null]> {
  const [first, second, third] = path;
  if (first === 'vars' || (first === 'environments' && third === 'vars')) return [[undefined, null]];
  if (first === 'environments' && typeof second === 'string') return [[second, envVars(second)]];
  if (first !== 'pipeline') return [[undefined, topVars]];
  // The top-level pipeline runs in every environment without its own pipeline (narrowed by `when.env`).
  const environments = isRecord(data.environments) ? data.environments : {};
  let using = envNames.filter((env) => !(isRecord(environments[env]) && 'pipeline' in (environments[env] as Record_)));
  const step = Array.isArray(data.pipeline) ? data.pipeline[second as number] : undefined;
  const when = isRecord(step) && isRecord(step.when) ? step.when.env : undefined;
  if (typeof when === 'string' || Array.isArray(when)) using = using.filter((env) => [when].flat().includes(env));
  if (using.length === 0) return [[undefined, [...new Set(envNames.flatMap(envVars))]]];
  return using.map((env) => [env, envVars(env)]);
}

// Calls `visit` for every string value (not keys) in a YAML data tree.
function walkStrings(value: unknown, path: PathSegment[], visit: (text: string, path: PathSegment[]) => void): void {
  if (typeof value === 'string') visit(value, path);
  else if (Array.isArray(value)) value.forEach((item, i) => walkStrings(item, [...path, i], visit));
  else if (isRecord(value)) for (const [key, item] of Object.entries(value)) walkStrings(item, [...path, key], visit);
}

// `requires`: known environments, not itself, listed earlier in the file, and no cycles.
function checkRequires(environments: Record_): RuleIssue[] {
  const names = Object.keys(environments);
  const issues: RuleIssue[] = [];
  const edges = new Map<string, Array<{ to: string; index: number }>>();
  for (const name of names) {
    const env = environments[name];
    const requires = isRecord(env) && Array.isArray(env.requires) ? env.requires : [];
    const out: Array<{ to: string; index: number }> = [];
    requires.forEach((to, index) => {
      if (typeof to !== 'string') return;
      const path = ['environments', name, 'requires', index];
      if (to === name) issues.push({ path, message: `environment "${name}" requires itself` });
      else if (!names.includes(to)) issues.push({ path, message: unknownEnvironment(to, names) });
      else out.push({ to, index });
    });
    edges.set(name, out);
  }
  const inCycle = new Set<string>();
  for (const cycle of findCycles(names, edges)) {
    const [from, to] = cycle as [string, string];
    const index = edges.get(from)!.find((edge) => edge.to === to)!.index;
    issues.push({ path: ['environments', from, 'requires', index], message: `requires cycle: ${cycle.join(' → ')}` });
    for (let i = 0; i + 1 < cycle.length; i++) inCycle.add(`${cycle[i]}\0${cycle[i + 1]}`);
  }
  for (const [from, out] of edges) {
    for (const { to, index } of out) {
      if (names.indexOf(to) < names.indexOf(from) || inCycle.has(`${from}\0${to}`)) continue;
      issues.push({
        path: ['environments', from, 'requires', index],
        message: `"${to}" is listed after "${from}": promotion order is the order of environments in the file, so move "${to}" above "${from}"`,
      });
    }
  }
  return issues;
}

// Distinct `requires` cycles, each starting (and ending) at its environment listed first in the file.
function findCycles(names: string[], edges: Map<string, Array<{ to: string }>>): string[][] {
  const cycles = new Map<string, string[]>();
  const done = new Set<string>();
  const stack: string[] = [];
  const visit = (name: string): void => {
    if (stack.includes(name)) {
      const loop = stack.slice(stack.indexOf(name));
      const first = loop.reduce((a, b) => (names.indexOf(b) < names.indexOf(a) ? b : a));
      const start = loop.indexOf(first);
      const rotated = [...loop.slice(start), ...loop.slice(0, start), first];
      cycles.set([...loop].sort().join('\0'), rotated);
      return;
    }
    if (done.has(name)) return;
    stack.push(name);
    for (const { to } of edges.get(name) ?? []) visit(to);
    stack.pop();
    done.add(name);
  };
  for (const name of names) visit(name);
  return [...cycles.values()];
}
