package dev.cutover.demo;

import dev.cutover.route.ReadOp;
import dev.cutover.route.Router;
import dev.cutover.route.WriteOp;

import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

/**
 * The sample SaaS application: its five operations, each written once with the old schema's SQL
 * and once with the new schema's, run through the {@link Router} (which picks the side, mirrors
 * writes and shadows reads as the migration's phase says) — or, for change capture, with plain
 * JDBC on the one database the application writes to ({@link DirectSides}). Reads return rows of the same shape
 * and values from either side — the old-side SQL applies plan.json's transforms — so shadow
 * reads compare equal and the caller can't tell which database answered.
 *
 * <p>Every write passes the same parameters to both statements (the router mirrors them); a
 * statement that needs a parameter twice reads it from a {@code VALUES} row, since JDBC
 * placeholders can't be repeated.
 */
public final class SaasApp {
    /** plan.json's name cleaning and split, applied by the new-side writes to the name parameter. */
    static final String CLEAN = "btrim(regexp_replace(p.name, '[[:space:]]+', ' ', 'g'))";
    static final String FIRST = "split_part(" + CLEAN + ", ' ', 1)";
    static final String LAST = "substring(" + CLEAN + " from ' (.*)$')";
    /** plan.json's priority mapping, for old-side reads. */
    static final String PRIORITY = "CASE WHEN o.metadata->>'priority' ~ '^[0-9]{1,9}$' THEN (o.metadata->>'priority')::int "
            + "ELSE CASE lower(o.metadata->>'priority') WHEN 'low' THEN 0 WHEN 'normal' THEN 1 WHEN 'high' THEN 2 "
            + "WHEN 'urgent' THEN 3 END END";
    static final String CENTS = "round(o.total_amount::numeric * 100)::bigint";

    static final WriteOp SIGN_UP = WriteOp.named("sign_up").table("users").keyParams(1)
            .oldSql("INSERT INTO users (id, name, email, company_id, created_at) VALUES (?, ?, ?, ?, ?)")
            .newSql("INSERT INTO users (id, tenant_id, first_name, last_name, email, created_at) "
                    + "SELECT p.id, p.tenant, " + FIRST + ", " + LAST + ", p.email, p.created_at "
                    + "FROM (VALUES (?::bigint, ?::text, ?::text, ?::int, ?::timestamptz)) AS p (id, name, email, tenant, created_at)");

    static final WriteOp RENAME_USER = WriteOp.named("rename_user").table("users").keyParams(1)
            .oldSql("UPDATE users SET name = p.name FROM (VALUES (?::bigint, ?::text, ?::int)) AS p (id, name, tenant) "
                    + "WHERE users.id = p.id AND users.company_id = p.tenant")
            .newSql("UPDATE users SET first_name = " + FIRST + ", last_name = " + LAST
                    + " FROM (VALUES (?::bigint, ?::text, ?::int)) AS p (id, name, tenant) WHERE users.id = p.id AND users.tenant_id = p.tenant");

    static final WriteOp PLACE_ORDER = WriteOp.named("place_order").table("orders").keyParams(1)
            .oldSql("INSERT INTO orders (id, user_id, metadata, total_amount, created_at) "
                    + "SELECT p.id, p.user_id, jsonb_strip_nulls(jsonb_build_object('shipping_method', p.shipping, 'priority', p.priority)), "
                    + "p.cents / 100.0, p.created_at "
                    + "FROM (VALUES (?::bigint, ?::int, ?::bigint, ?::text, ?::int, ?::bigint, ?::timestamptz)) "
                    + "AS p (id, tenant, user_id, shipping, priority, cents, created_at)")
            .newSql("INSERT INTO orders (id, tenant_id, user_id, shipping_method, priority, total_cents, created_at) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?)");

    static final ReadOp<Map<String, Object>> LIST_TENANT_ORDERS = ReadOp.named("list_tenant_orders")
            .oldSql("SELECT o.id, o.user_id, o.metadata->>'shipping_method' AS shipping_method, " + PRIORITY + " AS priority, "
                    + CENTS + " AS total_cents, o.created_at FROM orders o "
                    + "WHERE o.user_id IN (SELECT u.id FROM users u WHERE u.company_id = ?) ORDER BY o.created_at DESC, o.id DESC LIMIT 10")
            .newSql("SELECT o.id, o.user_id, o.shipping_method, o.priority, o.total_cents, o.created_at FROM orders o "
                    + "WHERE o.tenant_id = ? ORDER BY o.created_at DESC, o.id DESC LIMIT 10");

    static final ReadOp<Map<String, Object>> ORDER_DETAIL = ReadOp.named("order_detail")
            .oldSql("SELECT o.id, u.company_id AS tenant_id, o.user_id, btrim(regexp_replace(u.name, '[[:space:]]+', ' ', 'g')) AS user_name, "
                    + "o.metadata->>'shipping_method' AS shipping_method, " + PRIORITY + " AS priority, " + CENTS + " AS total_cents, "
                    + "o.created_at FROM orders o JOIN users u ON u.id = o.user_id WHERE o.id = ? AND u.company_id = ?")
            .newSql("SELECT o.id, o.tenant_id, o.user_id, concat_ws(' ', u.first_name, u.last_name) AS user_name, "
                    + "o.shipping_method, o.priority, o.total_cents, o.created_at "
                    + "FROM orders o JOIN users u ON u.id = o.user_id WHERE o.id = ? AND o.tenant_id = ?");

    static final ReadOp<Map<String, Object>> USER_PROFILE = ReadOp.named("user_profile")
            .oldSql("SELECT id, company_id AS tenant_id, btrim(regexp_replace(name, '[[:space:]]+', ' ', 'g')) AS name, email, created_at "
                    + "FROM users WHERE id = ? AND company_id = ?")
            .newSql("SELECT id, tenant_id, concat_ws(' ', first_name, last_name) AS name, email, created_at "
                    + "FROM users WHERE id = ? AND tenant_id = ?");

    /**
     * Where the operations run: through the {@link Router} ({@link #through}), or with plain JDBC
     * on one database the application picks itself ({@link DirectSides}, the change-capture proof).
     */
    public interface Runner {
        /** Runs the write; the rows it changed. */
        long write(WriteOp op, int tenant, Object... params) throws SQLException;

        <T> List<T> read(ReadOp<T> op, int tenant, Object... params) throws SQLException;
    }

    /** The operations run through the router (tenant as routing key). */
    public static Runner through(Router router) {
        return new Runner() {
            @Override
            public long write(WriteOp op, int tenant, Object... params) throws SQLException {
                return router.write(op, tenant, params).affected();
            }

            @Override
            public <T> List<T> read(ReadOp<T> op, int tenant, Object... params) throws SQLException {
                return router.read(op, tenant, params);
            }
        };
    }

    private final Runner runner;

    public SaasApp(Router router) {
        this(through(router));
    }

    public SaasApp(Runner runner) {
        this.runner = runner;
    }

    /** A timestamp both databases store identically (microseconds, UTC). */
    public static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
    }

    public void signUp(long id, int tenant, String name, String email, OffsetDateTime createdAt) throws SQLException {
        expectOne(runner.write(SIGN_UP, tenant, id, name, email, tenant, createdAt), "sign_up", id);
    }

    /** Renames a user of the tenant; false when the tenant has no such user. */
    public boolean renameUser(long id, int tenant, String name) throws SQLException {
        return runner.write(RENAME_USER, tenant, id, name, tenant) == 1;
    }

    public void placeOrder(long id, int tenant, long userId, String shipping, Integer priority, long cents, OffsetDateTime createdAt)
            throws SQLException {
        expectOne(runner.write(PLACE_ORDER, tenant, id, tenant, userId, shipping, priority, cents, createdAt), "place_order", id);
    }

    /** The tenant's ten most recent orders. */
    public List<Map<String, Object>> listTenantOrders(int tenant) throws SQLException {
        return runner.read(LIST_TENANT_ORDERS, tenant, tenant);
    }

    /** One order of the tenant with its user's name; empty when the tenant has no such order. */
    public List<Map<String, Object>> orderDetail(int tenant, long orderId) throws SQLException {
        return runner.read(ORDER_DETAIL, tenant, orderId, tenant);
    }

    public List<Map<String, Object>> userProfile(int tenant, long userId) throws SQLException {
        return runner.read(USER_PROFILE, tenant, userId, tenant);
    }

    private static void expectOne(long affected, String op, long id) throws SQLException {
        if (affected != 1) {
            throw new SQLException(op + " " + id + " changed " + affected + " rows, expected 1");
        }
    }
}
