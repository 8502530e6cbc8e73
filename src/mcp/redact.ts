/**
 * The last pass every MCP answer takes: the redactor of the whole project (every environment's secrets resolved,
 * as `runway deploy` resolves them), applied on top of the redaction the command's own output already had.
 */
import { openProject } from '../engine/context.js';
import { closeOpenStores } from '../engine/open-stores.js';
import { memoryReporter } from '../engine/reporter.js';
import type { ProjectFlags } from './invoke.js';

/** A function masking every secret of the project; identity when runway.yaml cannot be opened (nothing resolved). */
export async function projectRedactor(project: ProjectFlags): Promise<(text: string) => string> {
  try {
    const ctx = await openProject({ dir: project.dir, config: project.config, reporter: memoryReporter() });
    return (text) => ctx.redactor.redact(text);
  } catch {
    // an unreadable config or an unresolvable secret: the command said so in its own answer, which was redacted
    return (text) => text;
  } finally {
    await closeOpenStores();
  }
}
