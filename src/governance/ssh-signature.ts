/**
 * Approvals signed with the approver's SSH key, as git signs commits: `ssh-keygen -Y sign` over a canonical JSON
 * payload in the `runway-approval` namespace, and `-Y find-principals` + `-Y verify` against an allowed-signers file
 * in the repository. The verified signer — not a name anyone can type — is who approved.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import { DEFAULT_ALLOWED_SIGNERS } from './approvals.js';
import { sameIdentity } from './identity.js';
import { findPrincipalsArgv, runSshKeygen, signArgv, verifyArgv, APPROVAL_NAMESPACE, type SshKeygenOptions, type SshKeygenResult } from './ssh-keygen.js';

export { APPROVAL_NAMESPACE } from './ssh-keygen.js';

export { DEFAULT_ALLOWED_SIGNERS };

/** The allowed-signers file of a project. */
export function allowedSignersPath(projectDir: string, configured?: string): string {
  return resolve(projectDir, configured ?? DEFAULT_ALLOWED_SIGNERS);
}

/** What an approver signs. */
export interface ApprovalStatement {
  environment: string;
  release: string;
  /** Checklist items signed off. */
  items: readonly string[];
  comment?: string;
  /** When the approval was given (ISO 8601). */
  at: string;
}

/** JSON with object keys sorted at every level and no spaces: the same value always gives the same bytes. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The bytes an approver signs: environment, release, items (sorted, once each), comment and time, canonically. */
export function approvalPayload(statement: ApprovalStatement): string {
  const at = new Date(statement.at);
  if (Number.isNaN(at.getTime())) throw new ConfigError(`approval time "${statement.at}" is not a date (expected ISO 8601)`);
  return canonicalJson({
    at: at.toISOString(),
    comment: statement.comment ?? '',
    environment: statement.environment,
    items: [...new Set(statement.items)].sort(),
    release: statement.release,
  });
}

/** The first line ssh-keygen wrote to stderr, without its "Signing data on standard input" chatter. */
function complaint(result: SshKeygenResult): string {
  return result.stderr.split('\n').map((line) => line.trim()).find((line) => line && !/^Signing data on standard input/.test(line)) ?? '';
}

/**
 * Signs `payload` with an SSH key: a private key without a passphrase, or a `.pub` file whose private half is
 * loaded in ssh-agent (keys with a passphrase sign that way). Returns the armored signature; throws a
 * ConfigError (exit 2) naming the fix when the key cannot sign.
 */
export async function signApproval(payload: string, keyPath: string, options: SshKeygenOptions = {}): Promise<string> {
  const result = await runSshKeygen(signArgv(keyPath), payload, options);
  if (result.exitCode === 0 && result.stdout.includes('-----BEGIN SSH SIGNATURE-----')) return result.stdout;
  if (result.spawnError === 'ENOENT') throw new ConfigError('ssh-keygen not found: install OpenSSH (its ssh-keygen signs with -Y sign)');
  if (result.timedOut) throw new ConfigError(`ssh-keygen did not sign within ${(options.timeoutMs ?? 10_000) / 1000}s`);
  const why = complaint(result);
  if (/passphrase/i.test(why)) {
    throw new ConfigError(`the key ${keyPath} has a passphrase: add it to ssh-agent (ssh-add ${keyPath}) and sign with ${keyPath}.pub`);
  }
  throw new ConfigError(`cannot sign with ${keyPath}: ${why || `ssh-keygen exited ${result.exitCode}`}`);
}

/** The outcome of checking one signature. Only `verified` lets an approval count. */
export type SignatureCheck =
  | { status: 'verified'; signer: string; key: string; principals: string[] }
  | { status: 'unknown-key' | 'key-not-valid' | 'invalid' | 'error'; reason: string };

/** What a failed find-principals or verify means, in words. */
function failure(result: SshKeygenResult, allowedSigners: string, identity?: string): Exclude<SignatureCheck, { status: 'verified' }> {
  const text = result.stderr;
  if (result.spawnError === 'ENOENT') return { status: 'error', reason: 'ssh-keygen not found: install OpenSSH to verify signed approvals' };
  if (result.spawnError) return { status: 'error', reason: `ssh-keygen could not be started: ${result.spawnError}` };
  if (result.timedOut) return { status: 'error', reason: 'ssh-keygen did not answer in time' };
  if (/Unable to open allowed keys file/.test(text)) return { status: 'error', reason: `cannot read the allowed-signers file ${allowedSigners}` };
  if (/key has expired/.test(text)) return { status: 'key-not-valid', reason: `the signing key has expired (its valid-before in ${allowedSigners} has passed)` };
  if (/not yet valid/.test(text)) return { status: 'key-not-valid', reason: `the signing key is not valid yet (valid-after in ${allowedSigners})` };
  const badLine = /:(\d+): (bad options: .+)$/m.exec(text);
  if (badLine) return { status: 'error', reason: `the allowed-signers file ${allowedSigners} has a bad line ${badLine[1]}: ${badLine[2]}` };
  if (/not permitted for use in signature namespace/.test(text)) {
    return { status: 'key-not-valid', reason: `the signing key may not sign approvals: its namespaces= in ${allowedSigners} leaves out ${APPROVAL_NAMESPACE}` };
  }
  if (/Couldn't parse signature|sshsig_armor|missing header|invalid format|incomplete message/.test(text)) return { status: 'invalid', reason: 'not a readable SSH signature' };
  if (/namespace does not match/.test(text)) return { status: 'invalid', reason: `the signature was made for another purpose, not ${APPROVAL_NAMESPACE}` };
  if (/incorrect signature/.test(text)) {
    return { status: 'invalid', reason: 'the signature does not match this approval (changed after signing, or made for another one)' };
  }
  if (/No principal matched/.test(text)) return { status: 'unknown-key', reason: `signed by a key that is not in ${allowedSigners}` };
  if (identity) return { status: 'invalid', reason: `the signing key is not ${identity}'s in ${allowedSigners}` };
  return { status: 'error', reason: `ssh-keygen exited ${result.exitCode}: ${complaint(result) || 'no output'}` };
}

/** What to verify: the exact payload, its signature, the allowed-signers file, and who claims to have signed. */
export interface VerifyInput {
  payload: string;
  signature: string;
  allowedSigners: string;
  /** The approver the approval names; the key must be theirs. Without it the key must belong to exactly one principal. */
  identity?: string;
  /** Check the key's validity at this moment instead of now (re-verifying old evidence). */
  at?: Date;
}

/** The principal to verify as: the claimed identity (spelled as the file spells it), or the key's only principal. */
function chooseIdentity(principals: string[], identity: string | undefined): string | { reason: string } {
  if (identity) return principals.find((principal) => sameIdentity(principal, identity)) ?? identity;
  const literal = principals.filter((principal) => !/[*?!,]/.test(principal));
  if (principals.length === 1 && literal.length === 1) return literal[0]!;
  return { reason: `the key belongs to ${principals.join(', ')} in the allowed-signers file: name the approver` };
}

/**
 * Verifies a signed approval: finds the principals of the signing key in the allowed-signers file
 * (`-Y find-principals`), then verifies the payload as the approver's (`-Y verify -n runway-approval`). Resolves
 * with the verified signer and key, or with why the signature does not count; never rejects.
 */
export async function verifyApproval(input: VerifyInput, options: SshKeygenOptions = {}): Promise<SignatureCheck> {
  if (!input.signature.includes('-----BEGIN SSH SIGNATURE-----')) return { status: 'invalid', reason: 'not an SSH signature' };
  const dir = await mkdtemp(join(tmpdir(), 'runway-sig-'));
  try {
    const signaturePath = join(dir, 'approval.sig');
    await writeFile(signaturePath, input.signature, { mode: 0o600 });
    const found = await runSshKeygen(findPrincipalsArgv(input.allowedSigners, signaturePath, input.at), '', options);
    if (found.exitCode !== 0) return failure(found, input.allowedSigners);
    const principals = found.stdout.split('\n').map((line) => line.trim()).filter(Boolean);
    const identity = chooseIdentity(principals, input.identity);
    if (typeof identity !== 'string') return { status: 'invalid', reason: identity.reason };
    const verified = await runSshKeygen(verifyArgv(input.allowedSigners, identity, signaturePath, input.at), input.payload, options);
    const good = /^Good "[^"]+" signature for (.+) with (\S+) key (\S+)/m.exec(verified.stdout);
    if (verified.exitCode !== 0 || !good) return failure(verified, input.allowedSigners, identity);
    return { status: 'verified', signer: good[1]!, key: `${good[2]} ${good[3]}`, principals };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
