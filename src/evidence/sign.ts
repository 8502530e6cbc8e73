/**
 * Optional Ed25519 signatures of bundle heads (node:crypto): the CI's private key, read from the secret sources,
 * signs "<environment> <run id> <manifest sha256>"; the public key kept in the repository verifies it. The signature
 * lives in `<bundle>/manifest.sig` (written after the manifest, so the manifest cannot list it) and in the state store.
 */
import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { sha256, SIGNATURE_FILE } from './manifest.js';

/** Contents of manifest.sig. */
export interface HeadSignature {
  algorithm: 'ed25519';
  /** sha256 of the public key (SPKI DER), so a reader sees which key signed. */
  keySha256: string;
  /** base64 Ed25519 signature of {@link signedText}. */
  signature: string;
}

/** The exact text a head signature covers. */
export function signedText(environment: string, runId: string, manifestSha256: string): string {
  return `runway evidence head v1\n${environment}\n${runId}\n${manifestSha256}\n`;
}

/** sha256 of a key's public half (SPKI DER), as hex. */
export function keyFingerprint(key: KeyObject): string {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return sha256(pub.export({ type: 'spki', format: 'der' }));
}

/**
 * Signs a head with a PEM private key. Throws an Error naming the key's secret name, never its value, when the
 * key is not an Ed25519 private key.
 */
export function signHead(privateKeyPem: string, keyName: string, environment: string, runId: string, manifestSha256: string): HeadSignature {
  let key: KeyObject;
  try {
    key = createPrivateKey(privateKeyPem);
  } catch {
    throw new Error(`secret ${keyName} is not a PEM private key (generate one: openssl genpkey -algorithm ed25519)`);
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new Error(`secret ${keyName} is a ${key.asymmetricKeyType ?? 'unknown'} key; evidence signing needs an Ed25519 key`);
  }
  const signature = sign(null, Buffer.from(signedText(environment, runId, manifestSha256)), key).toString('base64');
  return { algorithm: 'ed25519', keySha256: keyFingerprint(key), signature };
}

/** Reads a PEM public key file; returns an error message instead of throwing. */
export async function loadPublicKey(file: string): Promise<KeyObject | string> {
  let pem: string;
  try {
    pem = await readFile(file, 'utf8');
  } catch {
    return `public key ${file} cannot be read`;
  }
  try {
    const key = createPublicKey(pem);
    return key.asymmetricKeyType === 'ed25519' ? key : `public key ${file} is a ${key.asymmetricKeyType} key, not Ed25519`;
  } catch {
    return `public key ${file} is not a PEM public key`;
  }
}

/** Checks a signature against the public key; returns what is wrong, or null when it is valid. */
export function checkSignature(
  publicKey: KeyObject, sig: HeadSignature, environment: string, runId: string, manifestSha256: string,
): string | null {
  if (sig.algorithm !== 'ed25519') return `${SIGNATURE_FILE} uses unsupported algorithm ${JSON.stringify(sig.algorithm)}`;
  const expected = keyFingerprint(publicKey);
  if (sig.keySha256 !== expected) return `signed by another key (sha256 ${sig.keySha256}), not the repository's public key (sha256 ${expected})`;
  const ok = verify(null, Buffer.from(signedText(environment, runId, manifestSha256)), publicKey, Buffer.from(sig.signature, 'base64'));
  return ok ? null : `bad signature: ${SIGNATURE_FILE} does not sign manifest sha256 ${manifestSha256}`;
}

/** Writes manifest.sig into a finalized bundle (read-only like the rest). */
export async function writeSignature(bundleDir: string, sig: HeadSignature): Promise<void> {
  const file = path.join(bundleDir, SIGNATURE_FILE);
  await writeFile(file, `${JSON.stringify(sig, null, 2)}\n`);
  await chmod(file, 0o444).catch(() => undefined);
}

/** Reads a bundle's manifest.sig: the signature, null when there is none, or an error message. */
export async function readSignature(bundleDir: string): Promise<HeadSignature | null | string> {
  let text: string;
  try {
    text = await readFile(path.join(bundleDir, SIGNATURE_FILE), 'utf8');
  } catch {
    return null;
  }
  try {
    const v = JSON.parse(text) as HeadSignature;
    if (v && typeof v.signature === 'string' && typeof v.keySha256 === 'string') return v;
  } catch {
    // reported below
  }
  return `${SIGNATURE_FILE} is malformed`;
}
