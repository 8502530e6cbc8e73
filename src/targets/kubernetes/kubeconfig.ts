/**
 * The kubeconfig pre-flight: without a kubeconfig kubectl silently talks to http://localhost:8080, so the target
 * refuses to run until one exists (the config's `kubeconfig`, else $KUBECONFIG, else ~/.kube/config) and names the
 * context the environment uses. Only paths and context names are reported, never the file's credentials.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, isAbsolute, join } from 'node:path';
import { parse } from 'yaml';
import type { CredentialSource } from '../target.js';

/** Where to look and which context is wanted. */
export interface KubeconfigInput {
  projectDir: string;
  /** `kubernetes.kubeconfig` from runway.yaml. */
  path?: string;
  /** `kubernetes.context` from runway.yaml. */
  context?: string;
  /** KUBECONFIG from the environment's secrets or Runway's environment, and where it came from. */
  env?: { value: string; source: string };
  home?: string;
}

/** The kubeconfig check's answer. */
export interface KubeconfigCheck {
  credential: CredentialSource;
  /** The context kubectl will use, when one was found. */
  context?: string;
  problems: string[];
}

/** Finds the kubeconfig and its context; every problem names the fix. */
export function checkKubeconfig(input: KubeconfigInput): KubeconfigCheck {
  const { files, source } = candidates(input);
  const present = files.filter((f) => existsSync(f));
  if (!present.length) {
    return {
      credential: { name: 'kubeconfig', source: 'missing' },
      problems: [`no kubeconfig at ${files.join(', ')} (${source}): set KUBECONFIG in the environment's secret sources or \`kubernetes.kubeconfig\` in runway.yaml (without one kubectl talks to http://localhost:8080)`],
    };
  }
  let current: string | undefined;
  const contexts = new Set<string>();
  for (const file of present) {
    let doc: { 'current-context'?: string; contexts?: { name?: string }[] } | null;
    try {
      doc = parse(readFileSync(file, 'utf8'));
    } catch (error) {
      return { credential: { name: 'kubeconfig', source }, problems: [`kubeconfig ${file} is not valid YAML (${(error as Error).message.split('\n')[0]}): fix or regenerate it`] };
    }
    current ??= doc?.['current-context'] || undefined;
    for (const c of doc?.contexts ?? []) if (c?.name) contexts.add(c.name);
  }
  const credential = { name: 'kubeconfig', source: `${source} (${present.join(delimiter)})` };
  const wanted = input.context ?? current;
  if (!wanted) {
    return { credential, problems: [`kubeconfig ${present.join(', ')} has no current-context: set \`kubernetes.context\` in runway.yaml or run \`kubectl config use-context <name>\``] };
  }
  if (!contexts.has(wanted)) {
    const known = [...contexts].map((c) => `"${c}"`).join(', ') || 'none';
    return { credential, context: wanted, problems: [`kubeconfig has no context "${wanted}" (it has ${known}): fix \`kubernetes.context\` in runway.yaml or the kubeconfig`] };
  }
  return { credential, context: wanted, problems: [] };
}

// The kubeconfig files kubectl would read, and where that list came from.
function candidates(input: KubeconfigInput): { files: string[]; source: string } {
  const resolve = (p: string) => (isAbsolute(p) ? p : join(input.projectDir, p));
  if (input.path) return { files: [resolve(input.path)], source: 'kubernetes.kubeconfig in runway.yaml' };
  if (input.env?.value) return { files: input.env.value.split(delimiter).filter(Boolean).map(resolve), source: `KUBECONFIG from ${input.env.source}` };
  return { files: [join(input.home ?? homedir(), '.kube', 'config')], source: 'the default ~/.kube/config' };
}
