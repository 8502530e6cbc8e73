/**
 * The check interface, shaped like Argo Rollouts' metric providers: `run` measures, `resume` continues a long
 * measurement, `terminate` cleans up. Providers never throw; they return a measurement with phase `error`.
 * Judging (evaluate/analysis) is separate from measuring.
 */
import type { Measurement } from '../types.js';

/** What a provider gets to measure with. */
export interface CheckContext {
  /** Base URL of the environment, e.g. http://127.0.0.1:4001 (for checks with a `path`). */
  baseUrl?: string;
  /** Working directory for command checks. */
  cwd: string;
  /** Environment variables for command checks (already includes the non-interactive ones). */
  env: Record<string, string>;
  signal?: AbortSignal;
}

/** A metric provider for one check kind. */
export interface CheckProvider<Spec> {
  readonly kind: string;
  /** Takes one measurement. Quick checks do all their work here. */
  run(ctx: CheckContext, spec: Spec): Promise<Measurement>;
  /** Continues a long-running measurement (monitor windows, jobs) until it is done. */
  resume?(ctx: CheckContext, spec: Spec, previous: Measurement): Promise<Measurement>;
  /** Cleans up whatever `run` started. */
  terminate?(ctx: CheckContext, spec: Spec): Promise<void>;
}
