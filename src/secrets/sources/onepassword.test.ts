import { describe, expect, it } from 'vitest';
import { RecordingTools } from '../../exec/tool.js';
import { onePasswordSource } from './onepassword.js';
import { readSource } from './source.js';

const refs = { SUPABASE_SERVICE_KEY: 'op://shop/supabase/service key', STRIPE_KEY: 'op://shop/stripe/secret' };

describe('op source', () => {
  it('checks for the CLI, then runs one `op read --no-newline` per reference', async () => {
    const tools = new RecordingTools((call) =>
      call.args[0] === 'read' ? { stdout: call.args.at(-1) === refs.STRIPE_KEY ? 'made-up-stripe-value' : 'made-up-supabase-value' } : { stdout: '2.30.0\n' });
    const result = await readSource(onePasswordSource({ refs, account: 'acme.1password.com' }), { projectDir: '/p', env: {}, tools });
    expect(tools.argv).toEqual([
      ['op', '--version'],
      ['op', 'read', '--no-newline', '--account', 'acme.1password.com', 'op://shop/supabase/service key'],
      ['op', 'read', '--no-newline', '--account', 'acme.1password.com', 'op://shop/stripe/secret'],
    ]);
    expect(tools.calls.every((c) => c.cwd === '/p' && c.input === undefined && !c.shell)).toBe(true);
    expect(result.values.get('SUPABASE_SERVICE_KEY')).toEqual({ value: 'made-up-supabase-value', where: refs.SUPABASE_SERVICE_KEY });
    expect(result.values.get('STRIPE_KEY')?.value).toBe('made-up-stripe-value');
  });

  it('is unavailable when op is not installed', async () => {
    const tools = new RecordingTools(() => ({ exitCode: null, error: 'op is not installed (not found on PATH)' }));
    const result = await readSource(onePasswordSource({ refs }), { projectDir: '/p', env: {}, tools });
    expect(result.problem).toMatch(/^op is not installed \(not found on PATH\): install the 1Password CLI/);
    expect(tools.argv).toEqual([['op', '--version']]);
  });

  it('is unavailable when op is signed out, and reports a single unreadable reference as a warning', async () => {
    const signedOut = new RecordingTools((call) =>
      call.args[0] === 'read' ? { exitCode: 1, stderr: '[ERROR] 2024/01/01 You are not currently signed in. Please run `op signin --help`' } : {});
    const out = await readSource(onePasswordSource({ refs }), { projectDir: '/p', env: {}, tools: signedOut });
    expect(out.problem).toMatch(/not currently signed in.*\(sign in with `op signin` or set OP_SERVICE_ACCOUNT_TOKEN\)$/);

    const oneMissing = new RecordingTools((call) =>
      call.args.at(-1) === refs.STRIPE_KEY ? { exitCode: 1, stderr: '[ERROR] could not find item stripe in vault shop' } : { stdout: 'made-up-value-123' });
    const partial = await readSource(onePasswordSource({ refs }), { projectDir: '/p', env: {}, tools: oneMissing });
    expect(partial.problem).toBeUndefined();
    expect([...partial.values.keys()]).toEqual(['SUPABASE_SERVICE_KEY']);
    expect(partial.warnings).toEqual(['STRIPE_KEY: op read op://shop/stripe/secret failed: op exited with code 1: [ERROR] could not find item stripe in vault shop']);
  });
});
