import { describe, expect, it } from 'vitest';
import { Sensitive } from '../secrets/sensitive.js';
import { callProblem, execTools, formatCall, type ToolCall } from './tool.js';

const echo = `let s='';process.stdin.on('data',d=>s+=d).on('end',()=>console.log(JSON.stringify({argv:process.argv.slice(1),stdin:s,ci:process.env.CI})))`;

describe('execTools', () => {
  it('passes arguments as an array (no shell) and reveals secrets only to the child, on stdin or as an argument', async () => {
    const call: ToolCall = {
      file: process.execPath, args: ['-e', echo, '--', 'a b; $(whoami)', new Sensitive('ARG_SECRET', 'made-up-arg-value-1')],
      input: new Sensitive('STDIN_SECRET', 'made-up-stdin-value-2'), cwd: process.cwd(),
    };
    const result = await execTools.run(call);
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ argv: ['a b; $(whoami)', 'made-up-arg-value-1'], stdin: 'made-up-stdin-value-2', ci: '1' });
    expect(formatCall(call)).not.toMatch(/made-up/);
    expect(formatCall(call)).toMatch(/"a b; \$\(whoami\)" \[REDACTED:ARG_SECRET\] < \[REDACTED:STDIN_SECRET\]$/);
  });

  it('closes stdin when there is no input, so a CLI waiting for a prompt ends at once', async () => {
    const result = await execTools.run({ file: process.execPath, args: ['-e', echo], cwd: process.cwd() });
    expect(JSON.parse(result.stdout).stdin).toBe('');
  });

  it('says when a program is missing, fails or times out', async () => {
    const missing = await execTools.run({ file: 'runway-no-such-cli', args: ['--version'], cwd: process.cwd() });
    expect(missing.error).toBe('runway-no-such-cli is not installed (not found on PATH)');
    const failing: ToolCall = { file: process.execPath, args: ['-e', 'console.error("first");console.error("denied: token expired");process.exit(4)'], cwd: process.cwd() };
    expect(callProblem(failing, await execTools.run(failing))).toBe(`${process.execPath} exited with code 4: denied: token expired`);
    const slow: ToolCall = { file: process.execPath, args: ['-e', 'setTimeout(()=>{}, 30000)'], cwd: process.cwd(), timeoutMs: 300 };
    const timedOut = await execTools.run(slow);
    expect(timedOut.timedOut).toBe(true);
    expect(callProblem(slow, timedOut)).toBe(`${process.execPath} timed out after 0s`);
  });
});
