-- Approvals and ad-hoc freezes. An approval is one person's word on one release in one environment: the checklist
-- items they signed off, their comment, the exact bytes they signed (payload) and the SSH signature over them. The
-- signer Runway verified when the approval was given is kept for people; every evaluation verifies the signature
-- again and never trusts this column. A freeze is in force from starts_at until ends_at (exclusive) unless lifted.
create table approvals (
  id bigserial primary key,
  environment text not null,
  release_id text not null references releases (id),
  approver text not null,
  actor_kind text not null,
  items jsonb not null default '[]',
  comment text,
  payload text not null,
  signature text,
  signer_verified text,
  created_at timestamptz not null,
  expires_at timestamptz not null
);
create index approvals_environment_release on approvals (environment, release_id);

create table freezes (
  id bigserial primary key,
  environment text not null,
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  reason text not null,
  frozen_by text not null,
  created_at timestamptz not null default now(),
  lifted_at timestamptz,
  lifted_by text,
  lift_reason text
);
create index freezes_environment on freezes (environment, ends_at desc);
