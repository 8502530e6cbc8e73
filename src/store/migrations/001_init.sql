-- Runway state: releases, runs, steps, measurements, locks and an append-only audit log.
create table releases (
  id text primary key,
  sha text not null,
  artifact_digest text not null,
  config_digest text not null,
  dirty boolean not null default false,
  dir text not null,
  subject text,
  source_key text not null,
  created_at timestamptz not null default now()
);
create index releases_source_key on releases (source_key);

create table runs (
  id text primary key,
  kind text not null,
  environment text not null,
  release_id text not null references releases (id),
  actor text not null,
  command text not null,
  outcome text not null,
  reason text,
  started_at timestamptz not null,
  finished_at timestamptz,
  previous_release text,
  rolled_back_to text,
  rollback_trigger text,
  escalation jsonb,
  evidence text,
  host text not null,
  pid integer not null,
  record jsonb
);
create index runs_environment_started on runs (environment, started_at desc);

create table steps (
  run_id text not null references runs (id),
  idx integer not null,
  name text not null,
  kind text not null,
  status text not null,
  attempts integer not null default 0,
  started_at timestamptz,
  finished_at timestamptz,
  duration_ms integer,
  exit_code integer,
  timed_out boolean,
  error text,
  log text,
  primary key (run_id, idx)
);

create table measurements (
  id bigserial primary key,
  run_id text not null references runs (id),
  step_idx integer not null,
  check_name text not null,
  kind text not null,
  phase text not null,
  value jsonb,
  message text not null,
  started_at timestamptz not null,
  finished_at timestamptz not null,
  metadata jsonb
);
create index measurements_run on measurements (run_id);

-- Which release each environment serves now (the target is the source of truth; this is the record).
create table environments (
  name text primary key,
  current_release text references releases (id),
  since timestamptz,
  last_run text
);

-- A release rolled back away from in an environment is no longer known-good there.
create table rollbacks (
  environment text not null,
  release_id text not null,
  run_id text not null,
  at timestamptz not null default now(),
  primary key (environment, release_id, run_id)
);

create table locks (
  environment text primary key,
  run_id text not null,
  actor text not null,
  host text not null,
  pid integer not null,
  command text not null,
  acquired_at timestamptz not null default now()
);

create table audit (
  id bigserial primary key,
  at timestamptz not null default now(),
  actor text not null,
  action text not null,
  environment text,
  release_id text,
  run_id text,
  details jsonb
);

-- dialect: postgres
create function audit_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'the audit log is append-only';
end $$;
create trigger audit_no_update before update or delete on audit
  for each row execute function audit_append_only();
-- dialect: sqlite
create trigger audit_no_update before update on audit
  begin select raise(abort, 'the audit log is append-only'); end;
create trigger audit_no_delete before delete on audit
  begin select raise(abort, 'the audit log is append-only'); end;
-- dialect: end
