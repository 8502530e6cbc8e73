/**
 * `approvals:` and `freeze:` of an environment. The schemas live with the rules in src/governance (approvals.ts,
 * freeze-schema.ts); this section adds what the wiring needs: checklist facts Runway cannot verify yet are refused
 * here, so a config never waits for a fact that no run produces.
 */
import { z } from 'zod';
import { approvalsSchema } from '../governance/approvals.js';
import { freezeSchema } from '../governance/freeze-schema.js';

/** Checklist facts whose producer is not built yet (the CI-green gate), with the fix. */
const NOT_VERIFIABLE_YET: Record<string, string> = {
  'ci-green': 'the CI-green gate is not wired yet',
};

/** `approvals:` of an environment: who must approve a release, the checklist, the expiry and the signatures. */
export const environmentApprovalsSchema = approvalsSchema
  .superRefine((policy, ctx) => {
    policy.checklist.forEach((entry, index) => {
      const why = entry.verify ? NOT_VERIFIABLE_YET[entry.verify] : undefined;
      if (why) {
        ctx.addIssue({
          code: 'custom', path: ['checklist', index, 'verify'],
          message: `Runway cannot verify ${entry.verify} yet (${why}): drop verify: to have a person sign "${entry.item}" off`,
        });
      }
    });
  })
  .optional()
  .describe('Approvals a release needs before a deploy or promotion to this environment runs (runway approve).');

/** `freeze:` of an environment: recurring and date-range windows, and who may override them. */
export const environmentFreezeSchema = freezeSchema
  .optional()
  .describe('Freeze windows: deploys and promotions are refused inside them (rollbacks never are).');

export type EnvironmentApprovals = NonNullable<z.output<typeof environmentApprovalsSchema>>;
export type EnvironmentFreeze = NonNullable<z.output<typeof environmentFreezeSchema>>;
