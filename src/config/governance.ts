/**
 * `approvals:` and `freeze:` of an environment. The schemas live with the rules in src/governance (approvals.ts,
 * freeze-schema.ts). A `verify: ci-green` item needs the top-level `ci:` (checked in schema.ts, which sees both).
 */
import { z } from 'zod';
import { approvalsSchema } from '../governance/approvals-schema.js';
import { freezeSchema } from '../governance/freeze-schema.js';

/** `approvals:` of an environment: who must approve a release, the checklist, the expiry and the signatures. */
export const environmentApprovalsSchema = approvalsSchema
  .optional()
  .describe('Approvals a release needs before a deploy or promotion to this environment runs (runway approve).');

/** `freeze:` of an environment: recurring and date-range windows, and who may override them. */
export const environmentFreezeSchema = freezeSchema
  .optional()
  .describe('Freeze windows: deploys and promotions are refused inside them (rollbacks never are).');

export type EnvironmentApprovals = NonNullable<z.output<typeof environmentApprovalsSchema>>;
export type EnvironmentFreeze = NonNullable<z.output<typeof environmentFreezeSchema>>;
