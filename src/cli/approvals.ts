/**
 * `runway approvals <env> [--release <id>] [--json]`: the approvals of a release for an environment as a deploy or
 * promotion would judge them now — who counts (and with which verified key), who does not and why, the checklist,
 * and what is missing. Read-only.
 */
import type { Command } from 'commander';
import type { ApprovalVerdict } from '../governance/approvals.js';
import { releaseToApprove } from '../governance/approval-release.js';
import { approvalPolicy, judgeApprovals } from '../governance/approval-state.js';
import { paint, printJson, type CliIO } from './io.js';
import { openFromCommand } from './project.js';

/** One line on where a release stands: satisfied, or what is missing. */
export function verdictLine(environment: string, verdict: ApprovalVerdict, required: number): string {
  const count = `${verdict.counted.length} of ${required} approval${required === 1 ? '' : 's'}`;
  if (verdict.satisfied) return `${environment}: approvals satisfied (${count}); a deploy or promotion of this release may run`;
  return `${environment}: not approved yet (${count}); missing: ${verdict.missing.join('; ')}`;
}

/** Registers `approvals`. */
export function register(program: Command, io: CliIO): void {
  program
    .command('approvals')
    .description('the approvals of a release for <env>: who counts, who does not and why, the checklist, what is missing')
    .argument('<env>', 'environment name, e.g. production')
    .option('--release <id>', 'this release (default: the newest release that passed the environments <env> requires)')
    .option('--json', 'print JSON', false)
    .addHelpText('after', '\nExit codes: 0 shown (satisfied or not: see "satisfied"), 2 bad input, 3 no release to show.')
    .action(async (env: string, opts: { release?: string; json: boolean }, cmd: Command) => {
      const ctx = await openFromCommand(cmd, io);
      const policy = approvalPolicy(ctx, env);
      const { release, why } = await releaseToApprove(ctx, env, opts.release);
      const judgement = await judgeApprovals(ctx, env, release);
      const { verdict } = judgement;
      if (opts.json) {
        return printJson(io, {
          environment: env, release: { id: release.id, sha: release.sha, subject: release.subject ?? null }, why,
          satisfied: verdict.satisfied, policy, startedBy: judgement.subject.startedBy ?? null, commitAuthors: judgement.subject.commitAuthors,
          verdict, approvals: judgement.approvals,
        });
      }
      const mark = (ok: boolean) => (ok ? paint(io, 'green', '✓') : paint(io, 'red', '✗'));
      const lines = [
        `approvals of release ${release.id} (${release.sha.slice(0, 7)}${release.subject ? ` ${release.subject}` : ''}) for ${env}: ${why}`,
        `  needs ${policy.required} from ${policy.from.length ? policy.from.join(', ') : "anyone but the release's starter and commit author"}` +
          ` · an approval counts for ${policy.expires} · signatures ${policy.signatures}` +
          `${judgement.approvals.some((a) => a.signature) || policy.signatures === 'required' ? ` (allowed signers: ${policy.allowedSigners})` : ''}`,
        `  counted (${verdict.counted.length}):`,
        ...verdict.counted.map((c) => `    ${mark(true)} ${c.who}  ${c.at}  ${c.signed ? `signed, key ${c.key}` : 'not signed'}`),
        ...(verdict.refused.length ? [`  not counted (${verdict.refused.length}):`, ...verdict.refused.map((r) => `    ${mark(false)} ${r.who}: ${r.why}`)] : []),
        ...(verdict.checklist.length ? ['  checklist:', ...verdict.checklist.map((c) =>
          `    [${c.done ? 'x' : ' '}] ${c.item}${c.verify ? ` (verified by Runway: ${c.verify})` : ''}${c.by.length && !c.verify ? ` — ${c.by.join(', ')}` : ''}`)] : []),
        verdictLine(env, verdict, policy.required),
      ];
      io.out(`${lines.join('\n')}\n`);
    });
}
