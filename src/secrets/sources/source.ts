/**
 * The secret source interface, shaped like Kamal's secret adapters: each source is one file that first checks
 * what it depends on (a CLI, files) and then fetches values. Sources never throw for an unavailable store:
 * they return a problem, so the presence gate can list every missing name with every source searched.
 */
import type { ToolRunner } from '../../exec/tool.js';

/** What a source may use while fetching. */
export interface SourceContext {
  projectDir: string;
  /** The environment Runway runs in (the `env` source reads it). */
  env: NodeJS.ProcessEnv;
  tools: ToolRunner;
}

/** One value a source found, and where exactly (a file and line, a 1Password reference). */
export interface FoundValue {
  value: string;
  where?: string;
}

/** What one fetch returned: values by name, plus problems and warnings that never contain a value. */
export interface SourceResult {
  values: Map<string, FoundValue>;
  /** Set when the source could not be read at all (tool missing, no files); its values are then empty. */
  problem?: string;
  warnings: string[];
  /** Files or references read, for the "sources searched" line (e.g. `2 files`). */
  detail?: string;
}

/** A place secret values come from. */
export interface SecretSource {
  /** `env`, `dotenv`, `op` or `command`. */
  readonly kind: string;
  /** How the source is named to people, e.g. `dotenv vault/staging/*.env`. */
  readonly label: string;
  /** A stable identity: two sources with the same key give the same values (fetched once per command). */
  readonly key: string;
  /** What is missing for this source to work (a CLI not installed …), or undefined. */
  check(ctx: SourceContext): Promise<string | undefined>;
  /** Reads the values. Called only when `check` found nothing missing. */
  fetch(ctx: SourceContext): Promise<SourceResult>;
}

/** Runs `check` then `fetch`, turning a missing dependency or an unexpected failure into a problem. */
export async function readSource(source: SecretSource, ctx: SourceContext): Promise<SourceResult> {
  try {
    const problem = await source.check(ctx);
    if (problem) return { values: new Map(), problem, warnings: [] };
    return await source.fetch(ctx);
  } catch (err) {
    return { values: new Map(), problem: `could not be read: ${(err as Error)?.message ?? String(err)}`, warnings: [] };
  }
}
