/**
 * The system Chromium for browser tests (Debian's `chromium`, driven by playwright-core; never a downloaded
 * browser). Missing: the caller skips with the printed reason on a developer machine, and fails when CI=true.
 */
import { findChromium } from '../../src/checks/browser.js';

/** Describes how a test should treat a missing Chromium: skip locally, fail in CI. */
export function chromiumAvailability(): { available: boolean; path?: string; reason?: string } {
  const path = findChromium();
  if (path) return { available: true, path };
  const reason = 'chromium not found on PATH (apt-get install chromium, or set RUNWAY_CHROMIUM)';
  if (process.env.CI === 'true' || process.env.CI === '1') throw new Error(`Chromium is required in CI: ${reason}`);
  console.warn(`skipping browser tests: ${reason}`);
  return { available: false, reason };
}
