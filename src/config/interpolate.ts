/**
 * `${{ vars.NAME }}` and `${{ runway.env }}` references in config strings. Validation finds unknown
 * references at load time; `interpolate` substitutes them at plan time. Shell syntax (`${HOME}`, `$PORT`)
 * is never touched: only the double-brace form is Runway's.
 */
import { ConfigError } from '../errors.js';
import type { Config } from './schema.js';
import { didYouMean } from './suggest.js';

/** Built-in values available as `${{ runway.NAME }}`. */
export const BUILTINS = ['env', 'project', 'release', 'sha', 'url'] as const;
export type Builtin = (typeof BUILTINS)[number];

/** Values of the run as `${{ run.NAME }}`, known only once a run has finished: used by releaseLog.monitoring. */
export const RUN_VALUES = ['id', 'started', 'finished', 'startedMs', 'finishedMs'] as const;

/** What references resolve to: variables of one environment and the built-ins known at that point. */
export interface InterpolationScope {
  vars: Record<string, string>;
  runway: Partial<Record<Builtin, string>>;
  /** `run.*` values, where the string is allowed to use them (releaseLog.monitoring). */
  run?: Record<string, string>;
  /** Config file label used in error messages (default `runway.yaml`). */
  file?: string;
}

/** One `${{ … }}` occurrence: the trimmed expression and its offsets in the text. */
export interface Reference {
  expression: string;
  start: number;
  end: number;
}

/** Every reference in `text`, plus the offset of an unclosed `${{` if there is one. */
export function findReferences(text: string): { references: Reference[]; unclosed?: number } {
  const references: Reference[] = [];
  let from = 0;
  for (;;) {
    const start = text.indexOf('${{', from);
    if (start < 0) return { references };
    const close = text.indexOf('}}', start + 3);
    if (close < 0) return { references, unclosed: start };
    references.push({ expression: text.slice(start + 3, close).trim(), start, end: close + 2 });
    from = close + 2;
  }
}

const HINT = `use \${{ vars.NAME }} or one of ${BUILTINS.map((b) => `runway.${b}`).join(', ')}`;

/** Message for the unclosed `${{` in a string. */
export const UNCLOSED_MESSAGE = 'unclosed "${{": end the reference with "}}"';

/**
 * Checks one reference expression. `varNames` are the variables visible where the string is used;
 * pass null to forbid `vars.*` (variable values cannot reference other variables). `runNames` are the `run.*`
 * values allowed where the string is used (none by default). Returns an error message, or undefined when the reference is valid.
 */
export function checkReference(expression: string, varNames: Iterable<string> | null, runNames?: readonly string[]): string | undefined {
  const match = /^([A-Za-z_][\w-]*)\.(.+)$/.exec(expression);
  if (!match) return `invalid reference "\${{ ${expression} }}": ${HINT}`;
  const [, namespace, name] = match as unknown as [string, string, string];
  if (namespace === 'vars') {
    if (varNames === null) {
      return `variables cannot reference other variables ("vars.${name}"): repeat the value or use a runway.* built-in`;
    }
    const names = [...varNames];
    if (names.includes(name)) return undefined;
    const hint = didYouMean(name, names, 'vars.');
    return `unknown variable "vars.${name}"${hint || ': define it under vars (or the environment\'s vars)'}`;
  }
  if (namespace === 'runway') {
    if ((BUILTINS as readonly string[]).includes(name)) return undefined;
    const hint = didYouMean(name, BUILTINS, 'runway.');
    return `unknown built-in "runway.${name}"${hint || `: use one of ${BUILTINS.map((b) => `runway.${b}`).join(', ')}`}`;
  }
  if (namespace === 'run' && runNames) {
    if (runNames.includes(name)) return undefined;
    return `unknown run value "run.${name}"${didYouMean(name, runNames, 'run.') || `: use one of ${runNames.map((n) => `run.${n}`).join(', ')}`}`;
  }
  if (namespace === 'secrets' || namespace === 'env') {
    return `"\${{ ${expression} }}" is not a Runway reference: environment variables and secrets reach commands as $${name}`;
  }
  return `unknown reference "\${{ ${expression} }}": ${HINT}`;
}

/**
 * Replaces every `${{ vars.NAME }}` / `${{ runway.NAME }}` in `text` with its value from `scope`, in one
 * pass (substituted values are not scanned again). Throws ConfigError naming every unknown reference;
 * `where` is the config path of the string, e.g. `environments.staging.pipeline[0].run`.
 */
export function interpolate(text: string, scope: InterpolationScope, where?: string): string {
  const { references, unclosed } = findReferences(text);
  const messages: string[] = [];
  let result = '';
  let from = 0;
  for (const ref of references) {
    result += text.slice(from, ref.start);
    from = ref.end;
    const problem = checkReference(ref.expression, Object.keys(scope.vars), scope.run && Object.keys(scope.run));
    if (problem) {
      messages.push(problem);
      continue;
    }
    const [namespace, name] = splitReference(ref.expression);
    const value = namespace === 'vars' ? scope.vars[name] : namespace === 'run' ? scope.run?.[name] : scope.runway[name as Builtin];
    if (value === undefined) messages.push(`"\${{ ${ref.expression} }}" has no value at this point`);
    else result += value;
  }
  result += text.slice(from);
  if (unclosed !== undefined) messages.push(UNCLOSED_MESSAGE);
  if (messages.length) {
    throw new ConfigError(messages.map((message) => ({ file: scope.file ?? 'runway.yaml', path: where ?? '', message })));
  }
  return result;
}

// Splits a validated `namespace.name` expression at its first dot.
function splitReference(expression: string): [string, string] {
  const dot = expression.indexOf('.');
  return [expression.slice(0, dot), expression.slice(dot + 1)];
}

/**
 * The scope for one environment: top-level vars overridden by the environment's vars, with `runway.env`
 * and `runway.project` filled in. Variable values may themselves use `${{ runway.* }}` built-ins.
 */
export function scopeFor(config: Config, env: string, runway: Partial<Record<Builtin, string>> = {}): InterpolationScope {
  const builtins = { ...runway, env, project: config.project };
  const raw = { ...config.vars, ...(config.environments[env]?.vars ?? {}) };
  const vars: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    vars[name] = interpolate(value, { vars: {}, runway: builtins }, `vars.${name}`);
  }
  return { vars, runway: builtins };
}
