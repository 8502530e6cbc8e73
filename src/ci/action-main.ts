/**
 * The Runway action's entry point (action.yml runs `node dist/ci/action-main.js` in the workspace): reads the
 * inputs, runs the Runway command in this process exactly as the CLI does (its GitHub Actions hooks write the
 * outputs, the summary, annotations, masks and the deployment), and when no run wrote the outputs, writes
 * `outcome` from the exit code so later steps can branch on it. Exits with Runway's exit code.
 */
import { pathToFileURL } from 'node:url';
import { configLocation, isMapping, readRawConfig } from '../config/raw.js';
import { runCli, reportError } from '../cli/main.js';
import { processIO, type CliIO } from '../cli/io.js';
import { actionArgv, actionInputs } from './action-inputs.js';
import { errorAnnotation } from './annotations.js';
import { githubRun } from './github-env.js';
import { outputsWritten } from './hooks.js';
import { appendOutputs } from './outputs.js';

/** The outcome output of a command that recorded no run, by exit code. */
export const OUTCOME_BY_CODE: Record<number, string> = { 0: 'successful', 1: 'failed', 2: 'bad-input', 3: 'refused', 4: 'store-unavailable' };

/** Runs the action with the runner's environment; returns the exit code. */
export async function runAction(env: NodeJS.ProcessEnv = process.env, io: CliIO = processIO()): Promise<number> {
  const run = githubRun(env);
  const inputs = actionInputs(env);
  let code: number;
  try {
    const raw = await readRawConfig({ dir: process.cwd(), file: inputs.config || undefined });
    const environments = raw && isMapping(raw.data.environments) ? raw.data.environments : {};
    const requiresOf = (name: string) => {
      const e = environments[name];
      return isMapping(e) && Array.isArray(e.requires) ? e.requires.map(String) : undefined;
    };
    const argv = actionArgv(inputs, requiresOf, { runUrl: run?.runUrl, actor: run?.actor });
    // the run records the command line it was started with (process.argv), as when typed
    process.argv.splice(2, process.argv.length, ...argv);
    code = await runCli([process.argv[0]!, 'runway', ...argv], io);
  } catch (err) {
    // bad inputs: the CLI never started
    io.err(errorAnnotation(err, { projectDir: configLocation({ dir: process.cwd() }).projectDir, workspace: run?.workspace }));
    code = reportError(io, err);
  }
  if (run?.outputFile && !outputsWritten().includes('outcome')) appendOutputs(run.outputFile, { outcome: OUTCOME_BY_CODE[code] ?? `exit-${code}` });
  return code;
}

// Only as the entry point, not when imported by a test.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runAction().then((code) => {
    process.exitCode = code;
  });
}
