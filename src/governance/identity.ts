/**
 * Who someone is, for approvals and freeze overrides: names (usually e-mail addresses, as `git config user.email`
 * and allowed-signers principals are) compared without regard to case or surrounding space, and `group:<name>`
 * entries resolved through a `groups:` map. The schemas of such lists are in identity-schema.ts.
 */
/** The prefix that marks a group in a list of people: `group:release-managers`. */
export const GROUP_PREFIX = 'group:';

/** What a group's name may be: lower-case letters, digits, `-` and `_`, starting with a letter. */
export const GROUP_NAME = /^[a-z][a-z0-9_-]*$/;

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
