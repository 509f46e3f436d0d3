-- Every order but the pending ones has a payment; a cancelled order's payment was refunded.
-- Some orders first had a failed card payment (a second row).
INSERT INTO payments (id, order_id, amount_cents, currency, method, status, card_brand, card_last4, card_holder, paid_at)
SELECT o * 2 - attempt + 1,
       o,
       pg_temp.seed_order_total_cents(o),
       'EUR',
       CASE WHEN attempt = 0 THEN 'CARD' ELSE m.method END,
       CASE WHEN attempt = 0 THEN 'FAILED'
            WHEN pg_temp.seed_order_status(o) = 'CANCELLED' THEN 'REFUNDED'
            WHEN pg_temp.seed_order_status(o) = 'PAID' THEN 'AUTHORIZED'
            ELSE 'CAPTURED' END,
       CASE WHEN attempt = 0 OR m.method = 'CARD' THEN (ARRAY['VISA','MASTERCARD','AMEX'])[1 + o % 3] END,
       CASE WHEN attempt = 0 OR m.method = 'CARD' THEN lpad(((o * 7907 + attempt) % 10000)::text, 4, '0') END,
       CASE WHEN attempt = 0 OR m.method = 'CARD' THEN upper(pg_temp.seed_customer_name(pg_temp.seed_order_customer(o))) END,
       pg_temp.seed_order_placed_at(o) + (attempt * 5 + 2) * interval '1 minute'
FROM generate_series(1, pg_temp.seed_order_count()) AS o
CROSS JOIN LATERAL (SELECT (ARRAY['CARD','CARD','INVOICE','WALLET'])[1 + o % 4] AS method) AS m
CROSS JOIN LATERAL generate_series(CASE WHEN o % 11 = 0 THEN 0 ELSE 1 END, 1) AS attempt
WHERE pg_temp.seed_order_status(o) <> 'PENDING';
