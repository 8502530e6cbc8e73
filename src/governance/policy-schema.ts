/** The schema of `policy:` (the policy for automated actors and the protected paths), read when a config is parsed. */
import { z } from 'zod';
import { EFFECT_CLASSES, type EffectClass } from './policy.js';

/**
 * One protected pattern: `*` and `?` within a path segment, `**` across directories, `{a,b}` alternatives,
 * relative to the repository root. Node 20's `path.matchesGlob` is not used: it prints an ExperimentalWarning and
 * its `**` skips dot-files, which would leave `docs/directions/.hidden` unprotected.
 */
export const protectedPatternSchema = z
  .string()
  .trim()
  .min(1)
  .refine((glob) => !glob.startsWith('/') && !glob.split('/').includes('..'), {
    message: 'use a path relative to the repository root, without "..", e.g. docs/directions/**',
  });

const effectList = z.array(z.enum(EFFECT_CLASSES));

/** What one actor kind may do. Each effect class is in one list; an omitted `approval` is every class not listed. */
const actorRulesSchema = z
  .object({
    unattended: effectList.optional().describe('Effect classes this kind runs without asking.'),
    approval: effectList.optional().describe('Effect classes that need an approval (default: every class not in unattended or refuse).'),
    refuse: effectList.optional().describe('Effect classes this kind may never run.'),
  })
  .strict()
  .superRefine((rules, ctx) => {
    const seen = new Map<EffectClass, string>();
    for (const list of ['unattended', 'approval', 'refuse'] as const) {
      for (const effect of rules[list] ?? []) {
        const earlier = seen.get(effect);
        if (earlier) ctx.addIssue({ code: 'custom', path: [list], message: `${effect} is in both ${earlier} and ${list}: put it in one` });
        seen.set(effect, list);
      }
    }
  });

/** `policy:` — per actor kind, and the protected paths. */
export const policySchema = z
  .object({
    human: actorRulesSchema.optional(),
    ci: actorRulesSchema.optional(),
    agent: actorRulesSchema.optional(),
    protected: z
      .array(protectedPatternSchema)
      .default([])
      .describe('Paths (globs) a release may change only with an approval, e.g. docs/directions/**.'),
  })
  .strict();

export type Policy = z.output<typeof policySchema>;
