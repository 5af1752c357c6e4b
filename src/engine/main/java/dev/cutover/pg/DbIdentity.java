package dev.cutover.pg;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Which database a connection reached, independent of the host and port it was reached by:
 * the cluster's {@code system_identifier} ({@code pg_control_system()}, set once by initdb), the
 * database's name and its oid. Two URLs naming the same database through different hosts,
 * proxies or ports give the same identity; two databases with the same name on two clusters, or
 * two databases of one cluster, give different ones.
 *
 * <p>{@code pg_control_system()} is executable by every role by default; where a provider revoked
 * it, {@code systemIdentifier} is empty and the identity falls back to the database's name and
 * oid only, which another cluster can share ({@link #clusterKnown()} says so, and so does
 * {@link #describe()}). A physical copy of a cluster (pg_basebackup, a replica, a snapshot)
 * keeps the system identifier and the oids: it is the same database for this purpose.
 */
public record DbIdentity(String systemIdentifier, String database, long oid) {
    private static final String QUERY = "SELECT current_database(), (SELECT oid FROM pg_database WHERE datname = current_database())";

    public DbIdentity {
        systemIdentifier = systemIdentifier == null ? "" : systemIdentifier;
        database = database == null ? "" : database;
    }

    /** Connects once and reads the identity. */
    public static DbIdentity of(Db db) {
        try (Connection c = db.connect()) {
            return of(c);
        } catch (SQLException e) {
            throw new DbException("cannot identify the " + db.role() + " at " + db.safeUrl() + ": " + Sql.message(e), e);
        }
    }

    /** The identity of the database {@code c} (in auto-commit mode) is connected to. */
    public static DbIdentity of(Connection c) throws SQLException {
        String name;
        long oid;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(QUERY)) {
            rs.next();
            name = rs.getString(1);
            oid = rs.getLong(2);
        }
        String system = "";
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT system_identifier::text FROM pg_control_system()")) {
            if (rs.next() && rs.getString(1) != null) {
                system = rs.getString(1);
            }
        } catch (SQLException e) {
            // 42501 insufficient_privilege where a provider revoked it: name and oid only, and describe() says so
            if (!"42501".equals(e.getSQLState())) {
                throw e;
            }
        }
        return new DbIdentity(system, name, oid);
    }

    /** Whether the cluster is known ({@code pg_control_system()} was readable). */
    public boolean clusterKnown() {
        return !systemIdentifier.isEmpty();
    }

    /**
     * Whether {@code other} is the same database: same name and oid, and the same cluster when
     * both know theirs (when either does not, only name and oid are compared).
     */
    public boolean sameAs(DbIdentity other) {
        return other != null && database.equals(other.database) && oid == other.oid
                && (!clusterKnown() || !other.clusterKnown() || systemIdentifier.equals(other.systemIdentifier));
    }

    /** {@code database "shop_old" (oid 16384) of cluster 7716527231152691327}. */
    public String describe() {
        return "database \"" + database + "\" (oid " + oid + ") of "
                + (clusterKnown() ? "cluster " + systemIdentifier : "an unidentified cluster (pg_control_system() not permitted)");
    }

    /** One field for storage: {@code <system identifier>/<oid>/<database>} (system identifier empty when unknown). */
    public String wire() {
        return systemIdentifier + "/" + oid + "/" + database;
    }

    /** Parses {@link #wire()}; null for null, empty or malformed text. */
    public static DbIdentity fromWire(String s) {
        if (s == null || s.isEmpty()) {
            return null;
        }
        String[] p = s.split("/", 3);
        if (p.length < 3) {
            return null;
        }
        try {
            return new DbIdentity(p[0], p[2], Long.parseLong(p[1]));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
