CREATE TABLE orders (
  id bigint PRIMARY KEY,
  tenant_id bigint NOT NULL,
  total_cents bigint NOT NULL
);
