-- Evidence heads: every finalized evidence bundle's manifest hash, recorded when its run finishes, so
-- `runway evidence verify` can compare the folder under .runway/ with a record kept elsewhere (on the shared
-- Postgres store, another machine). `fields` keeps the run.json fields verify names when they differ; `signature`
-- is the bundle head's Ed25519 signature when evidence signing is configured.
create table evidence_heads (
  environment text not null,
  run_id text not null,
  manifest_sha256 text not null,
  previous_run_id text,
  previous_sha256 text,
  fields jsonb not null,
  signature jsonb,
  created_at timestamptz not null default now(),
  primary key (environment, run_id)
);
create index evidence_heads_environment on evidence_heads (environment, run_id desc);
