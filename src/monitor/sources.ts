/**
 * Where a monitor's data comes from. A target may offer its own sources (the local target: its proxy's record of
 * every request of the release and the agent's crash counts); on every other target the monitor sends probes and
 * measures their answers itself, beside the metric checks of `monitor.checks` (prometheus, json, command).
 */
import type { RequestSample } from './window.js';

/** The data sources of one monitor. Every one is optional; what is missing is not measured. */
export interface MonitorSources {
  /** Streams every finished request of the release until `signal` aborts; resolves or throws if the stream ends. */
  requests?(onSample: (sample: RequestSample) => void, signal: AbortSignal): Promise<void>;
  /** Crashes of the release so far (a total; the monitor counts from its start). Throws when unreadable. */
  crashes?(): Promise<number>;
  /** True when probes travel through what `requests` measures (so their answers must not be counted twice). */
  probesMeasured: boolean;
}

/** The sources of a target without a proxy of Runway's: nothing streamed; the monitor's probes measure themselves. */
export function probeSources(): MonitorSources {
  return { probesMeasured: false };
}
