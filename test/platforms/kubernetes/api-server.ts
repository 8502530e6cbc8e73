/**
 * A loopback stand-in of the Kubernetes API server for the real kubectl (v1.32): discovery, namespaced get, list and
 * watch, create, server-side apply, JSON and merge patches, and a Deployment controller that rolls out ReplicaSets.
 * Every request is recorded (see `../stand-in.ts`); `kubeconfig()` writes a kubeconfig that points kubectl here.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ServerResponse } from 'node:http';
import { startStandIn, type RecordedRequest, type Reply, type StandIn } from '../stand-in.js';
import { applyIntent, Cluster, jsonPatch, matchesFields, matchesLabels, mergePatch, type KubeObject } from './cluster.js';
import { DeploymentController } from './controller.js';
import { coreVersions, groupList, resourceList, servedResource, versionInfo } from './discovery.js';

/** A running API server stand-in. */
export interface KubeApiStandIn {
  standIn: StandIn;
  cluster: Cluster;
  controller: DeploymentController;
  /** Writes a kubeconfig (context `stand-in`, bearer `token`) into `dir` and returns its path. */
  kubeconfig(dir: string, options?: { token?: string; namespace?: string }): string;
  /** The `runway.dev/release` annotation of a Deployment's current pod template (what it serves). */
  serving(namespace: string, name: string): string | undefined;
  close(): Promise<void>;
}

type Params = Record<string, string>;

/** Starts the stand-in on 127.0.0.1. */
export async function startKubeApi(options: { stepMs?: number } = {}): Promise<KubeApiStandIn> {
  const standIn = await startStandIn();
  const cluster = new Cluster();
  const controller = new DeploymentController(cluster, options.stepMs);
  const address = standIn.url.replace(/^http:\/\//, '');
  const watches = new Set<ServerResponse>();

  standIn.on('GET', '/version', () => ({ json: versionInfo() }));
  standIn.on('GET', '/api', () => ({ json: coreVersions(address) }));
  standIn.on('GET', '/apis', () => ({ json: groupList() }));
  standIn.on('GET', '/openapi/v2', () => ({ text: '', headers: { 'content-type': 'application/octet-stream' } }));
  standIn.on('GET', '/openapi/v3', () => ({ json: { paths: {} } }));
  standIn.on('GET', '/api/:version', (_r, p) => found(resourceList('', p.version!)));
  standIn.on('GET', '/apis/:group/:version', (_r, p) => found(resourceList(p.group!, p.version!)));
  for (const prefix of ['/api/:version', '/apis/:group/:version']) {
    standIn.on('GET', `${prefix}/namespaces/:ns/:resource`, (req, p, res) => (isWatch(req) ? watch(req, p, res) : list(req, p)));
    standIn.on('POST', `${prefix}/namespaces/:ns/:resource`, (req, p) => create(req, p));
    standIn.on('GET', `${prefix}/namespaces/:ns/:resource/:name`, (_r, p) => item(p));
    standIn.on('PATCH', `${prefix}/namespaces/:ns/:resource/:name`, (req, p) => patch(req, p));
    standIn.on('PUT', `${prefix}/namespaces/:ns/:resource/:name`, (req, p) => write(p, body(req)));
  }

  // The resource of a path, or a 404 reply.
  function served(p: Params) {
    return servedResource(p.group ?? '', p.version!, p.resource!);
  }

  // A list (with label and field selectors).
  function list(req: RecordedRequest, p: Params): Reply {
    const resource = served(p);
    if (!resource) return notFound(p);
    const items = cluster.list(p.resource!, p.ns!)
      .filter((o) => matchesLabels(o.metadata.labels, req.query.get('labelSelector')) && matchesFields(o, req.query.get('fieldSelector')));
    const apiVersion = resource.group ? `${resource.group}/${resource.version}` : resource.version;
    return { json: { kind: `${resource.kind}List`, apiVersion, metadata: { resourceVersion: cluster.resourceVersion }, items } };
  }

  // A watch: the changes after `resourceVersion`, then every later one, one JSON event per line.
  function watch(req: RecordedRequest, p: Params, res: ServerResponse): void {
    const labels = req.query.get('labelSelector');
    const fields = req.query.get('fieldSelector');
    const send = (type: string, object: KubeObject, resource: string) => {
      if (resource !== p.resource || object.metadata.namespace !== p.ns) return;
      if (!matchesLabels(object.metadata.labels, labels) || !matchesFields(object, fields)) return;
      res.write(`${JSON.stringify({ type, object })}\n`);
    };
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    res.flushHeaders();
    watches.add(res);
    for (const e of cluster.since(req.query.get('resourceVersion') ?? cluster.resourceVersion)) send(e.type, e.object, e.resource);
    const unsubscribe = cluster.subscribe((e) => send(e.type, e.object, e.resource));
    const seconds = Number(req.query.get('timeoutSeconds') ?? 0);
    const timer = seconds > 0 ? setTimeout(() => res.end(), seconds * 1000) : undefined;
    res.on('close', () => {
      unsubscribe();
      clearTimeout(timer);
      watches.delete(res);
    });
  }

  // One object.
  function item(p: Params): Reply {
    const object = served(p) ? cluster.get(p.resource!, p.ns!, p.name!) : undefined;
    return object ? { json: object } : notFound(p);
  }

  // A POST of a new object.
  function create(req: RecordedRequest, p: Params): Reply {
    const object = body(req);
    if (cluster.get(p.resource!, p.ns!, object.metadata.name)) {
      return status(409, 'AlreadyExists', `${p.resource} "${object.metadata.name}" already exists`);
    }
    return { status: 201, ...write({ ...p, name: object.metadata.name }, object) };
  }

  // A PATCH: server-side apply, JSON patch or merge patch, by content type.
  function patch(req: RecordedRequest, p: Params): Reply {
    if (!served(p)) return notFound(p);
    const type = String(req.headers['content-type'] ?? '');
    const existing = cluster.get(p.resource!, p.ns!, p.name!);
    const patchBody = JSON.parse(req.body.toString('utf8') || 'null');
    if (type.startsWith('application/apply-patch')) return write(p, applyIntent(existing, patchBody));
    if (!existing) return notFound(p);
    if (type.startsWith('application/json-patch')) return write(p, jsonPatch(existing, patchBody));
    return write(p, mergePatch(existing, patchBody) as KubeObject);
  }

  // Stores an object: a changed spec bumps the generation; Deployments go to the controller.
  function write(p: Params, object: KubeObject): Reply {
    const resource = served(p)!;
    const existing = cluster.get(p.resource!, p.ns!, p.name!);
    object.apiVersion = resource.group ? `${resource.group}/${resource.version}` : resource.version;
    object.kind = resource.kind;
    object.metadata = { ...object.metadata, name: p.name!, namespace: p.ns! };
    const changed = JSON.stringify(existing?.spec) !== JSON.stringify(object.spec);
    object.metadata.generation = (existing?.metadata.generation ?? 0) + (changed || !existing ? 1 : 0);
    if (p.resource === 'deployments') object.status = existing?.status ?? {};
    const stored = cluster.put(p.resource!, object);
    if (p.resource === 'deployments') controller.changed(stored);
    return { status: existing ? 200 : 201, json: stored };
  }

  return {
    standIn, cluster, controller,
    kubeconfig(dir, { token = 'stand-in-token', namespace = 'default' } = {}) {
      const path = join(dir, 'kubeconfig');
      writeFileSync(path, JSON.stringify({
        apiVersion: 'v1', kind: 'Config', 'current-context': 'stand-in',
        clusters: [{ name: 'stand-in', cluster: { server: standIn.url } }],
        users: [{ name: 'runway', user: { token } }],
        contexts: [{ name: 'stand-in', context: { cluster: 'stand-in', user: 'runway', namespace } }],
      }, null, 2), { mode: 0o600 });
      return path;
    },
    serving: (namespace, name) => cluster.get('deployments', namespace, name)?.spec?.template?.metadata?.annotations?.['runway.dev/release'],
    close: async () => {
      controller.stop();
      for (const res of watches) res.end();
      await standIn.close();
    },
  };
}

// True for `?watch=true` (or 1).
function isWatch(req: RecordedRequest): boolean {
  return ['true', '1'].includes(req.query.get('watch') ?? '');
}

// A request body as an object.
function body(req: RecordedRequest): KubeObject {
  return JSON.parse(req.body.toString('utf8')) as KubeObject;
}

// A discovery document, or 404.
function found(json: unknown): Reply {
  return json ? { json } : status(404, 'NotFound', 'the server could not find the requested resource');
}

// The API's NotFound for one object or resource.
function notFound(p: Params): Reply {
  const what = p.group ? `${p.resource}.${p.group}` : p.resource;
  return status(404, 'NotFound', p.name ? `${what} "${p.name}" not found` : 'the server could not find the requested resource', p);
}

// A `Status` failure reply.
function status(code: number, reason: string, message: string, p?: Params): Reply {
  const details = p?.name ? { details: { name: p.name, group: p.group ?? '', kind: p.resource } } : {};
  return { status: code, json: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...details, code } };
}
