/**
 * Readers of the `vercel` CLI's JSON output (`deploy --json`, `list --json`, `inspect --json`), checked field by
 * field so an unexpected answer fails with the command's name instead of an `undefined` further on. The shapes
 * are the ones vercel 58.10.0 prints (see fixtures/).
 */
import { z } from 'zod';
import { StepError } from '../../errors.js';
import { parseJson } from '../cli-kit.js';
import { RELEASE_META } from './commands.js';

// A deployment's URL or host (the CLI prints `https://undefined` when the API gave it none).
const deploymentUrl = z.string().regex(/^(https?:\/\/)?[a-z0-9-]+(\.[a-z0-9-]+)+(:\d+)?\/?$/i, { message: 'is not a deployment URL' });

const deploySchema = z.object({
  id: z.string().min(1),
  url: deploymentUrl,
  readyState: z.string(),
  target: z.string().nullable().optional(),
  inspectorUrl: z.string().nullable().optional(),
});

const listedSchema = z.object({
  id: z.string().min(1),
  url: z.string().min(1),
  state: z.string().optional(),
  target: z.string().nullable().optional(),
  createdAt: z.number(),
  ready: z.number().optional(),
  meta: z.record(z.string(), z.string()).optional(),
});

const listSchema = z.object({ deployments: z.array(listedSchema) });

const inspectSchema = z.object({
  id: z.string().min(1),
  url: z.string().min(1),
  readyState: z.string().optional(),
  target: z.string().nullable().optional(),
  aliases: z.array(z.string()).optional(),
});

/** The deployment `vercel deploy --json` made. */
export type DeployOutput = z.output<typeof deploySchema>;
/** One deployment of `vercel list --json`, with the Runway release its metadata names. */
export type ListedDeployment = z.output<typeof listedSchema> & { releaseId?: string };
/** The deployment `vercel inspect --json` resolved. */
export type InspectOutput = z.output<typeof inspectSchema>;

// Checks one command's parsed JSON; StepError naming the command and the first bad field.
function check<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new StepError(`could not read the output of ${what}: ${issue.path.join('.') || 'the answer'} ${issue.message.toLowerCase()}`);
  }
  return parsed.data;
}

/**
 * Reads `vercel deploy --json`; the URL always gets its scheme. With `--non-interactive` (or when the CLI detects
 * an agent) the deployment comes wrapped as `{ status, deployment, message, next }`.
 */
export function parseDeploy(text: string): DeployOutput {
  const what = 'vercel deploy --json';
  const raw = parseJson<{ deployment?: unknown }>(text, what);
  const out = check(deploySchema, raw && typeof raw === 'object' && raw.deployment ? raw.deployment : raw, what);
  return { ...out, url: withScheme(out.url) };
}

/** Reads `vercel list --json`, newest first. */
export function parseList(text: string): ListedDeployment[] {
  const out = check(listSchema, parseJson(text, 'vercel list --json'), 'vercel list --json');
  return out.deployments
    .map((d) => ({ ...d, url: withScheme(d.url), ...(d.meta?.[RELEASE_META] ? { releaseId: d.meta[RELEASE_META] } : {}) }))
    .sort((a, b) => b.createdAt - a.createdAt);
}

/** Reads `vercel inspect --json`. */
export function parseInspect(text: string): InspectOutput {
  const out = check(inspectSchema, parseJson(text, 'vercel inspect --json'), 'vercel inspect --json');
  return { ...out, url: withScheme(out.url) };
}

/** `https://` in front of a bare host. */
export function withScheme(url: string): string {
  return /^https?:\/\//.test(url) ? url : `https://${url}`;
}
