/**
 * The feature highlights of a release: the subjects of the commits it adds to what the environment ran last as
 * known-good (`git log known-good..release`), newest first. The git command is built as an argument array.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** What git says a release adds since known-good. */
export interface Highlights {
  subjects: string[];
  /** Commits beyond `max` that were counted, not listed. */
  more: number;
  /** Why there are no subjects when git could not answer. */
  note?: string;
}

/** The git argv of the commit subjects `to` adds to `from` (all of `to`'s history when `from` is absent). */
export function highlightsArgv(to: string, from: string | undefined, max: number): string[] {
  return ['log', '--no-merges', '--format=%s', `--max-count=${max + 1}`, from ? `${from}..${to}` : to, '--'];
}

/**
 * Commit subjects of `dir`'s repository from `from` (exclusive) to `to`, newest first, at most `max`; the rest are
 * counted with `git rev-list --count`. Never throws: a commit missing from the clone becomes a note.
 */
export async function releaseHighlights(dir: string, to: string, from: string | undefined, max: number): Promise<Highlights> {
  const git = async (args: string[]) =>
    (await run('git', args, { cwd: dir, timeout: 15_000, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, GIT_PAGER: 'cat' } })).stdout;
  try {
    const lines = (await git(highlightsArgv(to, from, max))).split('\n').filter((l) => l.trim() !== '');
    if (lines.length <= max) return { subjects: lines, more: 0 };
    const range = from ? `${from}..${to}` : to;
    const total = Number.parseInt((await git(['rev-list', '--no-merges', '--count', range, '--'])).trim(), 10);
    return { subjects: lines.slice(0, max), more: Number.isFinite(total) ? total - max : lines.length - max };
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr?.trim().split('\n')[0];
    return { subjects: [], more: 0, note: `git log ${from ? `${from.slice(0, 12)}..` : ''}${to.slice(0, 12)} failed: ${stderr || (err as Error).message}` };
  }
}
