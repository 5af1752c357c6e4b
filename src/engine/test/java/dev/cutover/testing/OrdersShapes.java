package dev.cutover.testing;

/**
 * The orders table in its old and new shape (dollars to cents, a jsonb field to a column) and the
 * plan between them, with its reverse: the router's tests and the sync benchmark run on the same
 * pair, written once here.
 */
public final class OrdersShapes {
    /** The old shape: {@code total_amount numeric(12,2)}, {@code metadata jsonb} holding the shipping method. */
    public static final String OLD_SCHEMA = """
            CREATE TABLE orders (
              id bigint PRIMARY KEY,
              tenant_id bigint NOT NULL,
              total_amount numeric(12,2) NOT NULL,
              metadata jsonb NOT NULL DEFAULT '{}',
              created_at timestamptz NOT NULL DEFAULT now()
            );""";
    /** The new shape: {@code total_cents bigint}, {@code shipping_method text}. */
    public static final String NEW_SCHEMA = """
            CREATE TABLE orders (
              id bigint PRIMARY KEY,
              tenant_id bigint NOT NULL,
              total_cents bigint NOT NULL,
              shipping_method text,
              created_at timestamptz NOT NULL
            );""";
    /** The plan old → new and back; {@code %s} is the migration's name. */
    public static final String PLAN = """
            {"version": 1, "name": "%s", "tables": [{
              "source": {"schema": "public", "table": "orders"},
              "target": {"schema": "public", "table": "orders"},
              "key": ["id"],
              "columns": [
                {"target": "id", "expr": "id"},
                {"target": "tenant_id", "expr": "tenant_id"},
                {"target": "total_cents", "expr": "round(total_amount * 100)::bigint"},
                {"target": "shipping_method", "expr": "metadata->>'shipping_method'"},
                {"target": "created_at", "expr": "created_at"}
              ],
              "dropped": [],
              "reverse": [
                {"target": "total_amount", "expr": "total_cents / 100.0"},
                {"target": "metadata", "expr": "jsonb_build_object('shipping_method', shipping_method)"}
              ]}]}""";

    private OrdersShapes() {
    }
}
