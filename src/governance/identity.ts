/**
 * Who someone is, for approvals and freeze overrides: names (usually e-mail addresses, as `git config user.email`
 * and allowed-signers principals are) compared without regard to case or surrounding space, and `group:<name>`
 * entries resolved through a `groups:` map.
 */
import { z } from 'zod';

/** The prefix that marks a group in a list of people: `group:release-managers`. */
export const GROUP_PREFIX = 'group:';

const GROUP_NAME = /^[a-z][a-z0-9_-]*$/;

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

export type Groups = Record<string, string[]>;

/** The form two identities are compared in. */
export function normalizeIdentity(identity: string): string {
  return identity.trim().toLowerCase();
}

/** Whether two identities name the same person. Empty identities never match. */
export function sameIdentity(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b) return false;
  const left = normalizeIdentity(a);
  return left !== '' && left === normalizeIdentity(b);
}

/** The entries naming a group that `groups` does not define (for config errors). */
export function unknownGroups(entries: readonly string[], groups: Groups): string[] {
  return entries
    .filter((entry) => entry.startsWith(GROUP_PREFIX))
    .filter((entry) => !Object.hasOwn(groups, entry.slice(GROUP_PREFIX.length)));
}

/**
 * The entry of `entries` that lets `actor` in — the actor's own name, or the first group holding them — or
 * undefined. An unknown group lets nobody in.
 */
export function matchingEntry(actor: string, entries: readonly string[], groups: Groups): string | undefined {
  return entries.find((entry) => {
    if (!entry.startsWith(GROUP_PREFIX)) return sameIdentity(entry, actor);
    const members = Object.hasOwn(groups, entry.slice(GROUP_PREFIX.length)) ? groups[entry.slice(GROUP_PREFIX.length)]! : [];
    return members.some((member) => sameIdentity(member, actor));
  });
}

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
