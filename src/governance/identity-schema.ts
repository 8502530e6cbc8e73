/** The schemas of lists of people and of `groups:` (approvals and freeze overrides), read when a config is parsed. */
import { z } from 'zod';
import { GROUP_NAME, GROUP_PREFIX, unknownGroups, type Groups } from './identity.js';

/** One entry of a list of people: a name (an e-mail address, a login) or `group:<name>`. */
export const personOrGroupSchema = z
  .string()
  .trim()
  .min(1, { message: 'expected a name or group:<name>' })
  .superRefine((entry, ctx) => {
    if (entry.startsWith(GROUP_PREFIX) && !GROUP_NAME.test(entry.slice(GROUP_PREFIX.length))) {
      ctx.addIssue({ code: 'custom', message: `"${entry}": a group name uses lower-case letters, digits, "-" and "_"` });
    }
  })
  .describe('A person (e-mail address or login) or group:<name> of the groups map.');

/** `groups:` — group names and their members (names only; a group does not contain groups). */
export const groupsSchema = z
  .record(z.string().regex(GROUP_NAME, { message: 'a group name uses lower-case letters, digits, "-" and "_"' }), z.array(z.string().trim().min(1)))
  .default({})
  .describe('Groups of people, used as group:<name> in approvals.from and freeze.override.');

/** Adds a config issue at `path` for every `group:` entry that `groups` does not define. */
export function checkGroups(entries: readonly string[], groups: Groups, ctx: z.RefinementCtx, path: (string | number)[]): void {
  for (const entry of unknownGroups(entries, groups)) {
    const index = entries.indexOf(entry);
    const known = Object.keys(groups);
    ctx.addIssue({
      code: 'custom',
      path: [...path, index],
      message: `unknown group "${entry.slice(GROUP_PREFIX.length)}" (${known.length ? `groups: ${known.join(', ')}` : 'define it under groups:'})`,
    });
  }
}
