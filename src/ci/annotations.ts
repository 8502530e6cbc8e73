/**
 * Annotations for the job's page: every issue of a config error on its file, line and column (relative to the
 * workspace, so GitHub links the line), a refusal or failure by its kind, and each failed check of a run.
 * Messages are redacted by the caller's output path like every other line Runway prints.
 */
import { isAbsolute, relative, resolve } from 'node:path';
import { ConfigError, ExitError, GateError, LockError, RunwayError, StepError, StoreError } from '../errors.js';
import type { RunRecord } from '../types.js';
import { annotation } from './workflow-commands.js';

/** Where config files are: the project directory, and the workspace GitHub resolves annotation paths in. */
export interface AnnotationPlace {
  projectDir: string;
  workspace?: string;
}

// A config file's path as GitHub wants it: relative to the workspace (or as given when outside it).
function workspacePath(file: string, place: AnnotationPlace): string {
  const absolute = resolve(place.projectDir, file);
  if (!place.workspace) return relative(process.cwd(), absolute) || file;
  const rel = relative(place.workspace, absolute);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel.split('\\').join('/') : absolute;
}

/** One `::error` per issue of a config error, on its file and position; one plain `::error` without issues. */
export function configErrorAnnotations(err: ConfigError, place: AnnotationPlace): string {
  if (!err.issues.length) return annotation('error', err.message, { title: 'Runway: bad input' });
  return err.issues.map((issue) => annotation('error', issue.path ? `${issue.path}: ${issue.message}` : issue.message, {
    title: 'Runway config', file: workspacePath(issue.file, place), line: issue.line, col: issue.line ? (issue.col ?? 1) : undefined,
  })).join('');
}

// Titles of the errors that are not config errors, most specific first.
const TITLES: Array<[new (...args: never[]) => RunwayError, string]> = [
  [GateError, 'Runway refused'], [LockError, 'Runway: environment locked'], [StepError, 'Runway: step failed'],
  [StoreError, 'Runway: state store unreachable'],
];

/** The annotation of an error that ended a command, or '' for one that needs none (an exit code alone). */
export function errorAnnotation(err: unknown, place: AnnotationPlace): string {
  if (err instanceof ConfigError) return configErrorAnnotations(err, place);
  if (err instanceof ExitError) return err.message ? annotation('error', err.message, { title: 'Runway' }) : '';
  if (err instanceof RunwayError) {
    const title = TITLES.find(([type]) => err instanceof type)?.[1] ?? 'Runway';
    return annotation('error', err.message, { title });
  }
  return annotation('error', err instanceof Error ? err.message : String(err), { title: 'Runway: unexpected error' });
}

/** Annotations of a finished run: each check that failed or could not measure, then the run's outcome unless successful. */
export function runAnnotations(run: RunRecord): string {
  const lines: string[] = [];
  for (const step of run.steps) {
    for (const check of step.checks ?? []) {
      const phase = check.measurement.phase;
      if (phase !== 'failed' && phase !== 'error') continue;
      lines.push(annotation('error', check.measurement.message, {
        title: `${run.environment}: ${step.kind === 'gates' ? 'gate' : 'check'} ${check.name} ${phase === 'failed' ? 'failed' : 'could not measure'}`,
      }));
    }
  }
  if (run.outcome !== 'successful') {
    const why = run.rollbackTrigger ?? run.escalation?.error ?? run.reason ?? run.steps.find((s) => s.status === 'failed')?.error ?? run.outcome;
    const back = run.rolledBackTo && run.kind !== 'rollback' ? `; rolled back to ${run.rolledBackTo}` : '';
    lines.push(annotation(run.outcome === 'cancelled' ? 'warning' : 'error', `${why}${back}`, {
      title: `runway ${run.kind} ${run.environment}: ${run.outcome.replace('_', ' ')}`,
    }));
  }
  return lines.join('');
}
