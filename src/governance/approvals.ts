/**
 * Approvals of a release in one environment: how many people must approve, who may, a checklist whose items are
 * verified by Runway or signed off by a person, and how long an approval lasts. `evaluateApprovals` is pure: the
 * caller reads the approvals from the store, checks their SSH signatures (`verifyApproval`) and gathers the facts.
 * The schema of `approvals:` is in approvals-schema.ts.
 */
import { toMs } from '../config/duration.js';
import type { ApprovalPolicy } from './approvals-schema.js';
import { matchingEntry, normalizeIdentity, sameIdentity } from './identity.js';
import type { ApprovalStatement, SignatureCheck } from './ssh-signature.js';

/**
 * Where the allowed-signers file is, relative to the project, unless `approvals.allowedSigners` says otherwise.
 * It lives here, apart from the signature code, so that reading a config never loads that code (and ssh-keygen's spawn).
 */
export const DEFAULT_ALLOWED_SIGNERS = '.runway/allowed_signers';

/** Checklist items Runway verifies itself, from the run's own records rather than a person's word. */
export const VERIFIED_FACTS = ['backup-verified', 'rollback-rehearsed', 'ci-green', 'monitor-configured'] as const;
export type VerifiedFact = (typeof VERIFIED_FACTS)[number];
export type { ApprovalPolicy };


/** The release being approved. */
export interface ReleaseUnderApproval {
  id: string;
  environment: string;
  /** The actor who started the release (its run). */
  startedBy?: string;
  /** Identities of the author of the release's commit (e-mail, and name if wanted). */
  commitAuthors?: readonly string[];
}

/** An approval as the store keeps it. */
export interface ApprovalRecord {
  /** Who the approval says gave it (the actor of `runway approve`). */
  by: string;
  environment: string;
  release: string;
  items?: readonly string[];
  comment?: string;
  at: string | Date;
  /** The armored `ssh-keygen -Y sign` signature over `approvalPayload(approvalStatement(this record))`. */
  sshSignature?: string;
  /**
   * The result of checking `sshSignature`. Set only by `verifyApprovalRecords`, never taken from storage: a stored
   * "verified" proves nothing.
   */
  signature?: SignatureCheck;
}

/** What the approver of a record signed (or signs): its environment, release, items, comment and time. */
export function approvalStatement(record: ApprovalRecord): ApprovalStatement {
  return {
    environment: record.environment,
    release: record.release,
    items: record.items ?? [],
    ...(record.comment !== undefined ? { comment: record.comment } : {}),
    at: new Date(record.at).toISOString(),
  };
}

/** What Runway verified itself, by fact: true/false, or with a detail shown when it is missing. */
export type ApprovalFacts = Partial<Record<VerifiedFact, boolean | { ok: boolean; detail?: string }>>;

/** The state of one checklist item. */
export interface ChecklistState {
  item: string;
  verify?: VerifiedFact;
  done: boolean;
  /** Who signed it off (people), or `runway` (verified). */
  by: string[];
}

/** The verdict on a release's approvals. */
export interface ApprovalVerdict {
  satisfied: boolean;
  missing: string[];
  counted: { who: string; at: string; signed: boolean; key?: string }[];
  refused: { who: string; why: string }[];
  checklist: ChecklistState[];
}

/** How far into the future an approval may be dated (clocks of two machines differ a little). */
const CLOCK_SKEW_MS = 5 * 60_000;

/** Who an approval counts as, or why it does not count at all. */
function judge(policy: ApprovalPolicy, release: ReleaseUnderApproval, approval: ApprovalRecord, now: number): { who: string; why?: string } {
  let who = approval.by;
  if (approval.environment !== release.environment) return { who, why: `approves ${approval.environment}, not ${release.environment}` };
  if (approval.release !== release.id) return { who, why: `approves release ${approval.release}, not ${release.id}` };
  if (approval.signature) {
    if (approval.signature.status !== 'verified') return { who, why: `signature does not count: ${approval.signature.reason}` };
    if (!sameIdentity(approval.signature.signer, approval.by)) return { who, why: `signed by ${approval.signature.signer}, not by ${approval.by}` };
    who = approval.signature.signer;
  } else if (policy.signatures === 'required') {
    return { who, why: `not signed: approvals of ${release.environment} must be signed with a key in ${policy.allowedSigners}` };
  }
  if (sameIdentity(who, release.startedBy)) return { who, why: 'started this release and cannot approve it' };
  if ((release.commitAuthors ?? []).some((author) => sameIdentity(author, who))) return { who, why: "authored the release's commit and cannot approve it" };
  if (policy.from.length && !matchingEntry(who, policy.from, policy.groups)) return { who, why: `may not approve (approvals.from: ${policy.from.join(', ')})` };
  const at = new Date(approval.at).getTime();
  if (Number.isNaN(at)) return { who, why: `approval time "${String(approval.at)}" is not a date` };
  if (at > now + CLOCK_SKEW_MS) return { who, why: `dated in the future (${new Date(at).toISOString()})` };
  if (now - at >= toMs(policy.expires)) return { who, why: `expired: given ${new Date(at).toISOString()}, approvals count for ${policy.expires}` };
  return { who };
}

/** Whether a fact holds, and its detail. */
function fact(facts: ApprovalFacts, name: VerifiedFact): { ok: boolean; detail?: string } {
  const value = facts[name];
  return typeof value === 'object' ? value : { ok: value === true };
}

/**
 * Judges the approvals of `release`: each counts once per person, only when it is for this release and
 * environment, unexpired, by someone `from` allows, not by the release's starter or its commit's author, and
 * (when signed, or when signatures are required) verified. Checklist items with `verify` are done only by
 * `facts`; the others by a counted approval that signs them off.
 */
export function evaluateApprovals(
  policy: ApprovalPolicy,
  release: ReleaseUnderApproval,
  approvals: readonly ApprovalRecord[],
  facts: ApprovalFacts,
  now: Date,
): ApprovalVerdict {
  const counted = new Map<string, ApprovalVerdict['counted'][number] & { items: Set<string> }>();
  const refused: ApprovalVerdict['refused'] = [];
  for (const approval of approvals) {
    const { who, why } = judge(policy, release, approval, now.getTime());
    if (why) {
      refused.push({ who, why });
      continue;
    }
    const key = normalizeIdentity(who);
    const entry = counted.get(key) ?? { who, at: new Date(approval.at).toISOString(), signed: Boolean(approval.signature), items: new Set<string>() };
    if (approval.signature?.status === 'verified') Object.assign(entry, { signed: true, key: approval.signature.key });
    for (const item of approval.items ?? []) entry.items.add(normalizeIdentity(item));
    counted.set(key, entry);
  }
  const checklist = policy.checklist.map((entry): ChecklistState => {
    if (entry.verify) {
      const { ok } = fact(facts, entry.verify);
      return { item: entry.item, verify: entry.verify, done: ok, by: ok ? ['runway'] : [] };
    }
    const by = [...counted.values()].filter((c) => c.items.has(normalizeIdentity(entry.item))).map((c) => c.who);
    return { item: entry.item, done: by.length > 0, by };
  });
  const missing: string[] = [];
  if (counted.size < policy.required) {
    const more = policy.required - counted.size;
    missing.push(`${more} more approval${more === 1 ? '' : 's'} (${counted.size} of ${policy.required})`);
  }
  for (const state of checklist.filter((c) => !c.done)) {
    const detail = state.verify ? fact(facts, state.verify).detail : undefined;
    missing.push(state.verify ? `${state.item}: not verified by Runway (${state.verify}${detail ? `: ${detail}` : ''})` : `${state.item}: not signed off`);
  }
  const countedList = [...counted.values()].map(({ items: _items, ...rest }) => rest);
  const refusedOfOthers = refused.filter((r) => !counted.has(normalizeIdentity(r.who)));
  return { satisfied: missing.length === 0, missing, counted: countedList, refused: refusedOfOthers, checklist };
}
