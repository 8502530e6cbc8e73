/**
 * Readers of flyctl's JSON output (field names from fly-go `types.go` and `machine_types.go`): releases, app
 * status, health checks and machines. Each throws StepError naming the command when the JSON has the wrong shape.
 */
import { StepError } from '../../errors.js';
import { parseJson } from '../cli-kit.js';
import type { TargetHealth } from '../target.js';

/** One release of `fly releases --json --image`. */
export interface FlyRelease {
  id: string;
  version: number;
  status: string;
  stable: boolean;
  strategy?: string;
  createdAt?: string;
  imageRef?: string;
  /** The image's tag: the Runway release id when Runway built it. */
  label?: string;
}

/** One machine of `fly status --json` or `fly machines list --json`. */
export interface FlyMachine {
  id: string;
  state: string;
  region?: string;
  /** The image's tag: the Runway release id when Runway built it. */
  label?: string;
  image?: string;
  releaseVersion?: number;
  memoryMb?: number;
  updatedAt?: string;
  checks: TargetHealth[];
}

/** The app as `fly status --json` reports it. */
export interface FlyAppStatus {
  name: string;
  deployed: boolean;
  hostname?: string;
  appUrl?: string;
  /** The current release version. */
  version?: number;
  machines: FlyMachine[];
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : undefined);

/** The tag of `registry.fly.io/app:tag` (undefined for a digest-only or untagged reference). */
export function imageLabel(ref: string | undefined): string | undefined {
  if (!ref) return undefined;
  const name = ref.split('@')[0]!;
  const colon = name.lastIndexOf(':');
  return colon > name.lastIndexOf('/') ? name.slice(colon + 1) : undefined;
}

/** A health check is ok only when Fly says `passing`. */
export function toHealth(check: unknown, machineId?: string): TargetHealth {
  const c = obj(check) ?? {};
  const status = str(c.status) ?? 'unknown';
  const name = str(c.name) ?? 'check';
  return { name: machineId ? `${machineId}/${name}` : name, status, ok: status === 'passing', ...(str(c.output) ? { output: str(c.output) } : {}) };
}

/** Reads `fly releases --json --image`; newest first. */
export function parseReleases(text: string): FlyRelease[] {
  const data = parseJson<unknown>(text, 'fly releases --json');
  if (!Array.isArray(data)) throw new StepError('fly releases --json printed JSON that is not a list of releases');
  return data.map((item) => {
    const r = obj(item) ?? {};
    const version = num(r.Version);
    if (version === undefined) throw new StepError('fly releases --json: a release has no Version');
    const imageRef = str(r.ImageRef);
    return {
      id: str(r.ID) ?? `v${version}`, version, status: str(r.Status) ?? 'unknown', stable: r.Stable === true,
      strategy: str(r.DeploymentStrategy), createdAt: str(r.CreatedAt), imageRef, label: imageLabel(imageRef),
    };
  }).sort((a, b) => b.version - a.version);
}

/** Reads one machine (snake_case fields of fly-go's `Machine`). */
export function parseMachine(item: unknown): FlyMachine {
  const m = obj(item) ?? {};
  const ref = obj(m.image_ref) ?? {};
  const config = obj(m.config) ?? {};
  const image = str(config.image) ?? (str(ref.repository) ? `${str(ref.registry) ?? 'registry.fly.io'}/${str(ref.repository)}${str(ref.tag) ? `:${str(ref.tag)}` : ''}` : undefined);
  const id = str(m.id) ?? '?';
  return {
    id, state: str(m.state) ?? 'unknown', region: str(m.region), label: str(ref.tag) ?? imageLabel(image), image,
    releaseVersion: num(obj(config.metadata)?.fly_release_version), memoryMb: num(obj(config.guest)?.memory_mb),
    updatedAt: str(m.updated_at), checks: Array.isArray(m.checks) ? m.checks.map((c) => toHealth(c)) : [],
  };
}

/** Reads `fly status --json`. */
export function parseStatus(text: string): FlyAppStatus {
  const data = obj(parseJson<unknown>(text, 'fly status --json'));
  if (!data || typeof data.Name !== 'string') throw new StepError('fly status --json printed JSON without the app (no "Name")');
  const machines = Array.isArray(data.Machines) ? data.Machines.map(parseMachine) : [];
  return { name: data.Name, deployed: data.Deployed === true, hostname: str(data.Hostname), appUrl: str(data.AppURL), version: num(data.Version), machines };
}

/** Reads `fly machines list --json`. */
export function parseMachines(text: string): FlyMachine[] {
  const data = parseJson<unknown>(text, 'fly machines list --json');
  if (!Array.isArray(data)) throw new StepError('fly machines list --json printed JSON that is not a list of machines');
  return data.map(parseMachine);
}

/** Reads `fly checks list --json`: `{ machineId: [check…] }` → one health entry per machine and check. */
export function parseChecks(text: string): TargetHealth[] {
  const data = obj(parseJson<unknown>(text, 'fly checks list --json'));
  if (!data) throw new StepError('fly checks list --json printed JSON that is not an object of machines');
  return Object.entries(data).flatMap(([machine, checks]) => (Array.isArray(checks) ? checks.map((c) => toHealth(c, machine)) : []));
}

/** Machines whose memory is not `memoryMb`, as `id (region): 1024 MB`. */
export function memoryMismatches(machines: FlyMachine[], memoryMb: number): string[] {
  return machines.filter((m) => m.memoryMb !== memoryMb).map((m) => `${m.id}${m.region ? ` (${m.region})` : ''}: ${m.memoryMb ?? '?'} MB`);
}

/** The names in `fly secrets list --json` (Go field `Name`, or `name`); never a value (Fly shows digests only). */
export function parseSecretNames(text: string): string[] {
  const data = parseJson<unknown>(text, 'fly secrets list --json');
  if (!Array.isArray(data)) throw new StepError('could not read the JSON output of fly secrets list --json: it is not a list');
  return data.map((item) => str(obj(item)?.Name) ?? str(obj(item)?.name)).filter((n): n is string => Boolean(n));
}
