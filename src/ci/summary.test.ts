/** The job summary: report.md with Mermaid charts for the monitor, appended within GitHub's 1 MiB per step. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '../types.js';
import { MAX_POINTS, monitorXyCharts } from './mermaid-chart.js';
import { appendSummary, bundleFileLinks, CUT_NOTE, fitSummary, SUMMARY_LIMIT, summaryMarkdown } from './summary.js';

const dir = mkdtempSync(join(tmpdir(), 'runway-ci-summary-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const series = (n: number) => Array.from({ length: n }, (_, t) => ({ t, requests: 10 + (t % 3), errors: t === 2 ? 1 : 0, p95: t < 2 ? Number.NaN : 20 + t }));

describe('monitor charts as Mermaid xychart-beta', () => {
  it('draws traffic (bars and an errors line) and p95 latency, one point a second', () => {
    const [traffic, latency] = monitorXyCharts({ environment: 'production', releaseId: 'abc-1', verdict: 'successful', series: series(4) });
    expect(traffic).toBe([
      '```mermaid', 'xychart-beta', '  title "production · release abc-1 · successful: traffic"',
      '  x-axis "seconds since monitoring began" 0 --> 3', '  y-axis "requests and errors / s" 0 --> 14',
      '  bar [10, 11, 12, 10]', '  line [0, 0, 1, 0]', '```'].join('\n'));
    // seconds without a latency (no requests) draw as 0, not NaN, which Mermaid cannot read
    expect(latency).toContain('  line [0, 0, 22, 23]');
    expect(latency).toContain('y-axis "p95 (ms)" 0 --> 26');
  });

  it(`merges a long series into at most ${MAX_POINTS} buckets`, () => {
    const [traffic] = monitorXyCharts({ series: series(3600) });
    expect(traffic).toContain('  x-axis "seconds since monitoring began (60s buckets)" 0 --> 3540\n');
    expect(/ {2}bar \[([^\]]*)\]/.exec(traffic!)![1]!.split(', ')).toHaveLength(60);
  });

  it('draws nothing without a series', () => {
    expect(monitorXyCharts({ series: [] })).toEqual([]);
  });
});

describe('the summary text', () => {
  it("replaces the report's SVG image with the charts from the step's monitor.json", () => {
    const bundle = join(dir, 'bundle');
    rmSync(bundle, { recursive: true, force: true });
    mkdirSync(bundle, { recursive: true });
    writeFileSync(join(bundle, 'monitor.json'), JSON.stringify({ environment: 'production', series: series(3) }));
    const run = { evidence: '.runway/evidence/production/r1', steps: [{ kind: 'monitor', details: { chart: 'monitor.svg', data: 'monitor.json' } }] } as unknown as RunRecord;
    const text = summaryMarkdown('# production · deploy · successful\n\n## Monitoring\n\n![monitor](monitor.svg)\n\n- Verdict: **successful**\n', run, bundle, 'https://github.com/acme/shop/actions/runs/9');
    expect(text).not.toContain('monitor.svg');
    expect(text.match(/```mermaid\nxychart-beta/g)).toHaveLength(2);
    expect(text).toContain('- Verdict: **successful**');
    expect(text.trimEnd().split('\n').at(-1)).toBe('Evidence: `.runway/evidence/production/r1` · [workflow run](https://github.com/acme/shop/actions/runs/9)');
  });
});

describe('links to files of the bundle', () => {
  it('turns them into file names, which a job page cannot link, and keeps web links and anchors', () => {
    expect(bundleFileLinks('| 1 | run | [steps/01-run.log](steps/01-run.log) |\n- [monitor data](monitor%20data.json)'))
      .toBe('| 1 | run | `steps/01-run.log` |\n- monitor data (`monitor data.json`)');
    const kept = '[workflow run](https://github.com/acme/shop/actions/runs/9) · [Checks](#checks) · [root](/acme) · ![chart](chart.png)';
    expect(bundleFileLinks(kept)).toBe(kept);
  });
});

describe('the 1 MiB limit', () => {
  it('keeps text that fits and cuts what does not at a line, with the note, to the byte', () => {
    expect(fitSummary('short\n', 0)).toBe('short\n');
    const line = `${'é'.repeat(99)}\n`; // 199 bytes a line: cutting must not split a character
    const text = line.repeat(10_000);
    const cut = fitSummary(text, 1000)!;
    expect(cut.endsWith(CUT_NOTE)).toBe(true);
    expect(Buffer.byteLength(cut) + 1000).toBeLessThanOrEqual(SUMMARY_LIMIT);
    expect(Buffer.byteLength(cut) + 1000).toBeGreaterThan(SUMMARY_LIMIT - 200 - Buffer.byteLength(CUT_NOTE));
    expect(cut.slice(0, -CUT_NOTE.length).split('\n').every((l) => l === line.trimEnd())).toBe(true);
    expect(fitSummary(text, SUMMARY_LIMIT - 10)).toBeUndefined();
  });

  it('appends after what earlier commands of the step wrote, never past the limit', () => {
    const file = join(dir, 'summary.md');
    writeFileSync(file, 'x'.repeat(SUMMARY_LIMIT - 5000));
    expect(appendSummary(file, '# one\n')).toBe('written');
    expect(readFileSync(file, 'utf8').endsWith('x\n# one\n')).toBe(true);
    expect(appendSummary(file, `${'y'.repeat(100)}\n`.repeat(100))).toBe('cut');
    expect(statSync(file).size).toBeLessThanOrEqual(SUMMARY_LIMIT);
    expect(readFileSync(file, 'utf8').endsWith(CUT_NOTE)).toBe(true);
    expect(appendSummary(file, `${'z'.repeat(50)}\n`.repeat(20))).toBe('full');
    expect(statSync(file).size).toBeLessThanOrEqual(SUMMARY_LIMIT);
  });
});
