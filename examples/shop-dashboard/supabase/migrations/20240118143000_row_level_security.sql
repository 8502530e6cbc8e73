-- Every shop sees only its own rows. PostgREST puts the JWT claims in request.jwt.claims.
create or replace function app.current_shop_id() returns uuid
  language sql stable
as $$
  select nullif(current_setting('request.jwt.claims', true)::json ->> 'shop_id', '')::uuid;
$$;

alter table public.shops enable row level security;
alter table public.products enable row level security;
alter table public.orders enable row level security;

create policy "shop reads itself" on public.shops
  for select using (id = app.current_shop_id());

create policy "shop manages its products" on public.products
  for all using (shop_id = app.current_shop_id()) with check (shop_id = app.current_shop_id());

create policy "shop manages its orders; no one else" on public.orders
  for all using (shop_id = app.current_shop_id()) with check (shop_id = app.current_shop_id());
