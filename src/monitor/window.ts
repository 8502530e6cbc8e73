/**
 * The monitoring window: requests counted into 1 s buckets on a monotonic clock, each bucket with an HDR
 * histogram of its latencies, and a sliding window summed over the last buckets. Only the buckets the window
 * can still reach keep their histogram; older ones are reduced to a point of the time series.
 */
import { build, type Histogram } from 'hdr-histogram-js';
import { isError, type RequestSample } from './sample.js';

export { isError, type RequestSample } from './sample.js';

/** Counts and latency percentiles (ms) of some requests. Percentiles are NaN when there were none. */
export interface TrafficStats {
  requests: number;
  errors: number;
  /** errors / requests; NaN with no requests. */
  errorRate: number;
  p50: number;
  p95: number;
  p99: number;
}

/** One 1 s bucket of the time series (evidence and chart). `t` is seconds since the monitor began. */
export interface SeriesPoint extends TrafficStats {
  t: number;
  /** Synthetic probes sent in this second. */
  probes: number;
}

export const BUCKET_MS = 1000;
// Latencies are recorded in microseconds: local apps answer in well under a millisecond.
const US_PER_MS = 1000;

interface Bucket {
  index: number;
  requests: number;
  errors: number;
  probes: number;
  histogram?: Histogram;
  point?: SeriesPoint;
}

/** Buckets and the sliding window over them. Times are monotonic milliseconds (e.g. performance.now()). */
export class MonitorWindow {
  readonly startMs: number;
  readonly windowMs: number;
  private readonly buckets = new Map<number, Bucket>();
  private readonly spare: Histogram[] = [];
  private readonly scratch = newHistogram();

  constructor(startMs: number, windowMs: number) {
    this.startMs = startMs;
    this.windowMs = windowMs;
  }

  /** Adds one request finished at monotonic time `atMs`. */
  record(atMs: number, sample: RequestSample): void {
    const bucket = this.bucket(atMs);
    bucket.requests += 1;
    if (isError(sample)) bucket.errors += 1;
    const micros = Math.max(1, Math.round(sample.durationMs * US_PER_MS));
    bucket.histogram!.recordValue(Number.isFinite(micros) ? micros : 1);
  }

  /** Counts a synthetic probe sent at `atMs` (its answer is recorded like any request). */
  probed(atMs: number): void {
    this.bucket(atMs).probes += 1;
  }

  /** Requests that finished within the last second before `nowMs` (what probes fill up to). */
  recentRequests(nowMs: number): number {
    const index = this.indexOf(nowMs);
    const current = this.buckets.get(index)?.requests ?? 0;
    const previous = this.buckets.get(index - 1)?.requests ?? 0;
    const intoCurrent = (nowMs - this.startMs - index * BUCKET_MS) / BUCKET_MS;
    return current + previous * (1 - Math.min(1, Math.max(0, intoCurrent)));
  }

  /** Stats of the sliding window ending at `nowMs`: the buckets of the last `windowMs`, the current one included. */
  stats(nowMs: number): TrafficStats {
    const last = this.indexOf(nowMs);
    const first = last - Math.max(1, Math.round(this.windowMs / BUCKET_MS)) + 1;
    this.scratch.reset();
    let requests = 0;
    let errors = 0;
    for (let i = Math.max(0, first); i <= last; i++) {
      const bucket = this.buckets.get(i);
      if (!bucket) continue;
      requests += bucket.requests;
      errors += bucket.errors;
      if (bucket.histogram) this.scratch.add(bucket.histogram);
    }
    this.retire(first);
    return summarize(requests, errors, this.scratch);
  }

  /** The time series up to `nowMs`, one point per second (seconds without traffic included). */
  series(nowMs: number): SeriesPoint[] {
    const last = this.indexOf(nowMs);
    const points: SeriesPoint[] = [];
    for (let i = 0; i <= last; i++) {
      const bucket = this.buckets.get(i);
      points.push(bucket ? pointOf(bucket) : { t: i, probes: 0, ...summarize(0, 0) });
    }
    return points;
  }

  // Bucket index of a monotonic time (never negative).
  private indexOf(atMs: number): number {
    return Math.max(0, Math.floor((atMs - this.startMs) / BUCKET_MS));
  }

  // The bucket of a time, created with a histogram on first use.
  private bucket(atMs: number): Bucket {
    const index = this.indexOf(atMs);
    let bucket = this.buckets.get(index);
    if (!bucket) {
      bucket = { index, requests: 0, errors: 0, probes: 0, histogram: this.spare.pop() ?? newHistogram() };
      this.buckets.set(index, bucket);
    } else if (!bucket.histogram) {
      // A late request for a retired second: keep counting it, with a fresh histogram for its latency.
      bucket.point = undefined;
      bucket.histogram = this.spare.pop() ?? newHistogram();
    }
    return bucket;
  }

  // Reduces buckets before `first` to series points and recycles their histograms.
  private retire(first: number): void {
    for (const bucket of this.buckets.values()) {
      if (bucket.index >= first || !bucket.histogram) continue;
      bucket.point = pointOf(bucket);
      bucket.histogram.reset();
      this.spare.push(bucket.histogram);
      bucket.histogram = undefined;
    }
  }
}

// A histogram for latencies in microseconds, resizing itself for long ones.
function newHistogram(): Histogram {
  return build({ lowestDiscernibleValue: 1, numberOfSignificantValueDigits: 3, autoResize: true });
}

// The series point of a bucket (computed once its histogram is retired).
function pointOf(bucket: Bucket): SeriesPoint {
  if (bucket.point) return bucket.point;
  return { t: bucket.index, probes: bucket.probes, ...summarize(bucket.requests, bucket.errors, bucket.histogram) };
}

// Counts and percentiles (ms) from a histogram in microseconds.
function summarize(requests: number, errors: number, histogram?: Histogram): TrafficStats {
  const at = (p: number) => (histogram && histogram.totalCount > 0 ? histogram.getValueAtPercentile(p) / US_PER_MS : NaN);
  return { requests, errors, errorRate: requests > 0 ? errors / requests : NaN, p50: at(50), p95: at(95), p99: at(99) };
}
