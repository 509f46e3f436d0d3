INSERT INTO customers (id, name, email, phone, birth_date, country, segment, created_at)
SELECT c,
       pg_temp.seed_customer_name(c),
       lower(pg_temp.seed_customer_first_name(c) || '.' || pg_temp.seed_customer_last_name(c)) || c || '@example.com',
       CASE WHEN c % 7 = 0 THEN NULL ELSE '+49 30 ' || lpad(((c * 7919) % 10000000)::text, 7, '0') END,
       date '1950-01-01' + ((c * 2654435761::bigint) % 18250)::int,
       pg_temp.seed_customer_country(c),
       (ARRAY['CONSUMER','CONSUMER','CONSUMER','SMALL_BUSINESS','ENTERPRISE'])[1 + (c * 13) % 5],
       timestamptz '2022-01-01 00:00:00+00' + c * interval '2 hours 7 minutes'
FROM generate_series(1, pg_temp.seed_customer_count()) AS c;
