/** `runway schema`: prints the JSON Schema of runway.yaml for editors and other tools. */
import type { Command } from 'commander';
import { jsonSchema } from '../config/schema.js';
import { printJson, type CliIO } from './io.js';

/** Registers `schema`. */
export function register(program: Command, io: CliIO): void {
  program
    .command('schema')
    .description('print the JSON Schema of runway.yaml (completion and checks in editors)')
    .addHelpText(
      'after',
      `
Save it next to your config and point yaml-language-server (VS Code's YAML extension, and others) at it:

  runway schema > runway.schema.json
  # first line of runway.yaml:
  # yaml-language-server: $schema=./runway.schema.json

The schema describes every key with its default; docs/config.md explains them.`,
    )
    .action(() => printJson(io, jsonSchema()));
}
