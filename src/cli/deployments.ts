/**
 * `runway deployments <env>`: the platform's own history of an environment (Netlify deploys, Vercel deployments,
 * Fly releases, Kubernetes revisions), mapped back to Runway releases, beside the handles the state store holds.
 */
import type { Command } from 'commander';
import { environmentConfig } from '../engine/context.js';
import { listDeployments } from '../store/deployments.js';
import type { HistoryEntry } from '../targets/target.js';
import { paint, printJson, table, type CliIO } from './io.js';
import { openFromCommand } from './project.js';

/** Registers `deployments`. */
export function register(program: Command, io: CliIO): void {
  program
    .command('deployments')
    .description("the platform's deployments of <env>, newest first, with the Runway release each carries and the handles Runway recorded")
    .argument('<env>', 'environment name')
    .option('--json', 'print JSON', false)
    .addHelpText('after', '\nRead-only. Asks the target (its CLI) for its history; the recorded handles come from the state store, so they are the same on every machine sharing it.')
    .action(async (env: string, opts: { json: boolean }, cmd: Command) => {
      const ctx = await openFromCommand(cmd, io);
      environmentConfig(ctx, env);
      ctx.useEnvironment(env);
      const target = await ctx.target(env);
      let platform: HistoryEntry[] = [];
      let platformError: string | undefined;
      try {
        platform = await target.history(ctx.targetContext(env));
      } catch (err) {
        platformError = err instanceof Error ? err.message : String(err);
      }
      const recorded = await ctx.store.use((db) => listDeployments(db, env));
      if (opts.json) return printJson(io, { environment: env, target: target.kind, platform, platformError: platformError ?? null, recorded });
      if (platformError) io.err(paint(io, 'yellow', `${target.kind}: could not read the platform's history: ${platformError}\n`));
      const known = new Set(recorded.map((d) => d.handle.id));
      io.out(platform.length
        ? table(['HANDLE', 'RELEASE', 'STATE', 'LIVE', 'CREATED', 'RECORDED'], platform.map((h) => [
          h.handle.id, h.releaseId ?? '-', h.state, h.live ? paint(io, 'green', 'live') : '', h.createdAt ?? '-', known.has(h.handle.id) ? 'yes' : 'no',
        ]))
        : `no deployments on ${target.kind} for ${env}\n`);
    });
}
