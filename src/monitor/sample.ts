/** One request as monitoring sees it, and what counts as an error (shared by the monitor and the agent's metrics). */

/** One finished request: its status, how long it took, and a socket error if there was one. */
export interface RequestSample {
  status: number;
  durationMs: number;
  error?: string;
  /** Answered by the maintenance page of the local proxy, not by the app. */
  maintenance?: boolean;
}

/**
 * True when a request counts as an error: a 5xx answer or a socket error (not a client that went away). The 503 of
 * the maintenance page is not an error of the app.
 */
export function isError(sample: RequestSample): boolean {
  if (sample.maintenance) return false;
  if (sample.status >= 500) return true;
  return Boolean(sample.error) && !/client closed/i.test(sample.error!);
}
