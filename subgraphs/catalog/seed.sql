INSERT INTO categories (id, name, description)
SELECT k,
       (ARRAY['Kitchen','Lighting','Outdoor','Tools','Furniture','Audio','Apparel','Electronics','Sports',
              'Home','Travel','Music'])[k],
       'Everything for ' || lower((ARRAY['the kitchen','lighting','the outdoors','tools','furniture','audio',
              'apparel','electronics','sports','the home','travel','music'])[k])
FROM generate_series(1, pg_temp.seed_category_count()) AS k;

INSERT INTO products (sku, name, description, price_cents, currency, weight_grams, category_id, active)
SELECT pg_temp.seed_sku(p),
       pg_temp.seed_product_name(p),
       'The ' || pg_temp.seed_product_name(p) || ', model ' || p || '.',
       pg_temp.seed_product_price_cents(p),
       'EUR',
       100 + (p * 3571) % 9900,
       1 + p % pg_temp.seed_category_count(),
       p % 25 <> 0
FROM generate_series(1, pg_temp.seed_product_count()) AS p;
