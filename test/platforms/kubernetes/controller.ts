/**
 * The Deployment controller of the Kubernetes API stand-in, as far as kubectl's rollout commands see it: a changed
 * pod template gets a ReplicaSet (reused and renumbered when a rollback brings an old template back) whose
 * `deployment.kubernetes.io/revision` annotation is one above the highest, then the status walks through a rollout
 * (observedGeneration, updated/available replicas, Progressing and Available conditions). An armed failure leaves the
 * rollout stuck with `ProgressDeadlineExceeded`, so `kubectl rollout status` fails as it does on a real cluster.
 */
import { createHash } from 'node:crypto';
import type { Cluster, KubeObject } from './cluster.js';

const REVISION = 'deployment.kubernetes.io/revision';
const HASH_LABEL = 'pod-template-hash';

/** Drives Deployments of one cluster; `failNext()` makes the next rollout miss its progress deadline. */
export class DeploymentController {
  #failNext = false;
  readonly #timers = new Set<NodeJS.Timeout>();

  constructor(readonly cluster: Cluster, readonly stepMs = 60) {}

  /** The next changed pod template never becomes available. */
  failNext(): void {
    this.#failNext = true;
  }

  /** Called after every write of a Deployment: starts a rollout when its generation is not observed yet. */
  changed(deployment: KubeObject): void {
    if ((deployment.status?.observedGeneration ?? 0) >= (deployment.metadata.generation ?? 0)) return;
    const fail = this.#failNext;
    this.#failNext = false;
    this.#later(() => this.#rollout(deployment.metadata.namespace!, deployment.metadata.name, fail));
  }

  /** Stops pending rollout steps. */
  stop(): void {
    for (const timer of this.#timers) clearTimeout(timer);
  }

  // Runs `step` after one step's delay.
  #later(step: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      step();
    }, this.stepMs);
    this.#timers.add(timer);
  }

  // Picks or creates the ReplicaSet of the template, marks the Deployment's revision, and starts the status walk.
  #rollout(namespace: string, name: string, fail: boolean): void {
    const deployment = this.cluster.get('deployments', namespace, name);
    if (!deployment) return;
    const owned = this.cluster.list('replicasets', namespace).filter((rs) => rs.metadata.ownerReferences?.some((o) => o.uid === deployment.metadata.uid));
    const hash = templateHash(deployment.spec!.template);
    const top = Math.max(0, ...owned.map(revisionOf));
    let current = owned.find((rs) => rs.metadata.labels?.[HASH_LABEL] === hash);
    const replicas = deployment.spec!.replicas ?? 1;
    const annotations = { ...withoutRevisions(deployment.metadata.annotations) };
    if (!current) {
      current = replicaSet(deployment, hash, top + 1, annotations);
    } else if (revisionOf(current) !== top) {
      const history = [current.metadata.annotations?.['deployment.kubernetes.io/revision-history'], String(revisionOf(current))].filter(Boolean).join(',');
      current.metadata.annotations = { ...annotations, [REVISION]: String(top + 1), 'deployment.kubernetes.io/revision-history': history };
    }
    const revision = current.metadata.annotations![REVISION]!;
    current.spec!.replicas = replicas;
    current.status = { replicas: 1, availableReplicas: fail ? 0 : 1, readyReplicas: fail ? 0 : 1, observedGeneration: 1 };
    this.cluster.put('replicasets', current);
    deployment.metadata.annotations = { ...deployment.metadata.annotations, [REVISION]: revision };
    deployment.status = {
      observedGeneration: deployment.metadata.generation, replicas: replicas + 1, updatedReplicas: 1,
      readyReplicas: replicas, availableReplicas: replicas, unavailableReplicas: 1,
      conditions: [
        condition('Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.'),
        fail
          ? condition('Progressing', 'False', 'ProgressDeadlineExceeded', `ReplicaSet "${current.metadata.name}" has timed out progressing.`)
          : condition('Progressing', 'True', 'ReplicaSetUpdated', `ReplicaSet "${current.metadata.name}" is progressing.`),
      ],
    };
    this.cluster.put('deployments', deployment);
    if (!fail) this.#later(() => this.#complete(namespace, name, current!.metadata.name, deployment.metadata.generation!));
  }

  // Finishes a rollout: every replica on the new ReplicaSet, the old ones scaled to zero.
  #complete(namespace: string, name: string, rsName: string, generation: number): void {
    const deployment = this.cluster.get('deployments', namespace, name);
    if (!deployment || deployment.metadata.generation !== generation) return;
    const replicas = deployment.spec!.replicas ?? 1;
    for (const rs of this.cluster.list('replicasets', namespace)) {
      if (!rs.metadata.ownerReferences?.some((o) => o.uid === deployment.metadata.uid)) continue;
      const mine = rs.metadata.name === rsName;
      if (!mine && !rs.spec!.replicas) continue;
      rs.spec!.replicas = mine ? replicas : 0;
      rs.status = { replicas: rs.spec!.replicas, availableReplicas: rs.spec!.replicas, readyReplicas: rs.spec!.replicas, fullyLabeledReplicas: rs.spec!.replicas, observedGeneration: 1 };
      this.cluster.put('replicasets', rs);
    }
    deployment.status = {
      observedGeneration: generation, replicas, updatedReplicas: replicas, readyReplicas: replicas, availableReplicas: replicas,
      conditions: [
        condition('Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.'),
        condition('Progressing', 'True', 'NewReplicaSetAvailable', `ReplicaSet "${rsName}" has successfully progressed.`),
      ],
    };
    this.cluster.put('deployments', deployment);
  }
}

// A Deployment status condition.
function condition(type: string, status: string, reason: string, message: string): Record<string, string> {
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  return { type, status, reason, message, lastUpdateTime: now, lastTransitionTime: now };
}

// The revision annotation of a ReplicaSet as a number.
function revisionOf(rs: KubeObject): number {
  return Number(rs.metadata.annotations?.[REVISION] ?? 0);
}

// A Deployment's annotations without the controller's own revision keys (they are not copied to ReplicaSets).
function withoutRevisions(annotations: Record<string, string> = {}): Record<string, string> {
  const { [REVISION]: _r, 'deployment.kubernetes.io/revision-history': _h, 'kubectl.kubernetes.io/last-applied-configuration': _l, ...rest } = annotations;
  return rest;
}

// The pod-template-hash of a template (the template without that label).
function templateHash(template: KubeObject): string {
  const copy = structuredClone(template);
  if (copy.metadata?.labels) delete copy.metadata.labels[HASH_LABEL];
  return createHash('sha256').update(stable(copy)).digest('hex').slice(0, 10);
}

// JSON with sorted keys and without nulls and empty objects (what Go's typed round trip adds), so equal templates
// hash alike, as the API server's defaulting makes them equal on a real cluster.
function stable(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stable).join(',')}]`;
  if (value && typeof value === 'object') {
    const keys = Object.keys(value).sort().filter((k) => !['null', '{}'].includes(stable((value as Record<string, unknown>)[k])));
    return `{${keys.map((k) => `${JSON.stringify(k)}:${stable((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

// A new ReplicaSet owned by `deployment` for its current template.
function replicaSet(deployment: KubeObject, hash: string, revision: number, annotations: Record<string, string>): KubeObject {
  const template = structuredClone(deployment.spec!.template);
  template.metadata = { ...template.metadata, labels: { ...template.metadata?.labels, [HASH_LABEL]: hash } };
  return {
    apiVersion: 'apps/v1', kind: 'ReplicaSet',
    metadata: {
      name: `${deployment.metadata.name}-${hash}`, namespace: deployment.metadata.namespace, generation: 1,
      labels: { ...template.metadata.labels }, annotations: { ...annotations, [REVISION]: String(revision) },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.metadata.name, uid: deployment.metadata.uid!, controller: true, blockOwnerDeletion: true } as never],
    },
    spec: {
      replicas: 0,
      selector: { matchLabels: { ...deployment.spec!.selector?.matchLabels, [HASH_LABEL]: hash } },
      template,
    },
    status: { replicas: 0 },
  };
}
