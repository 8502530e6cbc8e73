/** The schema of an environment's `approvals:`, read when a config is parsed. */
import { z } from 'zod';
import { DURATION_PATTERN } from '../config/duration.js';
import { DEFAULT_ALLOWED_SIGNERS, VERIFIED_FACTS, type VerifiedFact } from './approvals.js';
import { normalizeIdentity } from './identity.js';
import { checkGroups, groupsSchema, personOrGroupSchema } from './identity-schema.js';

/** One checklist item: `{ item, verify? }`, or just the item's text (signed off by a person). */
export const checklistItemSchema = z.union([
  z.string().trim().min(1).transform((item): { item: string; verify?: VerifiedFact } => ({ item })),
  z
    .object({
      item: z.string().trim().min(1).describe('What must be true, e.g. "database backup confirmed".'),
      verify: z.enum(VERIFIED_FACTS).optional().describe('Runway verifies this item itself; a person cannot sign it off.'),
    })
    .strict(),
]);

/** `approvals:` of an environment. */
export const approvalsSchema = z
  .object({
    required: z.number().int().min(0).default(1).describe('How many different people must approve a release.'),
    from: z
      .array(personOrGroupSchema)
      .default([])
      .describe('Who may approve: names or group:<name> (default: anyone but the release\'s starter and commit author).'),
    groups: groupsSchema,
    checklist: z.array(checklistItemSchema).default([]).describe('Items that must be done before the release may proceed.'),
    expires: z
      .string()
      .regex(DURATION_PATTERN, { message: 'expected a duration such as 24h or 30m' })
      .default('24h')
      .describe('How long an approval counts after it was given.'),
    signatures: z
      .enum(['required', 'optional'])
      .default('optional')
      .describe('required: only approvals signed with an SSH key in the allowed-signers file count.'),
    allowedSigners: z.string().min(1).default(DEFAULT_ALLOWED_SIGNERS).describe('The allowed-signers file, relative to the project.'),
  })
  .strict()
  .superRefine((policy, ctx) => {
    checkGroups(policy.from, policy.groups, ctx, ['from']);
    const seen = new Set<string>();
    policy.checklist.forEach((entry, index) => {
      const key = normalizeIdentity(entry.item);
      if (seen.has(key)) ctx.addIssue({ code: 'custom', path: ['checklist', index], message: `"${entry.item}" is listed twice` });
      seen.add(key);
    });
  });

export type ApprovalPolicy = z.output<typeof approvalsSchema>;
