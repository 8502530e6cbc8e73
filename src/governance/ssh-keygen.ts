/**
 * `ssh-keygen -Y` as data and one runner: the argument arrays for signing, finding the principals of a signature
 * and verifying it (as git does for SSH-signed commits), and a spawn with stdin, a timeout and the whole result.
 */
import { spawn } from 'node:child_process';

/** The namespace every approval signature is made in, so a signature made for git (or anything else) never counts. */
export const APPROVAL_NAMESPACE = 'runway-approval';

/** What ssh-keygen did: the whole result, as evidence keeps it. `exitCode` is null when it was killed or never started. */
export interface SshKeygenResult {
  argv: string[];
  exitCode: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** Set when the program could not be started (e.g. ENOENT: ssh-keygen is not installed). */
  spawnError?: string;
}

/** `-O verify-time=…` for checking a key's validity at a moment other than now (YYYYMMDDHHMMSSZ, in UTC). */
function verifyTimeOption(at: Date | undefined): string[] {
  if (!at) return [];
  const stamp = at.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return ['-O', `verify-time=${stamp}Z`];
}

/** Signs stdin with a private key (or a public key whose private half is in ssh-agent); the signature goes to stdout. */
export function signArgv(keyPath: string, namespace = APPROVAL_NAMESPACE): string[] {
  return ['-Y', 'sign', '-f', keyPath, '-n', namespace];
}

/** Prints the principals of the allowed-signers file whose key made the signature. */
export function findPrincipalsArgv(allowedSigners: string, signaturePath: string, at?: Date): string[] {
  return ['-Y', 'find-principals', '-f', allowedSigners, '-s', signaturePath, ...verifyTimeOption(at)];
}

/** Verifies the signature of stdin as made by `identity`'s key in the allowed-signers file, in the approval namespace. */
export function verifyArgv(allowedSigners: string, identity: string, signaturePath: string, at?: Date, namespace = APPROVAL_NAMESPACE): string[] {
  return ['-Y', 'verify', '-f', allowedSigners, '-I', identity, '-n', namespace, '-s', signaturePath, ...verifyTimeOption(at)];
}

/** How long one ssh-keygen call may take before it is killed (it never needs the network). */
export const SSH_KEYGEN_TIMEOUT_MS = 10_000;

/** How to run ssh-keygen: a time limit, and the program (default `ssh-keygen` from PATH). */
export interface SshKeygenOptions {
  timeoutMs?: number;
  program?: string;
}

/** Runs ssh-keygen with `argv`, writes `input` to its stdin, and resolves with the whole result (never rejects). */
export function runSshKeygen(argv: string[], input: string, options: SshKeygenOptions = {}): Promise<SshKeygenResult> {
  const { timeoutMs = SSH_KEYGEN_TIMEOUT_MS, program = 'ssh-keygen' } = options;
  return new Promise((resolve) => {
    const child = spawn(program, argv, { stdio: ['pipe', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let timedOut = false;
    let settled = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    const finish = (exitCode: number | null, spawnError?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({
        argv: [program, ...argv],
        exitCode,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
        timedOut,
        ...(spawnError ? { spawnError } : {}),
      });
    };
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', (error: NodeJS.ErrnoException) => finish(null, error.code ?? error.message));
    child.on('close', (code) => finish(code));
    // ssh-keygen may exit before reading stdin (a missing key file): the broken pipe is not an error of ours.
    child.stdin.on('error', () => {});
    child.stdin.end(input);
  });
}
