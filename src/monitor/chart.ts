/**
 * The evidence chart of a monitor, drawn as a plain SVG by hand: requests and errors per second on top,
 * p50/p95/p99 latency below with the configured thresholds dashed, and a marker where a breach decided.
 */
import { formatMs } from '../config/duration.js';
import { parseCondition } from '../checks/evaluate.js';
import type { MonitorResult } from './monitor.js';
import type { SeriesPoint } from './window.js';

const WIDTH = 760;
const LEFT = 64;
const RIGHT = 56;
const PLOT_W = WIDTH - LEFT - RIGHT;
const PANEL_H = 130;
const TOP1 = 58;
const TOP2 = TOP1 + PANEL_H + 48;
const HEIGHT = TOP2 + PANEL_H + 58;
const COLORS = { requests: '#b8c4d6', errors: '#d62728', p50: '#1f77b4', p95: '#ff7f0e', p99: '#9467bd', breach: '#d62728' };

/** Renders the monitor's time series as an SVG document. */
export function renderChart(result: MonitorResult): string {
  const series = result.series;
  const seconds = Math.max(1, series.length, Math.ceil(result.durationMs / 1000));
  const x = (t: number) => LEFT + (t / seconds) * PLOT_W;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="system-ui, sans-serif" font-size="11">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#fff"/>`,
    text(LEFT, 20, `${result.environment} · release ${result.releaseId} · ${result.verdict}`, 'font-size="14" font-weight="600"'),
    text(LEFT, 38, result.reasons[0] ?? '', `fill="${result.verdict === 'successful' ? '#2b7a2b' : COLORS.breach}"`),
  ];
  parts.push(...trafficPanel(result, series, x));
  parts.push(...latencyPanel(result, series, x));
  parts.push(...timeAxis(seconds, x));
  if (result.decidedAtMs !== undefined) {
    const bx = x(result.decidedAtMs / 1000).toFixed(1);
    parts.push(`<line x1="${bx}" y1="${TOP1 - 6}" x2="${bx}" y2="${TOP2 + PANEL_H}" stroke="${COLORS.breach}" stroke-width="1.5" stroke-dasharray="5 3"/>`);
    const label = `breach at ${formatMs(result.decidedAtMs)}`;
    const leftOfLine = Number(bx) > LEFT + PLOT_W - 110;
    parts.push(text(Number(bx) + (leftOfLine ? -4 : 4), TOP1 + 10, label, `fill="${COLORS.breach}"${leftOfLine ? ' text-anchor="end"' : ''}`));
  }
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

// Requests and errors per second (bars), the error rate per second on a right-hand axis, its threshold dashed.
function trafficPanel(result: MonitorResult, series: SeriesPoint[], x: (t: number) => number): string[] {
  const max = niceMax(Math.max(1, ...series.map((p) => p.requests)));
  const y = (v: number) => TOP1 + PANEL_H - (v / max) * PANEL_H;
  const barW = Math.max(1, x(1) - x(0) - 1);
  const out = frame(TOP1, 'requests / s', max, (v) => String(Math.round(v)));
  for (const p of series) {
    if (p.requests > 0) out.push(rect(x(p.t), y(p.requests), barW, TOP1 + PANEL_H - y(p.requests), COLORS.requests));
    if (p.errors > 0) out.push(rect(x(p.t), y(p.errors), barW, TOP1 + PANEL_H - y(p.errors), COLORS.errors));
  }
  const condition = result.spec.thresholds.errorRate ? parseCondition(result.spec.thresholds.errorRate) : undefined;
  const limit = typeof condition?.target === 'number' ? condition.target : undefined;
  const rates = series.map((p) => p.errorRate).filter(Number.isFinite);
  const rateMax = niceMax(Math.max(0.001, ...rates, (limit ?? 0) * 1.2) * 100) / 100;
  const ry = (v: number) => TOP1 + PANEL_H - (Math.min(v, rateMax) / rateMax) * PANEL_H;
  const percent = (v: number) => `${Number((v * 100).toPrecision(3))}%`;
  out.push(text(LEFT + PLOT_W + 6, TOP1 + 4, percent(rateMax), `fill="${COLORS.errors}"`));
  out.push(text(LEFT + PLOT_W + 6, TOP1 + PANEL_H, '0%', `fill="${COLORS.errors}"`));
  const points = series.filter((p) => Number.isFinite(p.errorRate)).map((p) => `${(x(p.t) + barW / 2).toFixed(1)},${ry(p.errorRate).toFixed(1)}`);
  if (points.length) out.push(`<polyline fill="none" stroke="${COLORS.errors}" stroke-width="1.5" points="${points.join(' ')}"/>`);
  if (limit !== undefined) {
    const ty = ry(limit).toFixed(1);
    out.push(`<line x1="${LEFT}" y1="${ty}" x2="${LEFT + PLOT_W}" y2="${ty}" stroke="${COLORS.errors}" stroke-dasharray="2 3"/>`);
    out.push(text(LEFT + 4, Number(ty) - 3, `errorRate ${result.spec.thresholds.errorRate}`, `fill="${COLORS.errors}"`));
  }
  out.push(...legend(TOP1 + PANEL_H + 16, [['requests', COLORS.requests], ['errors (5xx, socket)', COLORS.errors],
    ['error rate (right axis)', COLORS.errors]]));
  return out;
}

// p50/p95/p99 lines (ms) with the numeric thresholds of the spec dashed.
function latencyPanel(result: MonitorResult, series: SeriesPoint[], x: (t: number) => number): string[] {
  const metrics = ['p50', 'p95', 'p99'] as const;
  const thresholds = metrics.flatMap((m) => {
    const condition = result.spec.thresholds[m];
    if (!condition) return [];
    const parsed = parseCondition(condition);
    return typeof parsed.target === 'number' ? [{ metric: m, value: parsed.target, label: `${m} ${condition}` }] : [];
  });
  const values = series.flatMap((p) => metrics.map((m) => p[m]).filter(Number.isFinite));
  const max = niceMax(Math.max(1, ...values, ...thresholds.map((t) => t.value)) * 1.05);
  const y = (v: number) => TOP2 + PANEL_H - (Math.min(v, max) / max) * PANEL_H;
  const out = frame(TOP2, 'latency', max, (v) => formatMs(v));
  for (const m of metrics) {
    const points = series.filter((p) => Number.isFinite(p[m])).map((p) => `${(x(p.t) + (x(1) - x(0)) / 2).toFixed(1)},${y(p[m]).toFixed(1)}`);
    if (points.length) out.push(`<polyline fill="none" stroke="${COLORS[m]}" stroke-width="1.5" points="${points.join(' ')}"/>`);
  }
  for (const t of thresholds) {
    const ty = y(t.value).toFixed(1);
    out.push(`<line x1="${LEFT}" y1="${ty}" x2="${LEFT + PLOT_W}" y2="${ty}" stroke="${COLORS[t.metric]}" stroke-dasharray="2 3"/>`);
    out.push(text(LEFT + PLOT_W - 4, Number(ty) - 3, t.label, `text-anchor="end" fill="${COLORS[t.metric]}"`));
  }
  out.push(...legend(TOP2 + PANEL_H + 16, metrics.map((m) => [m, COLORS[m]] as [string, string])));
  return out;
}

// The box, the y-axis label and its max value.
function frame(top: number, label: string, max: number, format: (v: number) => string): string[] {
  return [
    `<rect x="${LEFT}" y="${top}" width="${PLOT_W}" height="${PANEL_H}" fill="#fafbfc" stroke="#d0d7de"/>`,
    `<line x1="${LEFT}" y1="${top + PANEL_H / 2}" x2="${LEFT + PLOT_W}" y2="${top + PANEL_H / 2}" stroke="#eef1f4"/>`,
    text(LEFT - 6, top + 4, format(max), 'text-anchor="end" fill="#57606a"'),
    text(LEFT - 6, top + PANEL_H / 2 + 4, format(max / 2), 'text-anchor="end" fill="#57606a"'),
    text(LEFT - 6, top + PANEL_H, '0', 'text-anchor="end" fill="#57606a"'),
    text(LEFT, top - 6, label, 'fill="#24292f" font-weight="600"'),
  ];
}

// Seconds along the bottom, about six ticks.
function timeAxis(seconds: number, x: (t: number) => number): string[] {
  const step = niceMax(seconds / 6);
  const out: string[] = [];
  for (let t = 0; t <= seconds; t += step) {
    out.push(text(x(t), TOP2 + PANEL_H + 34, t < 60 ? `${t}s` : formatMs(t * 1000), 'text-anchor="middle" fill="#57606a"'));
  }
  out.push(text(LEFT + PLOT_W, TOP2 + PANEL_H + 48, 'time since monitoring began', 'text-anchor="end" fill="#57606a"'));
  return out;
}

// Coloured squares with labels in a row.
function legend(y: number, items: Array<[string, string]>): string[] {
  let x = LEFT;
  return items.flatMap(([label, color]) => {
    const item = [rect(x, y - 8, 10, 10, color), text(x + 14, y + 1, label)];
    x += 24 + label.length * 6.2;
    return item;
  });
}

// 1, 2, 5 × 10^n at or above `v`.
function niceMax(v: number): number {
  const power = 10 ** Math.floor(Math.log10(Math.max(v, 1e-9)));
  return [1, 2, 5, 10].map((m) => m * power).find((n) => n >= v) ?? 10 * power;
}

// A filled rectangle.
function rect(x: number, y: number, w: number, h: number, fill: string): string {
  return `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${w.toFixed(1)}" height="${Math.max(0, h).toFixed(1)}" fill="${fill}"/>`;
}

// A text element with escaped content.
function text(x: number, y: number, content: string, attrs = ''): string {
  const safe = content.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" ${attrs}>${safe}</text>`;
}
