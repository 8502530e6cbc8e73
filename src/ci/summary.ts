/**
 * The job summary: the run's report.md (from its evidence bundle) appended to `$GITHUB_STEP_SUMMARY`, with each
 * monitor's SVG chart, which a summary cannot show, replaced by Mermaid charts drawn from its monitor.json. GitHub
 * refuses a step summary over 1 MiB (the whole file, "upload aborted … up to a size of 1024k"), so the text is cut
 * at a line to stay under it, saying where the whole report is.
 */
import { appendFileSync, existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { RunRecord } from '../types.js';
import { monitorXyCharts, type MonitorData } from './mermaid-chart.js';

/** GitHub's limit of one step's summary, in bytes. */
export const SUMMARY_LIMIT = 1024 * 1024;

/** The note ending a summary that was cut. */
export const CUT_NOTE = '\n\n> The report was cut here to stay under GitHub\'s 1 MiB step summary limit: the whole report.md is in the evidence bundle.\n';

// The monitor.json of the step whose chart is `svg`, when the bundle has it.
function monitorData(bundleDir: string, run: RunRecord, svg: string): MonitorData | undefined {
  const step = run.steps.find((s) => s.kind === 'monitor' && s.details?.chart === svg);
  const data = typeof step?.details?.data === 'string' ? join(bundleDir, step.details.data) : undefined;
  if (!data || !existsSync(data)) return undefined;
  try {
    return JSON.parse(readFileSync(data, 'utf8')) as MonitorData;
  } catch {
    return undefined;
  }
}

/** report.md with every `![monitor](….svg)` image replaced by the monitor's Mermaid charts. */
export function summaryMarkdown(report: string, run: RunRecord, bundleDir: string, runUrl?: string): string {
  const body = report.replace(/^!\[monitor\]\(([^)\s]+\.svg)\)$/gm, (image, file: string) => {
    const data = monitorData(bundleDir, run, decodeURI(file));
    const charts = data ? monitorXyCharts(data) : [];
    return charts.length ? charts.join('\n\n') : `_chart: ${decodeURI(file)} in the evidence bundle_`;
  });
  const where = [`Evidence: \`${run.evidence ?? 'not written'}\``, runUrl ? `[workflow run](${runUrl})` : ''].filter(Boolean).join(' · ');
  return `${bundleFileLinks(body).trimEnd()}\n\n${where}\n`;
}

/**
 * Links to files of the bundle (`[steps/01-run.log](steps/01-run.log)`) as code: on the job's page a relative link
 * points into github.com and answers 404; the file is in the evidence bundle (the action's artifact).
 */
export function bundleFileLinks(markdown: string): string {
  return markdown.replace(/(?<!!)\[([^\]\n]*)\]\(([^)\s]+)\)/g, (link, text: string, target: string) => {
    if (/^([a-z][a-z0-9+.-]*:|#|\/)/i.test(target)) return link;
    const file = decodeURI(target);
    return text === target || text === file ? `\`${file}\`` : `${text} (\`${file}\`)`;
  });
}

/** `text` cut at a line so that `used` bytes already in the file plus the result stay within `limit`. */
export function fitSummary(text: string, used: number, limit = SUMMARY_LIMIT): string | undefined {
  const room = limit - used;
  if (Buffer.byteLength(text) <= room) return text;
  const budget = room - Buffer.byteLength(CUT_NOTE);
  if (budget <= 0) return undefined;
  // cut on a character boundary, then back to the last whole line
  let cut = Buffer.from(text).subarray(0, budget).toString('utf8').replace(/\uFFFD$/, '');
  const lastLine = cut.lastIndexOf('\n');
  if (lastLine > 0) cut = cut.slice(0, lastLine);
  return `${cut}${CUT_NOTE}`;
}

/** Appends `text` to the summary file within the limit; returns what happened, for a warning. */
export function appendSummary(file: string, text: string, limit = SUMMARY_LIMIT): 'written' | 'cut' | 'full' {
  const used = existsSync(file) ? statSync(file).size : 0;
  // summaries of earlier steps' commands go on the same page: keep ours apart from theirs
  const separated = used > 0 ? `\n${text}` : text;
  const fitted = fitSummary(separated, used, limit);
  if (fitted === undefined) return 'full';
  appendFileSync(file, fitted);
  return fitted === separated ? 'written' : 'cut';
}
