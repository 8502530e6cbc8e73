/**
 * The release's manifests: the user's manifests (files, a directory, or `kubectl kustomize` output) parsed as YAML
 * or JSON documents, the release image set on the Deployment's container, and the release recorded in the
 * `kubernetes.io/change-cause` and `runway.dev/release` annotations (on the pod template too, so every release is a
 * ReplicaSet of its own and `kubectl rollout history` names it).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ConfigError } from '../../errors.js';

/** The annotation (and Deployment label) that carries the Runway release id. */
export const RELEASE_ANNOTATION = 'runway.dev/release';
/** Kubernetes' own annotation for why a revision exists (shown by `kubectl rollout history`). */
export const CHANGE_CAUSE = 'kubernetes.io/change-cause';

/** A manifest document (only the fields Runway touches are typed). */
export interface Manifest {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; labels?: Record<string, string>; annotations?: Record<string, string>; [k: string]: unknown };
  spec?: { template?: Manifest & { spec?: { containers?: { name: string; image?: string }[] } }; [k: string]: unknown };
  [k: string]: unknown;
}

/** What to stamp into the manifests. */
export interface ReleaseStamp {
  deployment: string;
  container: string;
  image: string;
  releaseId: string;
  sha: string;
}

/** Parses YAML/JSON text with one or more documents (`---` separated); `where` names it in errors. */
export function parseManifests(text: string, where: string): Manifest[] {
  const docs = parseAllDocuments(text);
  const out: Manifest[] = [];
  for (const doc of Array.isArray(docs) ? docs : [docs]) {
    if (doc.errors.length) throw new ConfigError(`${where}: not valid YAML or JSON: ${doc.errors[0]!.message.split('\n')[0]}`);
    const value = doc.toJSON() as Manifest | null;
    if (!value) continue;
    if (value.kind === 'List' && Array.isArray(value.items)) out.push(...(value.items as Manifest[]));
    else out.push(value);
  }
  return out;
}

/** Reads a manifest file, or every *.yaml, *.yml and *.json file of a directory (sorted, not recursive). */
export function readManifests(path: string, shown: string): Manifest[] {
  let files: string[];
  try {
    files = statSync(path).isDirectory()
      ? readdirSync(path).filter((f) => ['.yaml', '.yml', '.json'].includes(extname(f))).sort().map((f) => join(path, f))
      : [path];
  } catch {
    throw new ConfigError(`kubernetes.manifests: "${shown}" does not exist: point it at a manifest file or a directory of manifests`);
  }
  return files.flatMap((file) => parseManifests(readFileSync(file, 'utf8'), file === path ? shown : `${shown}/${file.slice(path.length + 1)}`));
}

/** The manifests with the release stamped into the Deployment; ConfigError naming the fix when it is not there. */
export function stampRelease(manifests: Manifest[], stamp: ReleaseStamp): Manifest[] {
  const out = structuredClone(manifests);
  const deployment = out.find((m) => m.kind === 'Deployment' && m.metadata?.name === stamp.deployment);
  if (!deployment) {
    const names = out.filter((m) => m.kind === 'Deployment').map((m) => `"${m.metadata?.name}"`);
    throw new ConfigError(`kubernetes.deployment: no Deployment "${stamp.deployment}" in the manifests${names.length ? ` (found ${names.join(', ')})` : ' (they contain no Deployment)'}`);
  }
  const containers = deployment.spec?.template?.spec?.containers ?? [];
  const container = containers.find((c) => c.name === stamp.container);
  if (!container) {
    throw new ConfigError(`kubernetes.container: Deployment "${stamp.deployment}" has no container "${stamp.container}" (it has ${containers.map((c) => `"${c.name}"`).join(', ') || 'none'})`);
  }
  container.image = stamp.image;
  const cause = `runway release ${stamp.releaseId} (${stamp.sha.slice(0, 12)}): ${stamp.image}`;
  deployment.metadata = {
    ...deployment.metadata,
    annotations: { ...deployment.metadata?.annotations, [CHANGE_CAUSE]: cause, [RELEASE_ANNOTATION]: stamp.releaseId },
    ...(isLabelValue(stamp.releaseId) ? { labels: { ...deployment.metadata?.labels, [RELEASE_ANNOTATION]: stamp.releaseId } } : {}),
  };
  const template = deployment.spec!.template!;
  template.metadata = { ...template.metadata, annotations: { ...template.metadata?.annotations, [RELEASE_ANNOTATION]: stamp.releaseId } };
  return out;
}

/** The stamped manifests as one `List` document (what `kubectl apply -f` reads). */
export function manifestList(manifests: Manifest[]): string {
  return `${JSON.stringify({ apiVersion: 'v1', kind: 'List', items: manifests }, null, 2)}\n`;
}

// True when `value` can be a label value (63 characters of [A-Za-z0-9-_.], alphanumeric at both ends).
function isLabelValue(value: string): boolean {
  return value.length <= 63 && /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(value);
}
