/**
 * The target kinds Runway knows: one line each. The config schema, the kind lists, `runway schema` and the
 * engine all read this list, so adding a target is its folder plus one line here and one in schema.ts.
 */
import type { Target, TargetDefinition } from './target.js';
import { localTarget } from './local/definition.js';
import { flyTarget } from './fly/definition.js';
import { netlifyTarget } from './netlify/definition.js';
import { vercelTarget } from './vercel/definition.js';
import { kubernetesTarget } from './kubernetes/definition.js';
import { commandTarget } from './command/definition.js';

/** Every target kind, in the order `runway schema` and the docs list them. */
export const TARGETS = [localTarget, flyTarget, netlifyTarget, vercelTarget, kubernetesTarget, commandTarget] as const;

/** A target kind's name. */
export type TargetKind = (typeof TARGETS)[number]['kind'];

/** The definition of a kind, or undefined. */
export function targetDefinition(kind: string): TargetDefinition | undefined {
  return (TARGETS as readonly TargetDefinition[]).find((d) => d.kind === kind);
}

/** The kind key present in an environment's `target:` block (a valid config has exactly one). */
export function targetKindOf(target: Record<string, unknown>): string | undefined {
  return Object.keys(target).find((k) => target[k] !== undefined && target[k] !== null);
}

const loaded = new Map<string, Promise<Target>>();

/** The implementation of a kind, loaded once per process. */
export function loadTarget(kind: string): Promise<Target> {
  const definition = targetDefinition(kind);
  if (!definition) return Promise.reject(new Error(`unknown target kind "${kind}"`));
  if (!loaded.has(kind)) loaded.set(kind, definition.load());
  return loaded.get(kind)!;
}

/** The kind and `target.<kind>` block of an environment's target config. */
export function targetBlock(target: Record<string, unknown>): { kind: string; config: Record<string, unknown> } | undefined {
  const kind = targetKindOf(target);
  return kind ? { kind, config: (target[kind] ?? {}) as Record<string, unknown> } : undefined;
}

/** The health path a target's monitor probes by default (its definition says; `/` when it does not). */
export function targetHealthPath(target: Record<string, unknown>): string {
  const block = targetBlock(target);
  return (block && targetDefinition(block.kind)?.healthPath?.(block.config as never)) || '/';
}
