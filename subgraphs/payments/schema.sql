CREATE TABLE payments (
  id           integer PRIMARY KEY,
  order_id     integer NOT NULL,
  amount_cents integer NOT NULL,
  currency     text NOT NULL,
  method       text NOT NULL CHECK (method IN ('CARD', 'INVOICE', 'WALLET')),
  status       text NOT NULL CHECK (status IN ('AUTHORIZED', 'CAPTURED', 'REFUNDED', 'FAILED')),
  card_brand   text,
  card_last4   text,
  card_holder  text,
  paid_at      timestamptz
);
CREATE INDEX payments_order_id ON payments (order_id, id);
CREATE INDEX payments_status_id ON payments (status, id);
