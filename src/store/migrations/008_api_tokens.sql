-- API tokens of `runway serve`: one row per token, created by `runway token create` and shown once. Only the
-- SHA-256 of the token is kept (a token is 32 random bytes, so a fast hash is enough); `id` is the public part
-- every token starts with, used to find the row. A revoked token keeps its row (who revoked it and when) so the
-- audit log's entries still name it.
create table api_tokens (
  id text primary key,
  name text not null,
  owner text not null,
  actor_kind text not null,
  scopes jsonb not null,
  hash text not null,
  created_at timestamptz not null default now(),
  created_by text not null,
  last_used_at timestamptz,
  revoked_at timestamptz,
  revoked_by text
);
create index api_tokens_name on api_tokens (name);
