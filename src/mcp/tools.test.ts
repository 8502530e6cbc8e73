import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { COMMANDS } from '../cli/commands.js';
import type { CliIO } from '../cli/io.js';
import { buildProgram } from '../cli/main.js';
import { TOOLS } from './tools.js';

const io: CliIO = { out: () => undefined, err: () => undefined, redact: (t) => t, color: false };

// The registered command an argv names (`evidence verify` is a subcommand), from the command's own module.
async function commandOf(argv: string[]): Promise<{ command: Command; operands: string[] }> {
  const entry = COMMANDS.find((c) => c.name === argv[0])!;
  const program = buildProgram(io, { entry, module: await entry.load() });
  let command = program.commands.find((c) => c.name() === argv[0])!;
  let rest = argv.slice(1);
  const sub = command.commands.find((c) => c.name() === rest[0]);
  if (sub) {
    command = sub;
    rest = rest.slice(1);
  }
  return { command, operands: rest.filter((a) => !a.startsWith('--')) };
}

// Every argument of a tool given: true for flags, a word for strings, 3 for numbers.
function everyArgument(input: Record<string, z.ZodType>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(input).map(([key, schema]) => {
    const type = JSON.stringify(z.toJSONSchema(schema));
    return [key, type.includes('"boolean"') ? true : type.includes('"integer"') ? 3 : 'staging'];
  }));
}

describe('MCP tools', () => {
  it('each tool runs a registered runway command with options that command declares', async () => {
    for (const tool of TOOLS) {
      const argv = tool.argv(everyArgument(tool.input));
      const { command, operands } = await commandOf(argv);
      const declared = command.options.map((o) => o.long);
      for (const flag of argv.filter((a) => a.startsWith('--'))) expect(declared, `${tool.name}: ${flag}`).toContain(flag.split('=')[0]);
      expect(operands.length, tool.name).toBe(command.registeredArguments.length);
    }
  });

  it('gives values as --flag=value and leaves out what is not set', () => {
    const deploy = TOOLS.find((t) => t.name === 'deploy')!;
    expect(deploy.argv({ env: 'staging' })).toEqual(['deploy', 'staging']);
    expect(deploy.argv({ env: 'staging', wait: '10m', overrideFreeze: true, reason: '--json now', allowDirty: false }))
      .toEqual(['deploy', 'staging', '--wait=10m', '--override-freeze', '--reason=--json now']);
    expect(TOOLS.find((t) => t.name === 'history')!.argv({ limit: 5 })).toEqual(['history', '--limit=5']);
  });

  it('offers no approve tool and refuses an environment name that would read as an option', () => {
    expect(TOOLS.map((t) => t.name)).not.toContain('approve');
    const plan = TOOLS.find((t) => t.name === 'plan')!;
    expect(plan.input.env!.safeParse('--json').success).toBe(false);
    expect(plan.input.env!.safeParse('staging').success).toBe(true);
  });
});
