/**
 * Resolving the release to run: the current commit (and config) is built once into `.runway/releases/<id>`;
 * every environment runs that same directory. A dirty tree is refused unless `--allow-dirty` (recorded).
 */
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, rename, rm, symlink, lstat, readlink } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { GateError, StepError } from '../errors.js';
import { findReleaseBySource, saveRelease } from '../store/releases.js';
import type { Release } from '../types.js';
import { artifactDigest } from './digest.js';
import { exportCommit, gitState, workingTreeFiles } from './git.js';
import { sha256 } from './ids.js';
import type { ProjectContext } from './context.js';
import { runLogged } from './logged-command.js';

export interface ResolveOptions {
  allowDirty?: boolean;
}

/** Digest of the uncommitted changes, so two different dirty trees never share a release. */
async function dirtyDigest(dir: string, files: string[]): Promise<string> {
  const parts: string[] = [];
  for (const f of [...files].sort()) {
    const full = join(dir, f);
    parts.push(`${f}\0${existsSync(full) ? sha256(await readFile(full)) : 'deleted'}`);
  }
  return sha256(parts.join('\n'));
}

/** Copies the working tree (tracked + untracked, not ignored) into `dest`. */
async function copyWorkingTree(dir: string, dest: string): Promise<void> {
  for (const rel of await workingTreeFiles(dir)) {
    const src = join(dir, rel);
    if (!existsSync(src)) continue;
    const target = join(dest, rel);
    await mkdir(dirname(target), { recursive: true });
    const st = await lstat(src);
    if (st.isSymbolicLink()) await symlink(await readlink(src), target);
    else if (st.isFile()) await copyFile(src, target);
  }
}

/** The source a release would be built from: commit, tree state and the key identifying the build. */
export interface ReleaseSource {
  sha: string;
  subject: string;
  dirty: boolean;
  dirtyFiles: string[];
  sourceKey: string;
}

/** Reads the current source; refuses a dirty tree unless allowed. */
export async function currentSource(ctx: ProjectContext, opts: ResolveOptions = {}): Promise<ReleaseSource> {
  const { projectDir, loaded } = ctx;
  const journals = [loaded.config.journal, ...loaded.config.releaseLog.journals].map((j) => relative(projectDir, resolve(projectDir, j)));
  const state = await gitState(projectDir, journals);
  if (state.dirtyFiles.length && !opts.allowDirty) {
    const shown = state.dirtyFiles.slice(0, 5).join(', ') + (state.dirtyFiles.length > 5 ? ', …' : '');
    throw new GateError(
      `refused: the working tree has uncommitted changes (${state.dirtyFiles.length} files: ${shown}). ` +
        'Commit them so the release is reproducible, or pass --allow-dirty (recorded in the run).',
    );
  }
  const dirty = state.dirtyFiles.length > 0;
  const sourceKey = sha256(
    [state.sha, loaded.digest, dirty ? await dirtyDigest(projectDir, state.dirtyFiles) : 'clean'].join('\n'),
  );
  return { sha: state.sha, subject: state.subject, dirty, dirtyFiles: state.dirtyFiles, sourceKey };
}

/** Finds or builds the release for the project's current commit. */
export async function resolveCurrentRelease(ctx: ProjectContext, opts: ResolveOptions = {}): Promise<Release> {
  const src = await currentSource(ctx, opts);
  const existing = await ctx.store.use((db) => findReleaseBySource(db, src.sourceKey));
  if (existing && existsSync(existing.dir)) {
    ctx.reporter.info(`release ${existing.id} is already built (${existing.sha.slice(0, 7)}); reusing it`);
    return existing;
  }
  return buildRelease(ctx, src);
}

/** Exports the source, runs the build command once, digests the artifact and records the release. */
async function buildRelease(
  ctx: ProjectContext,
  src: ReleaseSource,
): Promise<Release> {
  const { projectDir, stateDir, loaded, store } = ctx;
  const releasesDir = join(stateDir, 'releases');
  const work = join(releasesDir, `.build-${src.sourceKey.slice(0, 12)}-${process.pid}`);
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  if (src.dirty) await copyWorkingTree(projectDir, work);
  else await exportCommit(projectDir, src.sha, work);
  const build = loaded.config.release.build;
  const logFile = join(releasesDir, `.build-${src.sourceKey.slice(0, 12)}.log`);
  if (build) {
    ctx.reporter.taskStart(`build: ${build}`);
    const result = await runLogged(ctx, { label: `build: ${build}`, command: build, cwd: work, logFile, timeoutMs: 30 * 60_000 });
    ctx.reporter.taskEnd(`build: ${build}`, result.exitCode === 0 ? 'successful' : 'failed', result.durationMs);
    if (result.exitCode !== 0) {
      await rm(work, { recursive: true, force: true });
      throw new StepError(`build failed (${result.timedOut ? 'timed out' : `exit ${result.exitCode}`}): ${build} — see ${logFile}`);
    }
  }
  const artifactPath = join(work, loaded.config.release.artifact);
  if (!existsSync(artifactPath)) {
    throw new StepError(`release.artifact "${loaded.config.release.artifact}" does not exist after the build`);
  }
  const digest = await artifactDigest(artifactPath, loaded.config.release.exclude);
  const id = `${src.sha.slice(0, 7)}-${sha256(`${src.sha}\n${digest}\n${loaded.digest}`).slice(0, 8)}`;
  const dir = join(releasesDir, id);
  // the id is derived from the content: a folder of that name, even one another process has just finished, is the
  // same build, so this one is dropped
  const taken = existsSync(dir) || await rename(work, dir).then(() => false, (err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOTEMPTY' || err.code === 'EEXIST') return true;
    throw err;
  });
  if (taken) await rm(work, { recursive: true, force: true });
  if (existsSync(logFile)) await rename(logFile, join(releasesDir, `${id}.build.log`)).catch(() => undefined);
  const release: Release = {
    id, sha: src.sha, artifactDigest: digest, configDigest: `sha256:${loaded.digest}`, dirty: src.dirty, dir,
    createdAt: new Date().toISOString(), subject: src.subject,
  };
  await store.use((db) => saveRelease(db, release, src.sourceKey));
  ctx.reporter.info(`built release ${id} from ${src.sha.slice(0, 7)}${src.dirty ? ' (dirty tree)' : ''}`);
  return release;
}

/** A release's build log, if it had a build command. */
export function buildLogPath(release: Release): string {
  return join(dirname(release.dir), `${release.id}.build.log`);
}
