/**
 * The few named errors of Runway. The CLI maps them to exit codes:
 * 0 ok, 1 run failed / rolled back, 2 bad input, 3 locked or refused, 4 state store unreachable.
 */

/** Exit codes, documented in README.md and docs/state.md. */
export const EXIT = { ok: 0, failed: 1, badInput: 2, refused: 3, storeUnavailable: 4 } as const;

/** Base class: every Runway error carries the exit code the CLI should use. */
export class RunwayError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number) {
    super(message);
    this.name = new.target.name;
    this.exitCode = exitCode;
  }
}

/** One problem in a config file, with its position. */
export interface ConfigIssue {
  file: string;
  line?: number;
  col?: number;
  path: string;
  message: string;
}

/** Formats one config issue as `runway.yaml:14:7 environments.production.requires[0]: message`. */
export function formatIssue(issue: ConfigIssue): string {
  const where = issue.line ? `${issue.file}:${issue.line}:${issue.col ?? 1}` : issue.file;
  return issue.path ? `${where} ${issue.path}: ${issue.message}` : `${where} ${issue.message}`;
}

/** Bad input: a config file, a flag or an argument. Exit code 2. Holds every issue found at once. */
export class ConfigError extends RunwayError {
  readonly issues: ConfigIssue[];
  constructor(issuesOrMessage: ConfigIssue[] | string) {
    const issues = typeof issuesOrMessage === 'string' ? [] : issuesOrMessage;
    const message = typeof issuesOrMessage === 'string' ? issuesOrMessage : issues.map(formatIssue).join('\n');
    super(message, 2);
    this.issues = issues;
  }
}

/** A gate refused the run before anything changed (dirty tree, promotion rules, failed pre-flight). Exit 3. */
export class GateError extends RunwayError {
  constructor(message: string) {
    super(message, 3);
  }
}

/** The environment is locked by another run. Exit 3. */
export class LockError extends RunwayError {
  constructor(message: string) {
    super(message, 3);
  }
}

/** A step failed. Exit 1. */
export class StepError extends RunwayError {
  constructor(message: string) {
    super(message, 1);
  }
}

/**
 * The state store cannot be reached, or its connection broke: nothing is known about the run's outcome from
 * it, so this is not a failed run. Exit 4. The message names the store by its location (never its password).
 */
export class StoreError extends RunwayError {
  constructor(message: string) {
    super(message, EXIT.storeUnavailable);
  }
}

/** Ends the CLI with a given code and message (e.g. a run that finished rolled back). */
export class ExitError extends RunwayError {}
