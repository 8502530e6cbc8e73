/** Wording of the progress lines the local target prints (`starting 3f2a9c1 on :41234`, …). */
import { formatMs } from '../../config/duration.js';

/** A short form of a release id for progress lines: `3f2a9c1-8d0e4b7a` → `3f2a9c1`. */
export function shortId(releaseId: string): string {
  const head = releaseId.split('-')[0] ?? releaseId;
  return releaseId.length > 12 && head.length >= 7 ? head : releaseId;
}

/** Local wall-clock time as `HH:MM` (for `… warm until 23:20`). */
export function clock(at: number): string {
  const d = new Date(at);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

/** Progress line builders, so every path words the same event the same way. */
export const progress = {
  starting: (id: string, port: number) => `starting ${shortId(id)} on :${port}`,
  healthy: (ms: number) => `healthy after ${formatMs(ms)}`,
  switched: (to: string, from?: string) =>
    from ? `switched traffic ${shortId(to)} ← ${shortId(from)}` : `serving ${shortId(to)}`,
  draining: (id: string, inFlight: number) => `draining ${shortId(id)} (${inFlight} in flight)`,
  warm: (id: string, until: number) => `${shortId(id)} warm until ${clock(until)}`,
};
