CREATE TABLE categories (
  id          integer PRIMARY KEY,
  name        text NOT NULL UNIQUE,
  description text NOT NULL
);
CREATE TABLE products (
  sku          text PRIMARY KEY,
  name         text NOT NULL,
  description  text NOT NULL,
  price_cents  integer NOT NULL CHECK (price_cents >= 0),
  currency     text NOT NULL,
  weight_grams integer NOT NULL CHECK (weight_grams > 0),
  category_id  integer NOT NULL REFERENCES categories (id),
  active       boolean NOT NULL
);
CREATE INDEX products_category_sku ON products (category_id, sku);
