/**
 * Readers of kubectl's JSON output for the kubernetes target: a Deployment (its revision, the release its pod
 * template carries, whether its rollout is complete) and the ReplicaSets that are its revisions, newest first.
 */
import { StepError } from '../../errors.js';
import { parseJson } from '../cli-kit.js';
import type { HistoryEntry } from '../target.js';
import { RELEASE_ANNOTATION } from './manifests.js';

/** The revision annotation the Deployment controller keeps on Deployments and ReplicaSets. */
export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';

/** What Runway reads from a Deployment. */
export interface DeploymentState {
  name: string;
  uid?: string;
  /** The Deployment's current revision (absent before the controller has seen it). */
  revision?: string;
  /** The release on its pod template. */
  releaseId?: string;
  image?: string;
  /** Every replica runs the current template and is available (what `kubectl rollout status` waits for). */
  rolledOut: boolean;
  /** The Available condition is True. */
  available: boolean;
  /** Why the rollout stalled, e.g. `ProgressDeadlineExceeded: ReplicaSet "web-5d8f" has timed out progressing.` */
  stalled?: string;
  since?: string;
}

type Obj = Record<string, any>;

/** Reads `kubectl get deployment/<name> --ignore-not-found -o json`; undefined when it printed nothing. */
export function parseDeployment(stdout: string, container?: string): DeploymentState | undefined {
  if (!stdout.trim()) return undefined;
  const d = parseJson<Obj>(stdout, 'kubectl get deployment');
  if (d?.kind !== 'Deployment' || !d.metadata?.name) throw new StepError(`could not read the output of kubectl get deployment: expected a Deployment, got ${JSON.stringify(d?.kind ?? typeof d)}`);
  const status: Obj = d.status ?? {};
  const replicas = d.spec?.replicas ?? 1;
  const conditions: Obj[] = status.conditions ?? [];
  const progressing = conditions.find((c) => c.type === 'Progressing');
  const rolledOut = (status.observedGeneration ?? 0) >= (d.metadata.generation ?? 0)
    && (status.updatedReplicas ?? 0) === replicas && (status.replicas ?? 0) === replicas && (status.availableReplicas ?? 0) === replicas;
  return {
    name: d.metadata.name,
    uid: d.metadata.uid,
    revision: d.metadata.annotations?.[REVISION_ANNOTATION],
    releaseId: d.spec?.template?.metadata?.annotations?.[RELEASE_ANNOTATION],
    image: imageOf(d.spec?.template, container),
    rolledOut,
    available: conditions.some((c) => c.type === 'Available' && c.status === 'True'),
    ...(progressing?.reason === 'ProgressDeadlineExceeded' ? { stalled: `${progressing.reason}: ${progressing.message ?? ''}`.trim() } : {}),
    since: progressing?.lastUpdateTime ?? d.metadata.creationTimestamp,
  };
}

/** Reads `kubectl get replicasets -o json`: the revisions of `deployment` (by owner), newest first. */
export function parseRevisions(stdout: string, deployment: DeploymentState | undefined, container?: string): HistoryEntry[] {
  const list = parseJson<Obj>(stdout, 'kubectl get replicasets');
  if (!Array.isArray(list?.items)) throw new StepError('could not read the output of kubectl get replicasets: it has no "items" list');
  if (!deployment) return [];
  const owned = (list.items as Obj[]).filter((rs) => (rs.metadata?.ownerReferences ?? []).some((o: Obj) =>
    o.kind === 'Deployment' && o.controller && (deployment.uid ? o.uid === deployment.uid : o.name === deployment.name)));
  return owned
    .map((rs) => ({ rs, revision: Number(rs.metadata?.annotations?.[REVISION_ANNOTATION] ?? 0) }))
    .filter((r) => r.revision > 0)
    .sort((a, b) => b.revision - a.revision)
    .map(({ rs, revision }) => {
      const releaseId = rs.spec?.template?.metadata?.annotations?.[RELEASE_ANNOTATION] as string | undefined;
      const image = imageOf(rs.spec?.template, container);
      const live = String(revision) === deployment.revision;
      const ready = (rs.status?.availableReplicas ?? 0) > 0;
      return {
        ...(releaseId ? { releaseId } : {}),
        handle: { target: 'kubernetes', id: String(revision), ...(image ? { artifact: image } : {}), details: { replicaSet: rs.metadata.name } },
        state: live ? (deployment.rolledOut ? 'live' : 'rolling out') : ready ? 'scaling down' : 'inactive',
        live: live && deployment.rolledOut,
        createdAt: rs.metadata?.creationTimestamp,
      } satisfies HistoryEntry;
    });
}

// The image of the named container of a pod template (the first container when none is named).
function imageOf(template: Obj | undefined, container?: string): string | undefined {
  const containers: Obj[] = template?.spec?.containers ?? [];
  return (containers.find((c) => c.name === container) ?? containers[0])?.image;
}

/** Reads `kubectl version --client -o json` → `1.32.4`. */
export function parseClientVersion(output: string): string | undefined {
  const start = output.indexOf('{');
  if (start < 0) return undefined;
  try {
    const git = (JSON.parse(output.slice(start, output.lastIndexOf('}') + 1)) as Obj).clientVersion?.gitVersion as string | undefined;
    return /^v?(\d+\.\d+\.\d+)/.exec(git ?? '')?.[1];
  } catch {
    return undefined;
  }
}
