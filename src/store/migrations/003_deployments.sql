-- Deployment handles: the platform's own id of each deployment a run made (Netlify deploy_id, Vercel dpl_…, Fly
-- release version + image, Kubernetes revision), so rollback, promotion and status work from any machine that
-- shares this store. Artifacts: what was built once per release for a target kind (an image reference) and is
-- deployed unchanged by every environment.
create table deployments (
  id bigserial primary key,
  environment text not null,
  release_id text not null references releases (id),
  run_id text references runs (id),
  target text not null,
  handle_id text not null,
  url text,
  artifact text,
  details jsonb,
  created_at timestamptz not null default now()
);
create index deployments_environment_created on deployments (environment, created_at desc);
create index deployments_release on deployments (release_id);

create table artifacts (
  release_id text not null references releases (id),
  target text not null,
  ref text not null,
  created_at timestamptz not null default now(),
  primary key (release_id, target)
);
