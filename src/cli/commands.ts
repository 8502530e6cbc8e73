/** The registry of CLI commands: each command file exports `register(program, io)`. */
import type { Command } from 'commander';
import type { CliIO } from './io.js';
import { register as backup } from './backup.js';
import { register as deploy } from './deploy.js';
import { register as migrate } from './migrate.js';
import { register as schema } from './schema.js';
import { register as validate } from './validate.js';
import { register as evidence } from './evidence.js';
import { register as history } from './history.js';
import { register as deployments } from './deployments.js';
import { register as parity } from './parity.js';
import { register as monitor } from './monitor.js';
import { register as plan } from './plan.js';
import { register as promote } from './promote.js';
import { register as rollback } from './rollback.js';
import { register as scan } from './scan.js';
import { register as secrets } from './secrets.js';
import { register as state } from './state.js';
import { register as status } from './status.js';
import { register as unlock } from './unlock.js';
import { register as up } from './up.js';

export type Register = (program: Command, io: CliIO) => void;

export const COMMANDS: Register[] = [validate, schema, plan, deploy, promote, rollback, monitor, status, history, deployments, unlock, up, evidence, secrets, scan, parity, state, migrate, backup];
