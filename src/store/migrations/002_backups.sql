-- Database backups taken by backup and migrate steps: where the archive is, its hash and size, and the
-- migrations applied after it (what a restore of it undoes).
create table backups (
  id text primary key,
  environment text not null,
  run_id text references runs (id),
  release_id text,
  path text not null,
  sha256 text not null,
  size bigint not null,
  database text not null,
  schemas jsonb,
  server_version text,
  tool_version text,
  verified text,
  migrations jsonb not null default '[]',
  created_at timestamptz not null default now()
);
create index backups_environment_created on backups (environment, created_at desc);
