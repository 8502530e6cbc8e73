/**
 * `releaseLog:` at the top level: which fields a release record shows (in report.md, `runway releases` and the
 * journals), how many commit subjects it lists as highlights, the monitoring links it carries (URL templates), and
 * the journal files that get one entry per run.
 */
import { z } from 'zod';
import { RELEASE_FIELDS, type ReleaseField } from '../evidence/report-release.js';

export { RELEASE_FIELDS, type ReleaseField };

/** A path inside the project: relative, without `..` segments. */
const projectPath = z
  .string()
  .min(1)
  .refine((p) => !/^([/\\]|[A-Za-z]:)/.test(p) && !p.split(/[/\\]/).includes('..'), {
    message: 'expected a path inside the project, relative and without "..", e.g. docs/releases.md',
  });

// A list without repeats: a repeated field or journal is a mistake, not a wish for two copies.
function unique<T extends z.ZodType<string>>(item: T, what: string) {
  return z.array(item).superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((value, i) => {
      if (seen.has(value)) ctx.addIssue({ code: 'custom', path: [i], message: `${what} "${value}" is listed twice` });
      seen.add(value);
    });
  });
}

export const releaseLogSchema = z
  .object({
    fields: unique(z.enum(RELEASE_FIELDS), 'field')
      .min(1)
      .default([...RELEASE_FIELDS])
      .describe(`Fields a release record shows, in this order: ${RELEASE_FIELDS.join(', ')}.`),
    highlights: z
      .number()
      .int()
      .min(0)
      .max(200)
      .default(20)
      .describe("How many commit subjects since the environment's known-good release the record lists (the rest are counted)."),
    monitoring: z
      .array(
        z
          .object({
            name: z.string().trim().min(1).describe('Link text, e.g. Grafana.'),
            url: z
              .string()
              .min(1)
              .describe('URL template: ${{ runway.release }}, ${{ runway.sha }}, ${{ runway.env }}, ${{ runway.project }}, ${{ vars.NAME }}, ${{ run.id }}, ${{ run.started }}, ${{ run.finished }}, ${{ run.startedMs }}, ${{ run.finishedMs }}.'),
          })
          .strict(),
      )
      .default([])
      .describe('Post-deploy monitoring links, filled in for each run.'),
    journals: unique(projectPath, 'journal')
      .default([])
      .describe('Markdown files that get one release entry per run (append-only; a run already there is not added again).'),
  })
  .strict()
  .default({ fields: [...RELEASE_FIELDS], highlights: 20, monitoring: [], journals: [] })
  .describe('The release record of each run: in report.md, in `runway releases` and in the journals listed here.');

export type ReleaseLogConfig = z.output<typeof releaseLogSchema>;
