INSERT INTO orders (id, customer_id, status, placed_at, currency)
SELECT o, pg_temp.seed_order_customer(o), pg_temp.seed_order_status(o), pg_temp.seed_order_placed_at(o), 'EUR'
FROM generate_series(1, pg_temp.seed_order_count()) AS o;

INSERT INTO order_lines (order_id, line_number, sku, product_name, quantity, unit_price_cents)
SELECT o, l,
       pg_temp.seed_sku(pg_temp.seed_line_product(o, l)),
       pg_temp.seed_product_name(pg_temp.seed_line_product(o, l)),
       pg_temp.seed_line_quantity(o, l),
       pg_temp.seed_product_price_cents(pg_temp.seed_line_product(o, l))
FROM generate_series(1, pg_temp.seed_order_count()) AS o,
     LATERAL generate_series(1, pg_temp.seed_order_line_count(o)) AS l;
