-- Maintenance mode: one row per environment while it is on (`runway maintenance <env> on`), deleted when it is turned
-- off. Every change is also in the audit log, which keeps the history.
create table maintenance (
  environment text primary key,
  message text,
  retry_after integer not null,
  started_at timestamptz not null,
  started_by text not null
);
