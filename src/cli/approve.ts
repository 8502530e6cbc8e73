/**
 * `runway approve <env> [--release <id>] [--item <name>…] [--comment <text>] [--sign <key>]`: one person's approval
 * of a release for an environment, optionally signed with their SSH key. An approval that would not count (the
 * release's starter or commit author, someone approvals.from leaves out, a signature that does not verify, an
 * agent) is refused and not stored.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { toMs } from '../config/duration.js';
import type { EnvironmentApprovals } from '../config/governance.js';
import { ConfigError, GateError } from '../errors.js';
import { releaseToApprove } from '../governance/approval-release.js';
import { approvalPolicy, judgeApprovals, whyNotCounted } from '../governance/approval-state.js';
import { approvalStatement } from '../governance/approvals.js';
import { normalizeIdentity } from '../governance/identity.js';
import { detectActorKind, mayApprove } from '../governance/policy.js';
import { approvalPayload, signApproval } from '../governance/ssh-signature.js';
import { insertApproval, type StoredApproval } from '../store/approvals.js';
import { appendAudit } from '../store/audit.js';
import type { CliIO } from './io.js';
import { printJson } from './io.js';
import { openFromCommand } from './project.js';
import { verdictLine } from './approvals.js';

type Flags = { release?: string; item: string[]; comment?: string; sign?: string; json: boolean };

/** The checklist items named by `--item`, spelled as the checklist spells them; bad input for any other. */
export function checklistItems(policy: EnvironmentApprovals, environment: string, named: string[]): string[] {
  const items: string[] = [];
  for (const name of named) {
    const entry = policy.checklist.find((c) => normalizeIdentity(c.item) === normalizeIdentity(name));
    const list = policy.checklist.filter((c) => !c.verify).map((c) => `"${c.item}"`).join(', ') || 'none';
    if (!entry) throw new ConfigError(`--item "${name}": not an item of ${environment}'s approvals.checklist (items a person signs off: ${list})`);
    if (entry.verify) throw new ConfigError(`--item "${name}": Runway verifies this item itself (${entry.verify}); a person cannot sign it off`);
    if (!items.includes(entry.item)) items.push(entry.item);
  }
  return items;
}

/** Registers `approve`. */
export function register(program: Command, io: CliIO): void {
  program
    .command('approve')
    .description("approve a release for <env> (checklist items, a comment, optionally signed with your SSH key); stored in the state store")
    .argument('<env>', 'environment name, e.g. production')
    .option('--release <id>', 'the release to approve (default: the newest release that passed the environments <env> requires)')
    .option('--item <name>', 'a checklist item you sign off (repeat for several)', (value: string, all: string[]) => [...all, value], [])
    .option('--comment <text>', 'a comment, kept with the approval (and signed with it)')
    .option('--sign <key>', 'sign with this SSH key: a private key without a passphrase, or the .pub of a key loaded in ssh-agent')
    .option('--json', 'print the approval and the verdict as JSON', false)
    .addHelpText('after', `
Who you are is the actor other commands record (RUNWAY_ACTOR, else git config user.email). With --sign the approval
counts as the key's principal in the allowed-signers file (approvals.allowedSigners), which must be you.
An approval that would not count is refused and not stored: the release's starter and its commit's author cannot
approve it, nor an agent (RUNWAY_ACTOR_KIND, or no terminal and no CI variable: a person approving from a script
sets RUNWAY_ACTOR_KIND=human), nor anyone approvals.from leaves out.

Exit codes: 0 recorded, 2 bad input (unknown environment, item or key), 3 refused (would not count, or no release).`)
    .action(async (env: string, opts: Flags, cmd: Command) => {
      const ctx = await openFromCommand(cmd, io);
      const policy = approvalPolicy(ctx, env);
      const items = checklistItems(policy, env, opts.item);
      const kind = detectActorKind(process.env, Boolean(process.stdin.isTTY || process.stderr.isTTY));
      const refuse = async (releaseId: string | undefined, why: string): Promise<never> => {
        await ctx.store.use((db) => appendAudit(db, { actor: ctx.actor, action: 'approve.refused', environment: env, releaseId, details: { why, actorKind: kind.kind } }));
        throw new GateError(`refused: ${why}`);
      };
      if (!mayApprove(kind.kind)) {
        await refuse(undefined, `an agent cannot approve (actor kind agent, from ${kind.from}); a person approving from a script sets RUNWAY_ACTOR_KIND=human`);
      }
      const { release, why } = await releaseToApprove(ctx, env, opts.release);
      io.err(`approving release ${release.id} (${release.sha.slice(0, 7)}${release.subject ? ` ${release.subject}` : ''}) for ${env}: ${why}\n`);
      const now = new Date();
      const approval: StoredApproval = {
        environment: env, releaseId: release.id, approver: ctx.actor, actorKind: kind.kind, items,
        ...(opts.comment !== undefined ? { comment: opts.comment } : {}),
        payload: '', createdAt: now.toISOString(), expiresAt: new Date(now.getTime() + toMs(policy.expires)).toISOString(),
      };
      approval.payload = approvalPayload(approvalStatement({ by: approval.approver, environment: env, release: release.id, items, comment: approval.comment, at: approval.createdAt }));
      if (opts.sign) approval.signature = await signApproval(approval.payload, resolve(opts.sign));
      const judgement = await judgeApprovals(ctx, env, release, { now, extra: [approval] });
      const mine = judgement.approvals.length - 1;
      const notCounted = whyNotCounted(judgement, mine, now);
      if (notCounted) await refuse(release.id, `${ctx.actor}'s approval of ${release.id} for ${env} would not count: ${notCounted}`);
      const check = judgement.approvals[mine]!.check;
      if (check?.status === 'verified') approval.signerVerified = check.signer;
      const saved = await ctx.store.use(async (db) => {
        const row = await insertApproval(db, approval);
        await appendAudit(db, { actor: ctx.actor, action: 'approve', environment: env, releaseId: release.id, details: {
          approval: row.id, actorKind: kind.kind, items, comment: opts.comment ?? null, signed: Boolean(approval.signature),
          signer: check?.status === 'verified' ? check.signer : null, key: check?.status === 'verified' ? check.key : null,
        } });
        return row;
      });
      if (opts.json) return printJson(io, { approval: saved, check: check ?? null, verdict: judgement.verdict });
      const signed = check?.status === 'verified' ? `signed by ${check.signer}, key ${check.key}` : 'not signed';
      io.out(`approved release ${release.id} for ${env} as ${ctx.actor} (${signed})${items.length ? `; signed off: ${items.join(', ')}` : ''}\n`);
      io.out(`${verdictLine(env, judgement.verdict, policy.required)}\n`);
    });
}
