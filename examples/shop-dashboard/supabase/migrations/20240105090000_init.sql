-- Shops, products and orders of the Shopify embedded dashboard.
create extension if not exists pgcrypto;
create extension if not exists citext;

create schema if not exists app;

create type public.order_status as enum ('pending', 'paid', 'refunded');

create table public.shops (
  id uuid primary key default gen_random_uuid(),
  domain citext not null unique,          -- e.g. demo-shop.myshopify.com
  plan text not null default 'basic',
  installed_at timestamptz not null default now()
);

create table public.products (
  id uuid primary key default gen_random_uuid(),
  shop_id uuid not null references public.shops (id) on delete cascade,
  title text not null,
  legacy_sku text,                        -- replaced by variants; dropped in a later migration
  price_cents integer not null check (price_cents >= 0)
);
create index products_shop_id on public.products (shop_id);

create table public.orders (
  id bigint generated always as identity primary key,
  shop_id uuid not null references public.shops (id) on delete cascade,
  status public.order_status not null default 'pending',
  note text,
  created_at timestamptz not null default now()
);
create index orders_shop_created on public.orders (shop_id, created_at desc);

comment on table public.orders is 'Orders synced from Shopify; a ";" in a comment must not split anything';
