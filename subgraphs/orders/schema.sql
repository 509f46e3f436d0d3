CREATE TABLE orders (
  id          integer PRIMARY KEY,
  customer_id integer NOT NULL,
  status      text NOT NULL CHECK (status IN ('PENDING', 'PAID', 'SHIPPED', 'DELIVERED', 'CANCELLED')),
  placed_at   timestamptz NOT NULL,
  currency    text NOT NULL
);
CREATE INDEX orders_customer_id ON orders (customer_id, id);
CREATE INDEX orders_status_id ON orders (status, id);

-- An order line keeps the product's name as it was when the order was placed; this is what
-- lets the orders subgraph @provide Product.name without a call to the catalog.
CREATE TABLE order_lines (
  order_id         integer NOT NULL REFERENCES orders (id),
  line_number      integer NOT NULL,
  sku              text NOT NULL,
  product_name     text NOT NULL,
  quantity         integer NOT NULL CHECK (quantity > 0),
  unit_price_cents integer NOT NULL,
  PRIMARY KEY (order_id, line_number)
);
CREATE INDEX order_lines_sku ON order_lines (sku);
