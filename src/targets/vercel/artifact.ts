/**
 * The release's Vercel build output (`<release dir>/.vercel/output`, the Build Output API): whether it is there,
 * which Vercel environment it was built for, and its digest, the artifact reference every environment deploys.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { StepError } from '../../errors.js';

/** Where `vercel build` writes its output inside a directory. */
export function outputDir(dir: string): string {
  return join(dir, '.vercel', 'output');
}

/** The Vercel environment `.vercel/output` was built for (`production`, `preview`), or undefined when it is absent. */
export async function builtTarget(dir: string): Promise<string | undefined> {
  const file = join(outputDir(dir), 'builds.json');
  if (!existsSync(file)) return undefined;
  try {
    const builds = JSON.parse(await readFile(file, 'utf8')) as { target?: unknown };
    return typeof builds.target === 'string' ? builds.target : 'preview';
  } catch {
    throw new StepError(`${file} is not readable JSON: rebuild the release (vercel build)`);
  }
}

/** Refuses output built for another Vercel environment than the one this deploy goes to, naming the fix. */
export async function requireBuilt(dir: string, environment: string, want: 'production' | 'preview'): Promise<void> {
  const target = await builtTarget(dir);
  if (!target) {
    throw new StepError(`${outputDir(dir)} is missing: the release of ${environment} was not built with vercel build (remove release.build's own vercel build or run it there)`);
  }
  if (target !== want) {
    throw new StepError(`${outputDir(dir)} was built for ${target} but ${environment} deploys to ${want}: give every environment that deploys this release the same target.vercel.prod`);
  }
}

/** `sha256:<hex>` over every file of `.vercel/output` (path and content; the CLI's own diagnostics left out). */
export async function outputDigest(dir: string): Promise<string> {
  const root = outputDir(dir);
  const files = (await readdir(root, { recursive: true, withFileTypes: true }))
    .filter((e) => e.isFile())
    .map((e) => relative(root, join(e.parentPath, e.name)))
    .filter((path) => !path.startsWith('diagnostics'))
    .sort();
  const hash = createHash('sha256');
  for (const path of files) {
    hash.update(`${path}\0`);
    hash.update(await readFile(join(root, path)));
    hash.update('\0');
  }
  return `sha256:${hash.digest('hex')}`;
}
