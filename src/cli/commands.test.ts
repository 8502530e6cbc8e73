import { readFileSync } from 'node:fs';
import { Command, Help } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from './commands.js';
import type { CliIO } from './io.js';
import { buildProgram } from './main.js';
import { runFullCli } from './cli-harness.case.js';

const quiet: CliIO = { out: () => undefined, err: () => undefined, redact: (t) => t, color: false };

// Every command a module registers, as the top-level help lists it.
async function realCommands(): Promise<Array<{ name: string; term: string; summary: string; options: number }>> {
  const program = new Command('runway');
  for (const load of new Set(COMMANDS.map((c) => c.load))) (await load()).register(program, quiet);
  const help = new Help();
  return program.commands.map((c) => ({ name: c.name(), term: help.subcommandTerm(c), summary: c.description(), options: c.options.length }));
}

describe('the command registry', () => {
  it('lists every command its modules register, in order, with the same usage and summary', async () => {
    const real = await realCommands();
    expect(COMMANDS.map((c) => c.name)).toEqual(real.map((c) => c.name));
    for (const entry of COMMANDS) {
      const found = real.find((c) => c.name === entry.name)!;
      const fix = `${entry.name}: make its line in src/cli/commands.ts match what its module registers`;
      expect([entry.name, entry.usage].filter(Boolean).join(' '), fix).toBe(found.term);
      expect(entry.summary, fix).toBe(found.summary);
    }
  });

  it('prints the same top-level help as a program with every module registered', async () => {
    const eager = new Command('runway');
    const lazy = buildProgram(quiet);
    for (const option of lazy.options) eager.addOption(option);
    eager.description(lazy.description());
    for (const load of new Set(COMMANDS.map((c) => c.load))) (await load()).register(eager, quiet);
    expect(lazy.helpInformation()).toBe(eager.helpInformation());
  });

  it('loads the invoked command: its own --help shows its real options', async () => {
    const { code, out } = await runFullCli(['deploy', '--help']);
    expect(code).toBe(0);
    expect(out).toMatch(/Usage: runway deploy \[options\] \[env\]/);
    expect(out).toContain('--json');
    const viaHelp = await runFullCli(['help', 'deploy']);
    expect(viaHelp.out).toBe(out);
    const globalsFirst = await runFullCli(['-C', '/nonexistent', 'promote', '--help']);
    expect(globalsFirst.out).toMatch(/Usage: runway promote \[options\] <from> <to>/);
  });

  it('prints for every command the help its module defines, options included', async () => {
    const eager = new Command('runway');
    for (const load of new Set(COMMANDS.map((c) => c.load))) (await load()).register(eager, quiet);
    for (const entry of COMMANDS) {
      const real = eager.commands.find((c) => c.name() === entry.name)!;
      const { code, out } = await runFullCli([entry.name, '--help']);
      expect(code, entry.name).toBe(0);
      // helpInformation() is the usage, arguments and options; the module's addHelpText follows it
      expect(out.startsWith(real.helpInformation()), `${entry.name} --help:\n${out}`).toBe(true);
    }
  });

  it('refuses an unknown command with a suggestion and exit 2', async () => {
    const { code, err } = await runFullCli(['deplo', 'staging']);
    expect(code).toBe(2);
    expect(err).toContain("error: unknown command 'deplo'");
    expect(err).toContain('(Did you mean deploy?)');
  });

  it('prints the version of package.json', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    const { code, out } = await runFullCli(['-C', '/tmp', '--version']);
    expect(code).toBe(0);
    expect(out).toBe(`${version}\n`);
  });
});
