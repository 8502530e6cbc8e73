/**
 * API tokens of `runway serve`, kept hashed: `runway token create` makes one and shows it once, the server finds a
 * presented token by its public id and compares SHA-256 digests in constant time, `runway token revoke` ends it.
 * A token reads `rwy_<id>_<secret>`: the id is public (it names the token in lists and the audit log), the secret
 * is 32 random bytes.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { iso, type Db } from './db.js';

/** What a token may do: read everything; deploy (promote, roll back, resume); approve; admin (all, freezes too). */
export const TOKEN_SCOPES = ['read', 'deploy', 'approve', 'admin'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

/** The actor kinds a token may act as (an agent uses `runway mcp`, not a token). */
export const TOKEN_ACTOR_KINDS = ['human', 'ci'] as const;
export type TokenActorKind = (typeof TOKEN_ACTOR_KINDS)[number];

/** A token as stored, without its secret. */
export interface ApiToken {
  id: string;
  name: string;
  /** The actor recorded for everything done with the token. */
  owner: string;
  actorKind: TokenActorKind;
  scopes: TokenScope[];
  createdAt: string;
  createdBy: string;
  lastUsedAt?: string;
  revokedAt?: string;
  revokedBy?: string;
}

/** Why a presented token was not accepted. */
export type TokenRefusal = 'malformed' | 'unknown' | 'revoked';

const FORMAT = /^rwy_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

/** The SHA-256 of a token, hex. */
function digest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Maps a row to a token. */
function toToken(r: Record<string, unknown>): ApiToken {
  const scopes = (typeof r.scopes === 'string' ? JSON.parse(r.scopes) : r.scopes) as TokenScope[];
  return {
    id: String(r.id), name: String(r.name), owner: String(r.owner), actorKind: r.actor_kind as TokenActorKind, scopes,
    createdAt: iso(r.created_at)!, createdBy: String(r.created_by), lastUsedAt: iso(r.last_used_at),
    revokedAt: iso(r.revoked_at), revokedBy: (r.revoked_by as string | null) ?? undefined,
  };
}

/** Creates a token; returns it with its secret text, which is never stored and cannot be shown again. */
export async function createToken(
  db: Db, input: { name: string; owner: string; actorKind: TokenActorKind; scopes: TokenScope[]; createdBy: string },
): Promise<{ token: ApiToken; secret: string }> {
  const id = randomBytes(8).toString('hex').slice(0, 12);
  const secret = `rwy_${id}_${randomBytes(32).toString('base64url')}`;
  const scopes = TOKEN_SCOPES.filter((s) => input.scopes.includes(s));
  const { rows } = await db.query<Record<string, unknown>>(
    `insert into api_tokens (id, name, owner, actor_kind, scopes, hash, created_by) values ($1, $2, $3, $4, $5, $6, $7)
     returning *`,
    [id, input.name, input.owner, input.actorKind, JSON.stringify(scopes), digest(secret), input.createdBy]);
  return { token: toToken(rows[0]!), secret };
}

/** Every token, newest first (revoked ones included unless `active`). */
export async function listTokens(db: Db, opts: { active?: boolean } = {}): Promise<ApiToken[]> {
  const { rows } = await db.query<Record<string, unknown>>(
    `select * from api_tokens where ($1::boolean = false or revoked_at is null) order by created_at desc, id`,
    [opts.active ?? false]);
  return rows.map(toToken);
}

/**
 * The tokens a name or id means: the token with that id, else the active tokens with that name (several when
 * a name was reused).
 */
export async function findTokens(db: Db, ref: string): Promise<ApiToken[]> {
  const { rows } = await db.query<Record<string, unknown>>(
    `select * from api_tokens where id = $1 or (name = $1 and revoked_at is null) order by created_at desc`, [ref]);
  const byId = rows.filter((r) => r.id === ref);
  return (byId.length ? byId : rows).map(toToken);
}

/** Revokes one token by id; returns it as revoked, or undefined when it was unknown or revoked already. */
export async function revokeToken(db: Db, id: string, by: string): Promise<ApiToken | undefined> {
  const { rows } = await db.query<Record<string, unknown>>(
    `update api_tokens set revoked_at = now(), revoked_by = $2 where id = $1 and revoked_at is null returning *`, [id, by]);
  return rows[0] ? toToken(rows[0]) : undefined;
}

/** The public id of a presented token, when it has the token format (for the audit log of a refusal). */
export function tokenIdOf(presented: string): string | undefined {
  return FORMAT.exec(presented)?.[1];
}

/**
 * Checks a presented token: the active token it is, or why not. Marks the token used (at most once a minute, so
 * reads do not write on every request).
 */
export async function verifyToken(db: Db, presented: string): Promise<{ token: ApiToken } | { refused: TokenRefusal; token?: ApiToken }> {
  const match = FORMAT.exec(presented);
  if (!match) return { refused: 'malformed' };
  const { rows } = await db.query<Record<string, unknown>>('select * from api_tokens where id = $1', [match[1]]);
  const row = rows[0];
  const expected = Buffer.from(String(row?.hash ?? '0'.repeat(64)), 'hex');
  const given = Buffer.from(digest(presented), 'hex');
  const same = expected.length === given.length && timingSafeEqual(expected, given);
  if (!row || !same) return { refused: 'unknown' };
  const token = toToken(row);
  if (token.revokedAt) return { refused: 'revoked', token };
  if (!token.lastUsedAt || Date.now() - Date.parse(token.lastUsedAt) > 60_000) {
    await db.query('update api_tokens set last_used_at = now() where id = $1', [token.id]);
  }
  return { token };
}

/** Whether a token's scopes allow `needed` (admin allows everything; every scope allows read). */
export function allows(scopes: readonly TokenScope[], needed: TokenScope): boolean {
  return scopes.includes('admin') || scopes.includes(needed) || (needed === 'read' && scopes.length > 0);
}
