// The migrations folder of the migrate benchmark, generated (not committed): a Supabase-style app in the Supabase
// CLI layout (supabase/migrations/<version>_<name>.sql) — extensions, an auth schema stand-in with auth.uid(),
// enum types, tables with foreign keys and checks, indexes (btree, partial, GIN trigram), row-level security with
// policies per role, plpgsql functions, triggers, a view and a materialized view, grants, a backfill and a seed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const base = [
  ['extensions', `create extension if not exists pgcrypto;
create extension if not exists citext;
create extension if not exists pg_trgm;`],
  ['auth_and_roles', `do $$ begin
  if not exists (select 1 from pg_roles where rolname = 'anon') then create role anon nologin; end if;
  if not exists (select 1 from pg_roles where rolname = 'authenticated') then create role authenticated nologin; end if;
  if not exists (select 1 from pg_roles where rolname = 'service_role') then create role service_role nologin bypassrls; end if;
end $$;
create schema if not exists auth;
create table auth.users (id uuid primary key default gen_random_uuid(), email citext unique not null, created_at timestamptz not null default now());
create or replace function auth.uid() returns uuid language sql stable as $$
  select nullif(current_setting('request.jwt.claim.sub', true), '')::uuid
$$;
grant usage on schema auth to anon, authenticated, service_role;`],
  ['types', `create type public.member_role as enum ('owner', 'admin', 'member', 'viewer');
create type public.task_status as enum ('todo', 'doing', 'blocked', 'done');
create type public.plan_tier as enum ('free', 'team', 'business');`],
  ['updated_at_function', `create or replace function public.set_updated_at() returns trigger language plpgsql as $$
begin
  new.updated_at := now();
  return new;
end;
$$;`],
  ['profiles', `create table public.profiles (
  id uuid primary key references auth.users (id) on delete cascade,
  username citext unique check (char_length(username) between 3 and 32),
  full_name text,
  avatar_url text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
alter table public.profiles enable row level security;
create policy "profiles are readable by members" on public.profiles for select to authenticated using (true);
create policy "a user edits their own profile" on public.profiles for update to authenticated using (auth.uid() = id) with check (auth.uid() = id);
create trigger profiles_updated_at before update on public.profiles for each row execute function public.set_updated_at();
create or replace function public.handle_new_user() returns trigger language plpgsql security definer set search_path = public as $$
begin
  insert into public.profiles (id, full_name) values (new.id, split_part(new.email::text, '@', 1));
  return new;
end;
$$;
create trigger on_auth_user_created after insert on auth.users for each row execute function public.handle_new_user();`],
  ['organizations', `create table public.organizations (
  id uuid primary key default gen_random_uuid(),
  slug citext unique not null check (slug ~ '^[a-z0-9-]+$'),
  name text not null,
  plan public.plan_tier not null default 'free',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create table public.memberships (
  organization_id uuid not null references public.organizations (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  role public.member_role not null default 'member',
  created_at timestamptz not null default now(),
  primary key (organization_id, user_id)
);
create index memberships_user_idx on public.memberships (user_id);
create or replace function public.is_member(org uuid) returns boolean language sql stable security definer set search_path = public as $$
  select exists (select 1 from public.memberships m where m.organization_id = org and m.user_id = auth.uid())
$$;
alter table public.organizations enable row level security;
alter table public.memberships enable row level security;
create policy "members read their organizations" on public.organizations for select to authenticated using (public.is_member(id));
create policy "members read memberships" on public.memberships for select to authenticated using (public.is_member(organization_id));
create trigger organizations_updated_at before update on public.organizations for each row execute function public.set_updated_at();`],
];

// One app table in an organization: columns, indexes, RLS policies, an updated_at trigger, grants.
function orgTable(name, columns, extra = '') {
  return `create table public.${name} (
  id bigint generated always as identity primary key,
  organization_id uuid not null references public.organizations (id) on delete cascade,
${columns.map((c) => `  ${c},`).join('\n')}
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index ${name}_org_idx on public.${name} (organization_id, created_at desc);
alter table public.${name} enable row level security;
create policy "${name}: members read" on public.${name} for select to authenticated using (public.is_member(organization_id));
create policy "${name}: members write" on public.${name} for insert to authenticated with check (public.is_member(organization_id));
create policy "${name}: members update" on public.${name} for update to authenticated using (public.is_member(organization_id));
create trigger ${name}_updated_at before update on public.${name} for each row execute function public.set_updated_at();
grant select, insert, update on public.${name} to authenticated;
${extra}`;
}

const tables = [
  ['projects', ['name text not null', 'description text', 'archived boolean not null default false'],
    "create index projects_name_trgm on public.projects using gin (name gin_trgm_ops);\ncreate index projects_active_idx on public.projects (organization_id) where not archived;"],
  ['tasks', ['project_id bigint not null references public.projects (id) on delete cascade', 'title text not null', "status public.task_status not null default 'todo'", 'assignee uuid references auth.users (id)', 'due_on date', 'position integer not null default 0'],
    'create index tasks_project_status_idx on public.tasks (project_id, status);\ncreate index tasks_assignee_idx on public.tasks (assignee) where assignee is not null;'],
  ['comments', ['task_id bigint not null references public.tasks (id) on delete cascade', 'author uuid not null references auth.users (id)', 'body text not null check (char_length(body) <= 10000)'],
    'create index comments_task_idx on public.comments (task_id, created_at);'],
  ['tags', ['name citext not null', "color text not null default '#888888' check (color ~ '^#[0-9a-fA-F]{6}$')"],
    'create unique index tags_org_name_idx on public.tags (organization_id, name);'],
  ['attachments', ['task_id bigint not null references public.tasks (id) on delete cascade', 'path text not null', 'bytes bigint not null check (bytes >= 0)', 'mime text'], ''],
  ['notifications', ['user_id uuid not null references auth.users (id) on delete cascade', 'kind text not null', "payload jsonb not null default '{}'", 'read_at timestamptz'],
    "create index notifications_unread_idx on public.notifications (user_id, created_at desc) where read_at is null;\ncreate index notifications_payload_idx on public.notifications using gin (payload jsonb_path_ops);"],
  ['invoices', ['number text not null', 'total_cents bigint not null default 0 check (total_cents >= 0)', "currency char(3) not null default 'EUR'", 'issued_on date not null default current_date', 'paid_at timestamptz'],
    'create unique index invoices_org_number_idx on public.invoices (organization_id, number);'],
  ['invoice_items', ['invoice_id bigint not null references public.invoices (id) on delete cascade', 'description text not null', 'quantity integer not null check (quantity > 0)', 'unit_cents bigint not null'],
    `create or replace function public.invoice_total() returns trigger language plpgsql as $$
begin
  update public.invoices i set total_cents = coalesce((select sum(quantity * unit_cents) from public.invoice_items where invoice_id = i.id), 0)
  where i.id = coalesce(new.invoice_id, old.invoice_id);
  return null;
end;
$$;
create trigger invoice_items_total after insert or update or delete on public.invoice_items for each row execute function public.invoice_total();`],
  ['subscriptions', ['tier public.plan_tier not null', 'seats integer not null default 1 check (seats > 0)', 'renews_on date', 'cancelled_at timestamptz'], ''],
  ['webhooks', ['url text not null check (url ~ \'^https://\')', "events text[] not null default '{}'", "secret text not null default encode(gen_random_bytes(24), 'hex')", 'active boolean not null default true'], ''],
  ['api_keys', ['name text not null', 'prefix text not null', 'hash text not null', 'last_used_at timestamptz', 'revoked_at timestamptz'],
    'create unique index api_keys_prefix_idx on public.api_keys (prefix);\nrevoke select on public.api_keys from authenticated;\ngrant select (id, organization_id, name, prefix, last_used_at, revoked_at, created_at) on public.api_keys to authenticated;'],
  ['feature_flags', ['key text not null', 'enabled boolean not null default false', "rules jsonb not null default '[]'"],
    'create unique index feature_flags_org_key_idx on public.feature_flags (organization_id, key);'],
  ['audit_events', ['actor uuid references auth.users (id)', 'action text not null', 'target text', "detail jsonb not null default '{}'"],
    'create index audit_events_action_idx on public.audit_events (organization_id, action, created_at desc);'],
];

const later = [
  ['task_tags', `create table public.task_tags (
  task_id bigint not null references public.tasks (id) on delete cascade,
  tag_id bigint not null references public.tags (id) on delete cascade,
  primary key (task_id, tag_id)
);
create index task_tags_tag_idx on public.task_tags (tag_id);
alter table public.task_tags enable row level security;
create policy "task_tags: members" on public.task_tags for all to authenticated
  using (exists (select 1 from public.tasks t where t.id = task_id and public.is_member(t.organization_id)));`],
  ['task_search', `alter table public.tasks add column search tsvector generated always as (to_tsvector('simple', coalesce(title, ''))) stored;
create index tasks_search_idx on public.tasks using gin (search);
create or replace function public.search_tasks(org uuid, q text) returns setof public.tasks language sql stable as $$
  select * from public.tasks where organization_id = org and search @@ plainto_tsquery('simple', q) order by updated_at desc limit 50
$$;`],
  ['project_stats_view', `create view public.project_stats with (security_invoker = true) as
  select p.id as project_id, p.organization_id, count(t.id) as tasks, count(t.id) filter (where t.status = 'done') as done
  from public.projects p left join public.tasks t on t.project_id = p.id group by p.id;
grant select on public.project_stats to authenticated;`],
  ['audit_triggers', `create or replace function public.audit_change() returns trigger language plpgsql security definer set search_path = public as $$
begin
  insert into public.audit_events (organization_id, actor, action, target, detail)
  values (coalesce(new.organization_id, old.organization_id), auth.uid(), tg_op || ' ' || tg_table_name, coalesce(new.id, old.id)::text, '{}');
  return coalesce(new, old);
end;
$$;
create trigger projects_audit after insert or update or delete on public.projects for each row execute function public.audit_change();
create trigger invoices_audit after insert or update or delete on public.invoices for each row execute function public.audit_change();`],
  ['seed', `insert into auth.users (id, email)
  select ('00000000-0000-4000-8000-' || lpad(g::text, 12, '0'))::uuid, 'user' || g || '@example.com' from generate_series(1, 200) g;
insert into public.organizations (id, slug, name, plan)
  select ('10000000-0000-4000-8000-' || lpad(g::text, 12, '0'))::uuid, 'org-' || g, 'Organization ' || g, (array['free','team','business'])[1 + g % 3]::public.plan_tier
  from generate_series(1, 20) g;
insert into public.memberships (organization_id, user_id, role)
  select ('10000000-0000-4000-8000-' || lpad((1 + g % 20)::text, 12, '0'))::uuid, ('00000000-0000-4000-8000-' || lpad(g::text, 12, '0'))::uuid,
    (array['owner','admin','member','viewer'])[1 + g % 4]::public.member_role from generate_series(1, 200) g;
insert into public.projects (organization_id, name, description)
  select ('10000000-0000-4000-8000-' || lpad((1 + g % 20)::text, 12, '0'))::uuid, 'Project ' || g, 'Seeded project ' || g from generate_series(1, 100) g;
insert into public.tasks (organization_id, project_id, title, status, position)
  select p.organization_id, p.id, 'Task ' || g || ' of ' || p.name, (array['todo','doing','blocked','done'])[1 + g % 4]::public.task_status, g
  from public.projects p cross join generate_series(1, 40) g;
insert into public.comments (organization_id, task_id, author, body)
  select t.organization_id, t.id, ('00000000-0000-4000-8000-' || lpad((1 + t.id % 200)::text, 12, '0'))::uuid, 'Looks good to me (' || t.id || ')'
  from public.tasks t where t.id % 2 = 0;`],
  ['project_stats_materialized', `create materialized view public.org_activity as
  select organization_id, date_trunc('day', created_at) as day, count(*) as events from public.audit_events group by 1, 2;
create unique index org_activity_idx on public.org_activity (organization_id, day);`],
  ['tasks_backfill', `alter table public.tasks add column completed_at timestamptz;
update public.tasks set completed_at = updated_at where status = 'done';
create index tasks_completed_idx on public.tasks (organization_id, completed_at) where completed_at is not null;`],
  ['comments_counts', `alter table public.tasks add column comment_count integer not null default 0;
update public.tasks t set comment_count = c.n from (select task_id, count(*) as n from public.comments group by task_id) c where c.task_id = t.id;
create or replace function public.bump_comment_count() returns trigger language plpgsql as $$
begin
  if tg_op = 'INSERT' then update public.tasks set comment_count = comment_count + 1 where id = new.task_id;
  elsif tg_op = 'DELETE' then update public.tasks set comment_count = comment_count - 1 where id = old.task_id;
  end if;
  return null;
end;
$$;
create trigger comments_count after insert or delete on public.comments for each row execute function public.bump_comment_count();`],
  ['storage_policies', `create schema if not exists storage;
create table storage.objects (id uuid primary key default gen_random_uuid(), bucket_id text not null, name text not null, owner uuid, created_at timestamptz default now());
alter table storage.objects enable row level security;
create policy "owners read their objects" on storage.objects for select to authenticated using (owner = auth.uid());
create policy "owners upload" on storage.objects for insert to authenticated with check (owner = auth.uid() and bucket_id = 'attachments');`],
  ['comments_on_schema', `comment on table public.tasks is 'Work items of a project';
comment on column public.tasks.position is 'Order within its status column';
comment on function public.is_member(uuid) is 'Whether the current user belongs to the organization';
grant usage on schema public to anon, authenticated, service_role;
grant all on all tables in schema public to service_role;
grant usage, select on all sequences in schema public to authenticated;`],
];

/** Writes the migration files into `<dir>/supabase/migrations`; returns their file names in order. */
export function writeMigrations(dir) {
  const folder = join(dir, 'supabase', 'migrations');
  mkdirSync(folder, { recursive: true });
  const all = [...base, ...tables.map(([name, cols, extra]) => [name, orgTable(name, cols, extra)]), ...later];
  const names = all.map(([name, sql], i) => {
    const version = `2024${String(1 + Math.floor(i / 28)).padStart(2, '0')}${String(1 + (i % 28)).padStart(2, '0')}120000`;
    const file = `${version}_${name}.sql`;
    writeFileSync(join(folder, file), `-- ${name}\n${sql.trim()}\n`);
    return file;
  });
  return names;
}
