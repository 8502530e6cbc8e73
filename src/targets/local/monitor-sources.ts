/**
 * The local target's monitor sources: the proxy's own record of every request of the release (streamed by the
 * agent, no probing needed for real traffic) and the agent's crash counts.
 */
import type { MonitorSources } from '../../monitor/sources.js';
import type { RequestSample } from '../../monitor/window.js';
import type { AgentClient } from './agent-client.js';
import type { LocalVersionInfo } from './version.js';

/** The local agent's sources for `releaseId` in `environment`. */
export function localSources(client: AgentClient, environment: string, releaseId: string): MonitorSources {
  return {
    probesMeasured: true,
    requests(onSample, signal) {
      return client.requests(environment, (record) => {
        if (record.releaseId !== releaseId) return;
        const sample: RequestSample = { status: record.status, durationMs: record.durationMs };
        if (record.error) sample.error = record.error;
        if (record.maintenance) sample.maintenance = true;
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
