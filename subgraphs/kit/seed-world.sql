-- The deterministic reference world that every domain seeds its own slice of.
-- Each domain owns its tables, but the seeded rows must agree across domains (an order's
-- customer exists, a payment's amount is its order's total), so the generating formulas live
-- here once. They are session-temporary (pg_temp) and vanish with the seeding connection.
CREATE OR REPLACE FUNCTION pg_temp.seed_customer_count() RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT 5000';
CREATE OR REPLACE FUNCTION pg_temp.seed_product_count() RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT 500';
CREATE OR REPLACE FUNCTION pg_temp.seed_order_count() RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT 50000';
CREATE OR REPLACE FUNCTION pg_temp.seed_category_count() RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT 12';

CREATE OR REPLACE FUNCTION pg_temp.seed_customer_first_name(c int) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT (ARRAY['Ada','Grace','Alan','Edsger','Barbara','Donald','Margaret','Ken','Frances','John',
                'Radia','Tim','Katherine','Dennis','Hedy','Linus'])[1 + c % 16] $$;
CREATE OR REPLACE FUNCTION pg_temp.seed_customer_last_name(c int) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT (ARRAY['Lovelace','Hopper','Turing','Dijkstra','Liskov','Knuth','Hamilton','Thompson','Allen',
                'Backus','Perlman','Berners','Johnson','Ritchie','Lamarr','Torvalds','Wirth','Kay',
                'Lamport','Shaw'])[1 + (c / 16) % 20] $$;
CREATE OR REPLACE FUNCTION pg_temp.seed_customer_name(c int) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT pg_temp.seed_customer_first_name(c) || ' ' || pg_temp.seed_customer_last_name(c) $$;
CREATE OR REPLACE FUNCTION pg_temp.seed_customer_country(c int) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT (ARRAY['DE','FR','NL','ES','IT','PL','SE','AT'])[1 + c % 8] $$;

CREATE OR REPLACE FUNCTION pg_temp.seed_sku(p int) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT 'SKU-' || lpad(p::text, 4, '0') $$;
CREATE OR REPLACE FUNCTION pg_temp.seed_product_name(p int) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT (ARRAY['Compact','Deluxe','Eco','Classic','Smart','Rugged','Silent','Travel','Pro','Mini'])[1 + p % 10]
      || ' '
      || (ARRAY['Kettle','Lamp','Backpack','Drill','Blender','Chair','Desk','Headphones','Jacket','Tent',
                'Toaster','Monitor','Keyboard','Bottle','Speaker','Camera','Stroller','Helmet','Grill','Fan',
                'Router','Watch','Mattress','Bicycle','Scooter','Vacuum','Heater','Printer','Sofa','Shelf',
                'Boots','Cookware','Knife','Pillow','Rug','Mirror','Clock','Guitar','Easel','Telescope',
                'Kayak','Skates','Racket','Ball','Treadmill','Dumbbell','Projector','Tablet','Charger','Drone'])[1 + (p / 10) % 50] $$;
CREATE OR REPLACE FUNCTION pg_temp.seed_product_price_cents(p int) RETURNS int LANGUAGE sql IMMUTABLE AS $$
  SELECT 499 + (p * 7919) % 20000 $$;

CREATE OR REPLACE FUNCTION pg_temp.seed_order_customer(o int) RETURNS int LANGUAGE sql IMMUTABLE AS $$
  SELECT 1 + (o * 7919) % pg_temp.seed_customer_count() $$;
-- Half delivered, then shipped, paid, pending and cancelled. A customer's orders are o, o + 5000,
-- o + 10000, …; the o / 5000 term spreads each customer's orders over every status.
CREATE OR REPLACE FUNCTION pg_temp.seed_order_status(o int) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT (ARRAY['DELIVERED','DELIVERED','DELIVERED','DELIVERED','DELIVERED','SHIPPED','SHIPPED','PAID',
                'PENDING','CANCELLED'])[1 + (o * 37 + (o / pg_temp.seed_customer_count()) * 3) % 10] $$;
CREATE OR REPLACE FUNCTION pg_temp.seed_order_placed_at(o int) RETURNS timestamptz LANGUAGE sql IMMUTABLE AS $$
  SELECT timestamptz '2024-01-01 00:00:00+00' + o * interval '13 minutes' $$;
CREATE OR REPLACE FUNCTION pg_temp.seed_order_line_count(o int) RETURNS int LANGUAGE sql IMMUTABLE AS $$
  SELECT 1 + o % 3 $$;
CREATE OR REPLACE FUNCTION pg_temp.seed_line_product(o int, l int) RETURNS int LANGUAGE sql IMMUTABLE AS $$
  SELECT 1 + (o * 31 + l * 17) % pg_temp.seed_product_count() $$;
CREATE OR REPLACE FUNCTION pg_temp.seed_line_quantity(o int, l int) RETURNS int LANGUAGE sql IMMUTABLE AS $$
  SELECT 1 + (o + l) % 4 $$;
CREATE OR REPLACE FUNCTION pg_temp.seed_order_total_cents(o int) RETURNS int LANGUAGE sql IMMUTABLE AS $$
  SELECT sum(pg_temp.seed_line_quantity(o, l) * pg_temp.seed_product_price_cents(pg_temp.seed_line_product(o, l)))::int
  FROM generate_series(1, pg_temp.seed_order_line_count(o)) AS l $$;
