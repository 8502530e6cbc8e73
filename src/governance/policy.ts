/**
 * The policy for automated actors: every command and step has an effect class (`read`, `local`, `remote`), every
 * actor a kind (`human`, `ci`, `agent`), and `policy:` says per kind which classes run unattended, which need an
 * approval and which are refused. Pure, apart from reading the environment variables it is given. The schema of
 * `policy:` is in policy-schema.ts, read only when a config is parsed.
 */
import { ConfigError } from '../errors.js';
import type { Policy } from './policy-schema.js';

export * from './protected-paths.js';
export type { Policy };

/** What a command or step changes: nothing, only this machine, or something elsewhere (platform, database, git remote). */
export const EFFECT_CLASSES = ['read', 'local', 'remote'] as const;
export type EffectClass = (typeof EFFECT_CLASSES)[number];

/** Who is running Runway. */
export const ACTOR_KINDS = ['human', 'ci', 'agent'] as const;
export type ActorKind = (typeof ACTOR_KINDS)[number];

/** The built-in rules: people and CI run everything; an agent reads and changes this machine, and asks for the rest. */
export const DEFAULT_RULES: Record<ActorKind, { unattended: EffectClass[] }> = {
  human: { unattended: ['read', 'local', 'remote'] },
  ci: { unattended: ['read', 'local', 'remote'] },
  agent: { unattended: ['read', 'local'] },
};


/** The answer for one actor kind and effect class, with the reason in words. */
export interface PolicyDecision {
  decision: 'allow' | 'needs-approval' | 'refuse';
  reason: string;
}

const ARTICLE: Record<ActorKind, string> = { human: 'a person', ci: 'CI', agent: 'an agent' };

/** Which list of the policy holds `effect` for `kind`, with built-in defaults for what the policy leaves out. */
function listOf(policy: Policy | undefined, kind: ActorKind, effect: EffectClass): 'unattended' | 'approval' | 'refuse' {
  const rules = policy?.[kind];
  if (rules?.refuse?.includes(effect)) return 'refuse';
  if ((rules?.unattended ?? DEFAULT_RULES[kind].unattended).includes(effect)) return 'unattended';
  if (rules?.approval && !rules.approval.includes(effect)) return 'refuse';
  return 'approval';
}

/** Whether an actor of `kind` may run a command or step of class `effect`: allow, needs-approval, or refuse. */
export function decide(policy: Policy | undefined, kind: ActorKind, effect: EffectClass): PolicyDecision {
  const list = listOf(policy, kind, effect);
  const where = policy?.[kind] ? `policy.${kind}.${list}` : `the default policy for ${kind}`;
  if (list === 'unattended') return { decision: 'allow', reason: `${ARTICLE[kind]} may run ${effect} steps unattended (${where})` };
  if (list === 'approval') return { decision: 'needs-approval', reason: `${effect} steps run by ${ARTICLE[kind]} need an approval (${where})` };
  const source = policy?.[kind]?.refuse?.includes(effect) ? where : `policy.${kind}: not in unattended or approval`;
  return { decision: 'refuse', reason: `${ARTICLE[kind]} may not run ${effect} steps (${source})` };
}

/** Whether an actor of this kind may approve a release: an agent never may. */
export function mayApprove(kind: ActorKind): boolean {
  return kind !== 'agent';
}

/** Variables CI services set, in the order they are looked at. */
export const CI_VARIABLES = [
  'GITHUB_ACTIONS',
  'GITLAB_CI',
  'BUILDKITE',
  'CIRCLECI',
  'JENKINS_URL',
  'TF_BUILD',
  'TEAMCITY_VERSION',
  'BITBUCKET_BUILD_NUMBER',
  'CODEBUILD_BUILD_ID',
  'DRONE',
  'CI',
] as const;

/** The detected kind and what it was detected from (for the run's evidence). */
export interface DetectedActorKind {
  kind: ActorKind;
  from: string;
}

/** A variable counts as set unless it is empty, `false` or `0` (`CI=false` is common to switch CI behaviour off). */
function isSet(value: string | undefined): boolean {
  return value !== undefined && !['', 'false', '0'].includes(value.trim().toLowerCase());
}

/**
 * The kind of actor running Runway: `RUNWAY_ACTOR_KIND` when set, else `ci` when a CI variable is set, else `human`
 * on a terminal, else `agent`. This is a convention that keeps honest automation within the policy, not a security
 * boundary: a process can set these variables. The MCP server does not detect; it always runs as `agent`.
 */
export function detectActorKind(env: NodeJS.ProcessEnv, isTTY: boolean): DetectedActorKind {
  const claimed = env.RUNWAY_ACTOR_KIND?.trim();
  if (claimed) {
    const kind = ACTOR_KINDS.find((name) => name === claimed.toLowerCase());
    if (!kind) throw new ConfigError(`RUNWAY_ACTOR_KIND="${claimed}" is not an actor kind: set it to human, ci or agent, or unset it`);
    return { kind, from: 'RUNWAY_ACTOR_KIND' };
  }
  const ci = CI_VARIABLES.find((name) => isSet(env[name]));
  if (ci) return { kind: 'ci', from: ci };
  return isTTY ? { kind: 'human', from: 'a terminal' } : { kind: 'agent', from: 'no terminal and no CI variable' };
}
