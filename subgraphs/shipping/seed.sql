-- Shipped and delivered orders have shipments; an order of three lines ships in two parcels
-- (lines 1-2 in the first, line 3 in the second).
INSERT INTO shipments (id, order_id, carrier, tracking_number, status, recipient, street, postal_code, city,
                       country, shipped_at, delivered_at)
SELECT o * 2 - 1 + parcel,
       o,
       (ARRAY['DHL','UPS','DPD','GLS'])[1 + (o + parcel) % 4],
       'TRK' || lpad((o * 2 + parcel)::text, 9, '0'),
       CASE WHEN pg_temp.seed_order_status(o) = 'DELIVERED' THEN 'DELIVERED' ELSE 'IN_TRANSIT' END,
       pg_temp.seed_customer_name(pg_temp.seed_order_customer(o)),
       (1 + o % 180) || ' ' || (ARRAY['Main Street','Harbour Road','Station Way','Park Lane','Mill Lane'])[1 + o % 5],
       lpad(((o * 97) % 99999)::text, 5, '0'),
       (ARRAY['Berlin','Paris','Amsterdam','Madrid','Rome','Warsaw','Stockholm','Vienna'])[1 + pg_temp.seed_order_customer(o) % 8],
       pg_temp.seed_customer_country(pg_temp.seed_order_customer(o)),
       pg_temp.seed_order_placed_at(o) + interval '1 day',
       CASE WHEN pg_temp.seed_order_status(o) = 'DELIVERED' THEN pg_temp.seed_order_placed_at(o) + (2 + o % 4) * interval '1 day' END
FROM generate_series(1, pg_temp.seed_order_count()) AS o
CROSS JOIN LATERAL generate_series(0, CASE WHEN pg_temp.seed_order_line_count(o) = 3 THEN 1 ELSE 0 END) AS parcel
WHERE pg_temp.seed_order_status(o) IN ('SHIPPED', 'DELIVERED');

INSERT INTO shipment_items (shipment_id, order_id, line_number)
SELECT s.id, s.order_id, l
FROM shipments s,
     LATERAL generate_series(1, pg_temp.seed_order_line_count(s.order_id)) AS l
WHERE (s.id % 2 = 1 AND l <= 2) OR (s.id % 2 = 0 AND l = 3);

INSERT INTO shipping_rates (country, carrier, base_cents, per_kg_cents, days)
SELECT country, carrier,
       300 + 150 * ci + (CASE WHEN country = 'DE' THEN 0 ELSE 200 END),
       80 + 20 * ((ci + ki) % 3),
       CASE WHEN country = 'DE' THEN 1 + ci % 2 ELSE 2 + (ci + ki) % 3 END
FROM unnest(ARRAY['DE','FR','NL','ES','IT','PL','SE','AT']) WITH ORDINALITY AS c(country, ki),
     unnest(ARRAY['DHL','UPS','DPD','GLS']) WITH ORDINALITY AS k(carrier, ci);
