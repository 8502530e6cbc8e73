/** The CLI's CI hooks in process: output held until the masks are out, masks never redacted, nothing else unredacted. */
import { afterEach, describe, expect, it } from 'vitest';
import type { ProjectContext } from '../engine/context.js';
import { memoryReporter } from '../engine/reporter.js';
import { Redactor } from '../secrets/redact.js';
import { hold, masks, resetCi, workflowHint } from './hooks.js';

afterEach(() => resetCi());

// A CliIO that records what reached the terminal, redacting as processIO does.
function recordingIO() {
  const lines: string[] = [];
  const io = { redact: (t: string) => t, err: (t: string) => void lines.push(io.redact(t)) };
  return { io, lines };
}

describe('the CI hooks', () => {
  const secrets = [{ name: 'API_KEY', value: 'ak-5c1f9e27d4b38a60' }];
  const ctx = { maskedSecrets: secrets, redactor: new Redactor(secrets) } as unknown as ProjectContext;

  it('holds the project\'s output until the masks are printed, then passes it on in order', async () => {
    const { io, lines } = recordingIO();
    const inner = memoryReporter();
    const reporter = hold(inner);
    reporter.warn('dotenv vault/app.env: 1 name unused');
    reporter.taskStart('build');
    expect(inner.lines).toEqual([]);
    masks(io, ctx);
    io.redact = (t) => ctx.redactor.redact(t);
    const { opened } = await import('./hooks.js');
    await opened(io, ctx, { name: () => 'status', args: [] } as never);
    expect(inner.lines).toEqual(['warn dotenv vault/app.env: 1 name unused', 'start build']);
    reporter.info('later');
    expect(inner.lines.at(-1)).toBe('info later');
    expect(lines[0]!.split('\n')).toContain('::add-mask::ak-5c1f9e27d4b38a60');
  });

  it('prints the masks unredacted even when the output is already redacted, and nothing else bypasses it', () => {
    const { io, lines } = recordingIO();
    io.redact = (t) => ctx.redactor.redact(t);
    masks(io, ctx);
    io.err('the key is ak-5c1f9e27d4b38a60\n');
    expect(lines[0]).toContain('::add-mask::ak-5c1f9e27d4b38a60\n');
    expect(lines[1]).toBe('the key is [REDACTED:API_KEY]\n');
  });

  it('tells a job where to set missing secrets read from the environment, and how to pass them to the step', () => {
    expect(workflowHint(['NETLIFY_AUTH_TOKEN', 'NETLIFY_SITE_ID'], true)).toBe('\n  in GitHub Actions: set them under Settings → Secrets and variables → Actions ' +
      "(or the environment's secrets) and pass them to this step's env: (NETLIFY_AUTH_TOKEN: ${{ secrets.NETLIFY_AUTH_TOKEN }}, NETLIFY_SITE_ID: ${{ secrets.NETLIFY_SITE_ID }})");
    // names looked up only in a vault file or 1Password are not the workflow's to pass
    expect(workflowHint(['DB_PASSWORD'], false)).toBe('');
  });
});
