/**
 * `evidence:` at the top level: optional Ed25519 signing of every bundle head, so a team can prove a bundle came
 * from its CI. The private key is a secret (a name looked up in the secret sources); the public key is a file in the
 * repository that `runway evidence verify` checks every signature with.
 */
import { z } from 'zod';
import { secretVarName } from './primitives.js';

export const evidenceSchema = z
  .object({
    sign: z
      .object({
        key: secretVarName.describe('Name of the secret holding the PEM Ed25519 private key, e.g. RUNWAY_EVIDENCE_KEY.'),
        publicKey: z.string().min(1).describe('Path of the PEM public key in the repository, e.g. deploy/evidence.pub.pem.'),
        since: z
          .string()
          .optional()
          .describe('Run id of the first signed bundle: older bundles (finalized before signing was set up) may be unsigned.'),
      })
      .strict()
      .optional()
      .describe('Sign each bundle head with an Ed25519 key; verify checks it with the public key.'),
  })
  .strict()
  .default({})
  .describe('How evidence bundles are anchored beyond the hash chain.');

export type EvidenceConfig = z.output<typeof evidenceSchema>;
