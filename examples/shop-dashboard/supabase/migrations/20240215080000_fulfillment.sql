-- New order status, and when an order left the warehouse.
alter type public.order_status add value if not exists 'fulfilled' after 'paid';

alter table public.orders add column fulfilled_at timestamptz;

do $$
begin
  -- Backfill: orders paid before fulfilment tracking count as fulfilled at creation.
  update public.orders set fulfilled_at = created_at where status = 'paid' and fulfilled_at is null;
end
$$;
