/**
 * Where a monitor's data comes from. On the local target: the proxy's own record of every request of the
 * release (streamed by the agent, no probing needed for real traffic) and the agent's crash counts.
 */
import type { AgentClient } from '../targets/local/agent-client.js';
import type { LocalVersionInfo } from '../targets/local/version.js';
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

/** The local agent's sources for `releaseId` in `environment`. */
export function localSources(client: AgentClient, environment: string, releaseId: string): MonitorSources {
  return {
    probesMeasured: true,
    requests(onSample, signal) {
      return client.requests(environment, (record) => {
        if (record.releaseId !== releaseId) return;
        const sample: RequestSample = { status: record.status, durationMs: record.durationMs };
        if (record.error) sample.error = record.error;
        onSample(sample);
      }, signal);
    },
    async crashes() {
      const versions = (await client.releases(environment)) as LocalVersionInfo[];
      const version = versions.find((v) => v.releaseId === releaseId);
      if (!version) throw new Error(`release ${releaseId} is not running in ${environment}`);
      return version.crashes ?? 0;
    },
  };
}
