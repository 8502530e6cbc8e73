/** The `prometheus:` check block's schema and parsed type, apart from the check's code (reading a config loads this alone). */
import { z } from 'zod';
import { duration, condition, apiUrl, apiHeaders } from '../config/primitives.js';
import { promqlQuery } from './promql.js';

/** Prometheus check: an instant PromQL query whose result is judged by a condition. */
export const prometheusCheckSchema = z
  .object({
    url: apiUrl.describe('Prometheus server URL, e.g. http://127.0.0.1:9090 (may use ${NAME} references).'),
    query: promqlQuery.describe('Instant PromQL query, e.g. sum(rate(http_requests_total{code=~"5.."}[1m])) / sum(rate(http_requests_total[1m])).'),
    condition: condition.describe('Condition every returned sample must meet, e.g. "< 0.1%" (seconds and ratios, as Prometheus reports).'),
    headers: apiHeaders,
    timeout: duration.default('10s').describe('Give up (phase error) after this long.'),
  })
  .strict();

/** A parsed `prometheus:` check block. */
export type PrometheusCheckConfig = z.output<typeof prometheusCheckSchema>;
