-- runway:contract drops products.legacy_sku; releases before 20240301 still read it
alter table public.products drop column legacy_sku;
