CREATE TABLE customers (
  id         integer PRIMARY KEY,
  name       text NOT NULL,
  email      text NOT NULL UNIQUE,
  phone      text,
  birth_date date,
  country    text NOT NULL,
  segment    text NOT NULL CHECK (segment IN ('CONSUMER', 'SMALL_BUSINESS', 'ENTERPRISE')),
  created_at timestamptz NOT NULL
);
-- Keyset pages filtered by country or segment.
CREATE INDEX customers_country_id ON customers (country, id);
CREATE INDEX customers_segment_id ON customers (segment, id);
