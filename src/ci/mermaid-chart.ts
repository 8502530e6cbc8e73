/**
 * A monitor's time series as a Mermaid `xychart-beta`, which GitHub renders in Markdown (the job summary): requests
 * per second as bars, p95 latency as a line. The SVG chart of the evidence bundle cannot be shown there (a
 * summary has no files), so this one is drawn from the same `monitor.json`.
 */
import type { SeriesPoint } from '../monitor/window.js';

/** At most this many points: a longer series is merged into buckets of several seconds. */
export const MAX_POINTS = 60;

/** The parts of monitor.json the chart reads. */
export interface MonitorData {
  environment?: string;
  releaseId?: string;
  verdict?: string;
  series: Array<Pick<SeriesPoint, 't' | 'requests' | 'errors' | 'p95'>>;
}

interface Bucket { t: number; requests: number; errors: number; p95: number }

// Merges consecutive seconds so at most MAX_POINTS remain: requests summed (then per second), p95 as the worst.
function buckets(series: MonitorData['series']): { size: number; points: Bucket[] } {
  const size = Math.max(1, Math.ceil(series.length / MAX_POINTS));
  const points: Bucket[] = [];
  for (let i = 0; i < series.length; i += size) {
    const part = series.slice(i, i + size);
    const p95s = part.map((p) => p.p95).filter((v) => Number.isFinite(v));
    points.push({
      t: part[0]!.t,
      requests: part.reduce((n, p) => n + p.requests, 0) / part.length,
      errors: part.reduce((n, p) => n + p.errors, 0) / part.length,
      p95: p95s.length ? Math.max(...p95s) : 0,
    });
  }
  return { size, points };
}

// A number as Mermaid reads it: no exponent, at most two decimals.
const num = (v: number) => String(Math.round(v * 100) / 100);
// Text inside a quoted Mermaid label.
const label = (text: string) => text.replace(/["\n\r`]/g, "'");

// One fenced xychart-beta block.
function chart(title: string, xTitle: string, xMax: number, yTitle: string, yMax: number, series: string[]): string {
  return ['```mermaid', 'xychart-beta', `  title "${label(title)}"`, `  x-axis "${label(xTitle)}" 0 --> ${num(xMax)}`,
    `  y-axis "${label(yTitle)}" 0 --> ${num(yMax)}`, ...series.map((s) => `  ${s}`), '```'].join('\n');
}

/**
 * The Mermaid charts of one monitor (fenced, ready for Markdown): traffic (requests per second as bars, errors per
 * second as a line) and latency (p95 in ms as a line) on their own y-axes. None without a series.
 */
export function monitorXyCharts(data: MonitorData, title?: string): string[] {
  if (!data.series?.length) return [];
  const { size, points } = buckets(data.series);
  const heading = title ?? [data.environment, data.releaseId && `release ${data.releaseId}`, data.verdict].filter(Boolean).join(' · ');
  // a numeric x-axis spreads the points evenly from 0 to the last bucket's start, which is where they are
  const xMax = Math.max(1, points.at(-1)!.t);
  const xTitle = `seconds since monitoring began${size > 1 ? ` (${size}s buckets)` : ''}`;
  const maxRequests = Math.max(1, ...points.map((p) => p.requests));
  const maxP95 = Math.max(1, ...points.map((p) => p.p95));
  return [
    chart(`${heading || 'monitor'}: traffic`, xTitle, xMax, 'requests and errors / s', Math.ceil(maxRequests * 1.1),
      [`bar [${points.map((p) => num(p.requests)).join(', ')}]`, `line [${points.map((p) => num(p.errors)).join(', ')}]`]),
    chart(`${heading || 'monitor'}: p95 latency`, xTitle, xMax, 'p95 (ms)', Math.ceil(maxP95 * 1.1),
      [`line [${points.map((p) => num(p.p95)).join(', ')}]`]),
  ];
}
