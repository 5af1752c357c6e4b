-- The legacy schema of the saas-orders sample: a 4-year-old multi-tenant SaaS.
-- The tenant lives only in users.company_id (a column never meant for it); orders reach
-- it through user_id. Order details sit in a jsonb blob, money in a double precision.
-- Loaded into the OLD database by `cutover demo` / `cutover demo-data`.

CREATE TABLE users (
    id          bigint      PRIMARY KEY,
    name        text        NOT NULL,            -- "First Last", free text from a sign-up form
    email       text        NOT NULL,
    company_id  integer     NOT NULL,            -- the tenant, in all but name
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX users_company_id_idx ON users (company_id, id);  -- the tenant pages: its users' ids from the index alone

CREATE TABLE orders (
    id            bigint           PRIMARY KEY,
    user_id       bigint           NOT NULL REFERENCES users (id),
    metadata      jsonb            NOT NULL DEFAULT '{}',   -- {"shipping_method": "...", "priority": 2}
    total_amount  double precision NOT NULL,                -- dollars, as a float
    created_at    timestamptz      NOT NULL DEFAULT now()
);
CREATE INDEX orders_user_id_created_idx ON orders (user_id, created_at DESC, id DESC);

-- Legacy views that paper over the schema (reports and an admin screen still use them).

-- Orders with their tenant: every tenant-scoped query of the old application goes through this join.
CREATE VIEW tenant_orders AS
SELECT o.id, u.company_id AS tenant_id, o.user_id, o.metadata, o.total_amount, o.created_at
FROM orders o JOIN users u ON u.id = o.user_id;

-- The jsonb blob unpacked as text, the way the reporting tool reads it.
CREATE VIEW order_details AS
SELECT id, user_id,
       metadata ->> 'shipping_method' AS shipping_method,
       metadata ->> 'priority'        AS priority,
       total_amount
FROM orders;

-- Revenue per tenant and day (floats summed: the reason finance asked for integer cents).
CREATE VIEW tenant_daily_revenue AS
SELECT u.company_id AS tenant_id, date_trunc('day', o.created_at) AS day,
       count(*) AS orders, sum(o.total_amount) AS revenue
FROM orders o JOIN users u ON u.id = o.user_id
GROUP BY 1, 2;
