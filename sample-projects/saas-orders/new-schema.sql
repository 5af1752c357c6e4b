-- The new schema of the saas-orders sample: an explicit tenant on every row, the name split,
-- order details as typed columns, money as integer cents, proper keys and foreign keys.
-- Loaded into the NEW database (empty) by `cutover demo`; the backfill fills it.

CREATE TABLE users (
    id          bigint      PRIMARY KEY,
    tenant_id   integer     NOT NULL,
    first_name  text        NOT NULL,
    last_name   text,                             -- NULL for single names ("Cher")
    email       text        NOT NULL,
    created_at  timestamptz NOT NULL,
    UNIQUE (tenant_id, id)                        -- target of the orders' tenant-scoped foreign key
);

CREATE TABLE orders (
    id               bigint      PRIMARY KEY,
    tenant_id        integer     NOT NULL,
    user_id          bigint      NOT NULL,
    shipping_method  text,                        -- NULL for digital goods (no shipping)
    priority         integer     CHECK (priority BETWEEN 0 AND 3),   -- 0 low, 1 normal, 2 high, 3 urgent
    total_cents      bigint      NOT NULL,
    created_at       timestamptz NOT NULL,
    -- an order belongs to a user of the same tenant
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
);
CREATE INDEX orders_tenant_created_idx ON orders (tenant_id, created_at DESC, id DESC);
CREATE INDEX orders_tenant_user_idx ON orders (tenant_id, user_id);
