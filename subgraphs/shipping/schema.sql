CREATE TABLE shipments (
  id              integer PRIMARY KEY,
  order_id        integer NOT NULL,
  carrier         text NOT NULL,
  tracking_number text NOT NULL UNIQUE,
  status          text NOT NULL CHECK (status IN ('IN_TRANSIT', 'DELIVERED')),
  recipient       text NOT NULL,
  street          text NOT NULL,
  postal_code     text NOT NULL,
  city            text NOT NULL,
  country         text NOT NULL,
  shipped_at      timestamptz NOT NULL,
  delivered_at    timestamptz
);
CREATE INDEX shipments_order_id ON shipments (order_id, id);
CREATE INDEX shipments_status_id ON shipments (status, id);

-- Which order lines travel in which shipment; (order_id, line_number) is the orders domain's
-- compound key of OrderLine.
CREATE TABLE shipment_items (
  shipment_id integer NOT NULL REFERENCES shipments (id),
  order_id    integer NOT NULL,
  line_number integer NOT NULL,
  PRIMARY KEY (shipment_id, order_id, line_number)
);

CREATE TABLE shipping_rates (
  country      text NOT NULL,
  carrier      text NOT NULL,
  base_cents   integer NOT NULL,
  per_kg_cents integer NOT NULL,
  days         integer NOT NULL,
  PRIMARY KEY (country, carrier)
);
