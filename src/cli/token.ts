/**
 * `runway token create|list|revoke`: the API tokens of `runway serve`, in the state store (shared on Postgres).
 * A token is shown once, when it is created; only its SHA-256 is stored. Creating and revoking are audited.
 */
import type { Command } from 'commander';
import { ConfigError } from '../errors.js';
import { appendAudit } from '../store/audit.js';
import {
  createToken, findTokens, listTokens, revokeToken, TOKEN_ACTOR_KINDS, TOKEN_SCOPES,
  type ApiToken, type TokenActorKind, type TokenScope,
} from '../store/tokens.js';
import { paint, printJson, table, type CliIO } from './io.js';
import { openFromCommand } from './project.js';

type CreateFlags = { name?: string; scope: string[]; owner?: string; kind: string; json: boolean };

/** The scopes named by `--scope` (repeated or comma-separated); bad input for any other word. */
export function parseScopes(values: readonly string[]): TokenScope[] {
  const words = values.flatMap((v) => v.split(',')).map((w) => w.trim()).filter(Boolean);
  if (!words.length) throw new ConfigError(`--scope is required: one or more of ${TOKEN_SCOPES.join(', ')} (e.g. --scope read,deploy)`);
  for (const w of words) {
    if (!(TOKEN_SCOPES as readonly string[]).includes(w)) throw new ConfigError(`--scope "${w}": not a scope (${TOKEN_SCOPES.join(', ')})`);
  }
  return TOKEN_SCOPES.filter((s) => words.includes(s));
}

// One row of `token list`.
function row(t: ApiToken): string[] {
  const day = (at?: string) => (at ? at.replace('T', ' ').replace(/:\d\d\.\d+Z$/, 'Z') : '-');
  return [t.id, t.name, t.owner, t.actorKind, t.scopes.join(','), day(t.createdAt), day(t.lastUsedAt), t.revokedAt ? `${day(t.revokedAt)} by ${t.revokedBy}` : '-'];
}

/** Registers `token` with its subcommands. */
export function register(program: Command, io: CliIO): void {
  const token = program
    .command('token')
    .description('API tokens of runway serve: create (shown once, stored hashed), list, revoke')
    .addHelpText('after', `
Scopes: read (every read route), deploy (promote, rollback, resume), approve (approve), admin (everything, freeze and
unfreeze too). Every scope can read. What a token does is recorded with its owner as the actor (--owner, default:
you) and its actor kind (--kind human or ci). See docs/server.md.`);

  token
    .command('create')
    .description('create a token and print it once (it cannot be shown again)')
    .option('--name <name>', 'what the token is for, e.g. "deploy bot" (required)')
    .option('--scope <scopes>', `what it may do: ${TOKEN_SCOPES.join(', ')} (repeat or comma-separate)`, (v: string, all: string[]) => [...all, v], [])
    .option('--owner <actor>', 'the actor recorded for what the token does (default: you: RUNWAY_ACTOR, else git config user.email)')
    .option('--kind <kind>', `the actor kind recorded and judged by policy: ${TOKEN_ACTOR_KINDS.join(' or ')}`, 'human')
    .option('--json', 'print the token and its record as JSON', false)
    .addHelpText('after', '\nExit codes: 0 created, 2 bad input (missing --name, unknown scope or kind).')
    .action(async (opts: CreateFlags, cmd: Command) => {
      const name = opts.name?.trim();
      if (!name) throw new ConfigError('--name is required: say what the token is for (e.g. --name "ci deploys")');
      const scopes = parseScopes(opts.scope);
      if (!(TOKEN_ACTOR_KINDS as readonly string[]).includes(opts.kind)) {
        throw new ConfigError(`--kind "${opts.kind}": a token acts as ${TOKEN_ACTOR_KINDS.join(' or ')} (agents use runway mcp)`);
      }
      const ctx = await openFromCommand(cmd, io);
      const owner = opts.owner?.trim() || ctx.actor;
      const created = await ctx.store.use(async (db) => {
        const made = await createToken(db, { name, owner, actorKind: opts.kind as TokenActorKind, scopes, createdBy: ctx.actor });
        await appendAudit(db, { actor: ctx.actor, action: 'token.create', details: { token: made.token.id, name, owner, kind: opts.kind, scopes } });
        return made;
      });
      // this is the token's one showing (it is no secret of the project, so the redactor leaves it as it is)
      if (opts.json) return printJson(io, { ...created.token, token: created.secret });
      io.err(`created token ${created.token.id} "${name}" for ${owner} (${opts.kind}) with scopes ${scopes.join(', ')}\n`);
      io.err(`${paint(io, 'yellow', '!')} it is shown this once; keep it in a secret store (send it as Authorization: Bearer <token>)\n`);
      io.out(`${created.secret}\n`);
    });

  token
    .command('list')
    .description('every token: id, name, owner, kind, scopes, created, last used, revoked (never the token itself)')
    .option('--active', 'only tokens not revoked', false)
    .option('--json', 'print JSON', false)
    .action(async (opts: { active: boolean; json: boolean }, cmd: Command) => {
      const ctx = await openFromCommand(cmd, io);
      const tokens = await ctx.store.use((db) => listTokens(db, { active: opts.active }));
      if (opts.json) return printJson(io, tokens);
      if (!tokens.length) return io.out('no tokens (create one with: runway token create --name <name> --scope read)\n');
      io.out(table(['ID', 'NAME', 'OWNER', 'KIND', 'SCOPES', 'CREATED', 'LAST USED', 'REVOKED'], tokens.map(row)));
    });

  token
    .command('revoke')
    .description('revoke a token by its id or name: the server refuses it from its next request')
    .argument('<token>', 'the id (from runway token list) or the name of an active token')
    .option('--json', 'print the revoked token as JSON', false)
    .addHelpText('after', '\nExit codes: 0 revoked, 2 bad input (no such active token, or a name several active tokens share).')
    .action(async (ref: string, opts: { json: boolean }, cmd: Command) => {
      const ctx = await openFromCommand(cmd, io);
      const revoked = await ctx.store.use(async (db) => {
        const found = await findTokens(db, ref);
        if (found.length > 1) {
          throw new ConfigError(`token "${ref}": ${found.length} active tokens have this name (${found.map((t) => t.id).join(', ')}): revoke one by its id`);
        }
        const target = found[0];
        if (!target) throw new ConfigError(`token "${ref}": no token has this id, nor any active token this name (see runway token list)`);
        if (target.revokedAt) throw new ConfigError(`token ${target.id} "${target.name}" was revoked already (${target.revokedAt} by ${target.revokedBy})`);
        const done = await revokeToken(db, target.id, ctx.actor);
        if (!done) throw new ConfigError(`token ${target.id} was revoked meanwhile`);
        await appendAudit(db, { actor: ctx.actor, action: 'token.revoke', details: { token: done.id, name: done.name } });
        return done;
      });
      if (opts.json) return printJson(io, revoked);
      io.out(`revoked token ${revoked.id} "${revoked.name}" (owner ${revoked.owner})\n`);
    });
}
