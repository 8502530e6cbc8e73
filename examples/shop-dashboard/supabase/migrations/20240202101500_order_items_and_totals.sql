create table public.order_items (
  order_id bigint not null references public.orders (id) on delete cascade,
  product_id uuid not null references public.products (id),
  quantity integer not null check (quantity > 0),
  unit_price_cents integer not null,
  primary key (order_id, product_id)
);
alter table public.order_items enable row level security;
create policy "items follow their order" on public.order_items
  for all using (exists (select 1 from public.orders o where o.id = order_id));

alter table public.orders add column total_cents integer not null default 0;

-- Keeps orders.total_cents equal to the sum of its items.
create or replace function app.refresh_order_total() returns trigger
  language plpgsql
as $body$
declare
  target bigint := coalesce(new.order_id, old.order_id);
begin
  update public.orders
     set total_cents = (select coalesce(sum(quantity * unit_price_cents), 0)
                          from public.order_items where order_id = target)
   where id = target;
  return null; -- after trigger; the result is ignored
end;
$body$;

create trigger order_items_total
  after insert or update or delete on public.order_items
  for each row execute function app.refresh_order_total();

create view public.daily_revenue with (security_invoker = true) as
  select shop_id, date_trunc('day', created_at) as day, sum(total_cents) as revenue_cents
    from public.orders
   where status = 'paid'
   group by 1, 2;
