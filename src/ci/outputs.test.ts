/** $GITHUB_OUTPUT lines in toolkit's multi-line form, read back the way the runner reads them. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { appendOutputs, formatOutput } from './outputs.js';

const dir = mkdtempSync(join(tmpdir(), 'runway-ci-outputs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// The runner's reading of an outputs file: `name<<DELIM` up to a line equal to DELIM, or `name=value`.
function readOutputs(text: string): Record<string, string> {
  const lines = text.split('\n');
  const out: Record<string, string> = {};
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!line) continue;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (!heredoc) {
      const eq = line.indexOf('=');
      out[line.slice(0, eq)] = line.slice(eq + 1);
      continue;
    }
    const value: string[] = [];
    for (i++; i < lines.length && lines[i] !== heredoc[2]; i++) value.push(lines[i]!);
    if (i >= lines.length) throw new Error(`no end delimiter for ${heredoc[1]}`);
    out[heredoc[1]!] = value.join('\n');
  }
  return out;
}

describe('step outputs', () => {
  it('writes name<<DELIM, the value and DELIM on their own lines', () => {
    expect(formatOutput('url', 'https://x.netlify.app', 'ghadelimiter_fixed')).toBe('url<<ghadelimiter_fixed\nhttps://x.netlify.app\nghadelimiter_fixed\n');
  });

  it('uses a new random delimiter for every value', () => {
    const a = formatOutput('a', 'x').split('\n')[0];
    const b = formatOutput('a', 'x').split('\n')[0];
    expect(a).toMatch(/^a<<ghadelimiter_[0-9a-f-]{36}$/);
    expect(a).not.toBe(b);
  });

  it('keeps multi-line values and values that look like other outputs intact', () => {
    const file = join(dir, 'out-1');
    const tricky = 'line one\noutcome=successful\nEOF\nurl<<EOF';
    expect(appendOutputs(file, { release: 'abc-123', note: tricky, url: undefined })).toEqual(['release', 'note']);
    expect(readOutputs(readFileSync(file, 'utf8'))).toEqual({ release: 'abc-123', note: tricky });
  });

  it('refuses a value containing its delimiter and a bad name', () => {
    expect(() => formatOutput('x', 'a\nD\nb', 'D')).toThrow('contains the delimiter');
    expect(() => formatOutput('bad name', 'v')).toThrow('output name "bad name" is not valid');
  });
});
