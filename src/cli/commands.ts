/** The registry of CLI commands: each command file exports `register(program, io)`. */
import type { Command } from 'commander';
import type { CliIO } from './io.js';

export type Register = (program: Command, io: CliIO) => void;

export const COMMANDS: Register[] = [];
