package dev.cutover.demo;

import org.postgresql.PGConnection;

import java.io.IOException;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The load generator's own record of every write the application acknowledged, kept to check
 * against at the end: each must be present, with the values written, in the new database
 * (whatever happened on the way — killed connections, a restarted Redis, a paused database).
 * Renames of one user never overlap (the workload serialises them), so the last acknowledged
 * name is the name the user must have.
 */
public final class WriteLog {
    record User(long id, int tenant, String name, String email) {
    }

    record Order(long id, int tenant, long userId, String shipping, Integer priority, long cents, OffsetDateTime createdAt) {
    }

    /** Outcome of {@link #check}: how many acknowledged rows are missing from the new database or differ there. */
    public record Check(long usersChecked, long ordersChecked, long missing, long different, String firstProblem) {
        public boolean ok() {
            return missing == 0 && different == 0;
        }

        public String line() {
            return String.format("acknowledged writes: %,d users and %,d orders checked in the new database: %,d missing, %,d different%s",
                    usersChecked, ordersChecked, missing, different, firstProblem == null ? "" : " (first: " + firstProblem + ")");
        }
    }

    private final Map<Long, User> users = new ConcurrentHashMap<>();
    private final Map<Long, Order> orders = new ConcurrentHashMap<>();

    void signedUp(long id, int tenant, String name, String email) {
        users.put(id, new User(id, tenant, name, email));
    }

    void renamed(long id, int tenant, String name) {
        users.merge(id, new User(id, tenant, name, null), (old, now) -> new User(id, tenant, name, old.email()));
    }

    void placed(Order o) {
        orders.put(o.id(), o);
    }

    public int writes() {
        return users.size() + orders.size();
    }

    /** Compares every logged write with the new database (COPY into temporary tables, then one join per table). */
    public Check check(Connection newDb) throws SQLException {
        try (Statement s = newDb.createStatement()) {
            s.execute("CREATE TEMP TABLE cutover_demo_ack_users (id bigint, tenant int, name text, email text) ON COMMIT PRESERVE ROWS;"
                    + "CREATE TEMP TABLE cutover_demo_ack_orders (id bigint, tenant int, user_id bigint, shipping text, priority int, "
                    + "cents bigint, created_at timestamptz) ON COMMIT PRESERVE ROWS");
            StringBuilder u = new StringBuilder();
            for (User x : users.values()) {
                u.append(x.id()).append('\t').append(x.tenant()).append('\t');
                DataGenerator.escape(x.name(), u);
                u.append('\t').append(x.email() == null ? "\\N" : x.email()).append('\n');
            }
            StringBuilder o = new StringBuilder();
            for (Order x : orders.values()) {
                o.append(x.id()).append('\t').append(x.tenant()).append('\t').append(x.userId()).append('\t')
                        .append(x.shipping() == null ? "\\N" : x.shipping()).append('\t')
                        .append(x.priority() == null ? "\\N" : x.priority().toString()).append('\t').append(x.cents()).append('\t')
                        .append(DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(x.createdAt())).append('\n');
            }
            var copy = newDb.unwrap(PGConnection.class).getCopyAPI();
            copy.copyIn("COPY cutover_demo_ack_users FROM STDIN", new StringReader(u.toString()));
            copy.copyIn("COPY cutover_demo_ack_orders FROM STDIN", new StringReader(o.toString()));
            String clean = "btrim(regexp_replace(a.name, '[[:space:]]+', ' ', 'g'))";
            String userDiffers = "t.tenant_id <> a.tenant OR t.first_name <> split_part(" + clean + ", ' ', 1) "
                    + "OR t.last_name IS DISTINCT FROM substring(" + clean + " from ' (.*)$') "
                    + "OR (a.email IS NOT NULL AND t.email <> a.email)";
            long[] userCheck = diff(s, "SELECT count(*) FILTER (WHERE t.id IS NULL), count(*) FILTER (WHERE t.id IS NOT NULL AND ("
                    + userDiffers + ")), min(a.id) FILTER (WHERE t.id IS NULL), min(a.id) FILTER (WHERE t.id IS NOT NULL AND ("
                    + userDiffers + ")) FROM cutover_demo_ack_users a LEFT JOIN users t ON t.id = a.id");
            String differs = "t.tenant_id <> a.tenant OR t.user_id <> a.user_id OR t.shipping_method IS DISTINCT FROM a.shipping "
                    + "OR t.priority IS DISTINCT FROM a.priority OR t.total_cents <> a.cents OR t.created_at <> a.created_at";
            long[] orderCheck = diff(s, "SELECT count(*) FILTER (WHERE t.id IS NULL), count(*) FILTER (WHERE t.id IS NOT NULL AND (" + differs
                    + ")), min(a.id) FILTER (WHERE t.id IS NULL), min(a.id) FILTER (WHERE t.id IS NOT NULL AND (" + differs + ")) "
                    + "FROM cutover_demo_ack_orders a LEFT JOIN orders t ON t.id = a.id");
            s.execute("DROP TABLE cutover_demo_ack_users; DROP TABLE cutover_demo_ack_orders");
            String first = userCheck[2] > 0 ? "user " + userCheck[2] + " missing"
                    : orderCheck[2] > 0 ? "order " + orderCheck[2] + " missing"
                    : userCheck[3] > 0 ? "user " + userCheck[3] + " different (acknowledged: " + describeUser(userCheck[3]) + ")"
                    : orderCheck[3] > 0 ? "order " + orderCheck[3] + " different" : null;
            return new Check(users.size(), orders.size(), userCheck[0] + orderCheck[0], userCheck[1] + orderCheck[1], first);
        } catch (IOException e) {
            throw new SQLException("copying the write log to the new database failed: " + e.getMessage(), e);
        }
    }

    private String describeUser(long id) {
        User u = users.get(id);
        return u == null ? "?" : "tenant " + u.tenant() + ", name " + u.name();
    }

    private static long[] diff(Statement s, String sql) throws SQLException {
        try (var rs = s.executeQuery(sql)) {
            rs.next();
            return new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)};
        }
    }
}
