import { execFileSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { secretForms } from './encodings.js';
import { Redactor } from './redact.js';
import { redactedJson, redactValue } from './redact-value.js';
import { Sensitive } from './sensitive.js';

const TOKEN = 'tok/en!@%+=_9f3kZq=';
const r = new Redactor([{ name: 'API_TOKEN', value: TOKEN }]);
const redact = (s: string) => r.redact(s);
const M = '[REDACTED:API_TOKEN]';

// Every string anywhere in a JSON text (keys and values), decoded.
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => [k, ...strings(v)]);
}

describe('redactValue', () => {
  test('redacts every string field and key of a run record, audit entry, check and notification', () => {
    const shell = String.raw`tok/en\!@%+=_9f3kZq=`;
    const record = {
      id: 'r1', command: `runway rollback production --reason "x ${TOKEN}"`, reason: `x ${TOKEN}`,
      steps: [{ name: 'migrate', error: `exit 1: ${shell}`, log: encodeURIComponent(TOKEN), checks: [{ name: 'http',
        measurement: { phase: 'failed', value: 3, message: `got ${Buffer.from(TOKEN).toString('base64')}`, metadata: { [TOKEN]: [TOKEN] } } }] }],
      escalation: { error: `token=${TOKEN}`, attempts: 2, logs: [`'${TOKEN}'`] },
      notifications: [{ channel: 'slack', error: `https://hooks.example/${encodeURIComponent(TOKEN)}` }],
      at: new Date(0), secret: new Sensitive('API_TOKEN', TOKEN), nothing: null, flag: true, missing: undefined,
    };
    const out = redactValue(record, redact);
    expect(out.reason).toBe(`x ${M}`);
    expect(out.steps[0]!.error).toBe(`exit 1: ${M}`);
    expect(out.steps[0]!.checks[0]!.measurement.metadata).toEqual({ [M]: [M] });
    expect(out.at).toBe(new Date(0).toISOString());
    expect(out.secret).toBe(M);
    expect([out.nothing, out.flag, out.steps[0]!.checks[0]!.measurement.value]).toEqual([null, true, 3]);
    const text = JSON.stringify(out);
    for (const form of secretForms(TOKEN)) expect(text).not.toContain(form.text);
    for (const s of strings(JSON.parse(text))) for (const form of secretForms(TOKEN)) expect(s).not.toContain(form.text);
  });

  test('a printf %q value is recognised in its field, where it would not be once JSON doubled its backslashes', () => {
    const quoted = execFileSync('bash', ['-c', 'printf "%q" "$1"', '_', TOKEN]).toString();
    const value = { output: `token ${quoted}` };
    expect(JSON.parse(redactedJson(value, redact))).toEqual({ output: `token ${M}` });
    expect(redactedJson(value, redact)).not.toContain(JSON.stringify(quoted).slice(1, -1));
  });

  test('refuses a circular structure like JSON.stringify does, and leaves byte arrays alone', () => {
    const a: Record<string, unknown> = {};
    a.self = a;
    expect(() => redactValue(a, redact)).toThrow(/circular/);
    const bytes = new Uint8Array([1, 2]);
    expect(redactValue({ bytes }, redact).bytes).toBe(bytes);
    expect(redactValue([TOKEN, 1], redact)).toEqual([M, 1]);
  });
});
