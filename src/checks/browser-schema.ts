/** The `browser:` check block: a page in headless Chromium, judged by console errors, failed requests and selectors. */
import { z } from 'zod';
import { duration, httpUrl, regex } from '../config/primitives.js';

/** One click of a browser check's click path, with what must be visible afterwards. */
const browserClickSchema = z.union([
  z.string().min(1),
  z
    .object({
      selector: z.string().min(1).describe('Element to click.'),
      visible: z.array(z.string().min(1)).default([]).describe('Selectors that must be visible after the click.'),
    })
    .strict(),
]);

/** Browser check: load a page in headless Chromium and judge console errors, failed requests and selectors. */
export const browserCheckSchema = z
  .object({
    path: z.string().optional().describe('Path on the environment URL, e.g. /dashboard.'),
    url: httpUrl.optional().describe('Full URL to load instead of the environment URL + path.'),
    visible: z.array(z.string().min(1)).default([]).describe('Selectors that must be visible once the page loaded.'),
    hidden: z
      .array(z.string().min(1))
      .default([])
      .describe('Selectors that must not be visible, e.g. .tile .no-data or .error-banner.'),
    click: z.array(browserClickSchema).default([]).describe('Click path, in order: a selector, or { selector, visible }.'),
    consoleErrors: z.boolean().default(false).describe('Allow console errors and uncaught page errors (default: any fails the check).'),
    failedRequests: z.boolean().default(false).describe('Allow failed requests and responses >= 400 (default: any fails the check).'),
    ignore: z
      .array(regex)
      .default([])
      .describe('Regular expressions: console messages and request URLs matching one are not counted.'),
    screenshot: z.boolean().default(true).describe('Save a screenshot of the page into the evidence.'),
    viewport: z
      .object({ width: z.number().int().min(200).max(4000), height: z.number().int().min(200).max(4000) })
      .strict()
      .default({ width: 1280, height: 800 })
      .describe('Window size.'),
    wait: duration.default('5s').describe('How long a selector may take to become visible (or hidden).'),
    timeout: duration.default('30s').describe('Give up (phase error) when loading and checking the page takes longer.'),
  })
  .strict();

/** A parsed `browser:` check block. */
export type BrowserCheckConfig = z.output<typeof browserCheckSchema>;
