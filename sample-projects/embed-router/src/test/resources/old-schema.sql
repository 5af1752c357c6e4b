CREATE TABLE orders (
  id bigint PRIMARY KEY,
  tenant_id bigint NOT NULL,
  total_amount numeric(12,2) NOT NULL
);
