/**
 * The discovery documents of the Kubernetes API stand-in: what kubectl reads from /version, /api, /api/v1, /apis
 * and /apis/apps/v1 to map kinds to resources (the legacy, non-aggregated form every kubectl still accepts).
 */

/** One served resource: its group, version, plural name and kind. */
export interface ServedResource {
  group: string;
  version: string;
  resource: string;
  kind: string;
  shortNames?: string[];
}

/** The resources the stand-in serves (namespaced, all verbs kubectl needs). */
export const RESOURCES: readonly ServedResource[] = [
  { group: '', version: 'v1', resource: 'services', kind: 'Service', shortNames: ['svc'] },
  { group: '', version: 'v1', resource: 'configmaps', kind: 'ConfigMap', shortNames: ['cm'] },
  { group: 'apps', version: 'v1', resource: 'deployments', kind: 'Deployment', shortNames: ['deploy'] },
  { group: 'apps', version: 'v1', resource: 'replicasets', kind: 'ReplicaSet', shortNames: ['rs'] },
];

const VERBS = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];

/** The resource served at `group/version/resource`, or undefined. */
export function servedResource(group: string, version: string, resource: string): ServedResource | undefined {
  return RESOURCES.find((r) => r.group === group && r.version === version && r.resource === resource);
}

/** `GET /version`: the server's version. */
export function versionInfo(): Record<string, string> {
  return {
    major: '1', minor: '32', gitVersion: 'v1.32.4-stand-in', gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean', buildDate: '2025-01-01T00:00:00Z', goVersion: 'go1.23.8', compiler: 'gc', platform: 'linux/amd64',
  };
}

/** `GET /api`: the core group's versions. */
export function coreVersions(address: string): unknown {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: address }] };
}

/** `GET /apis`: the named groups. */
export function groupList(): unknown {
  const groups = [...new Set(RESOURCES.filter((r) => r.group).map((r) => r.group))];
  return {
    kind: 'APIGroupList', apiVersion: 'v1',
    groups: groups.map((name) => {
      const versions = [...new Set(RESOURCES.filter((r) => r.group === name).map((r) => r.version))]
        .map((version) => ({ groupVersion: `${name}/${version}`, version }));
      return { name, versions, preferredVersion: versions[0] };
    }),
  };
}

/** `GET /api/v1` or `/apis/<group>/<version>`: the resources of one group version, or undefined. */
export function resourceList(group: string, version: string): unknown {
  const served = RESOURCES.filter((r) => r.group === group && r.version === version);
  if (!served.length) return undefined;
  return {
    kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/${version}` : version,
    resources: served.map((r) => ({
      name: r.resource, singularName: r.kind.toLowerCase(), namespaced: true, kind: r.kind, verbs: VERBS,
      ...(r.shortNames ? { shortNames: r.shortNames } : {}),
    })),
  };
}
