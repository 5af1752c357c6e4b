package dev.cutover.capture;

import dev.cutover.pg.Db;
import dev.cutover.pg.DbException;
import dev.cutover.pg.Sql;
import dev.cutover.plan.Plan;
import dev.cutover.plan.SqlNames;
import dev.cutover.plan.TableMapping;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * What sync needs from the old database's server, checked up front in a read-only session
 * ({@code cutover plan check --sync}; docs/sync.md, "Prerequisites"): each item met or not, with
 * its fix, including what the managed services call the setting.
 */
public final class SyncPrerequisites {
    private SyncPrerequisites() {
    }

    /** One prerequisite: {@code what} it is, whether it is met, what was found, and the fix when not. */
    public record Item(String what, boolean ok, String found, String fix) {
    }

    /**
     * Why change capture cannot stream from {@code db}'s server, one line ("… has wal_level = replica; …
     * a server restart …"), or null when its wal_level is logical. Throws {@link DbException} when it cannot be read.
     */
    public static String walLevelProblem(Db db) {
        try (Connection c = db.connectReadOnly()) {
            String wal = one(c, "SELECT current_setting('wal_level')");
            return "logical".equals(wal) ? null : "the " + db.role() + "'s server has wal_level = " + wal
                    + "; change capture needs wal_level = logical, set with ALTER SYSTEM SET wal_level = logical and a server"
                    + " restart (a reload is not enough; 'cutover plan check --sync' lists every prerequisite)";
        } catch (SQLException e) {
            throw new DbException("cannot read wal_level on the " + db.role() + ": " + Sql.message(e), e);
        }
    }

    public static List<Item> check(Db oldDb, Plan plan) {
        SyncSlot slot = new SyncSlot(oldDb, plan);
        List<Item> out = new ArrayList<>();
        try (Connection c = oldDb.connectReadOnly()) {
            String wal = one(c, "SELECT current_setting('wal_level')");
            out.add(new Item("wal_level = logical", "logical".equals(wal), "wal_level = " + wal,
                    "ALTER SYSTEM SET wal_level = logical and RESTART the server (a reload is not enough); Amazon RDS/Aurora: "
                            + "rds.logical_replication = 1 in the parameter group, then reboot; Google Cloud SQL: the flag "
                            + "cloudsql.logical_decoding = on; Azure Database for PostgreSQL: server parameter wal_level = logical"));
            boolean slotThere = slot.slotInfo(c) != null;
            long slots = Long.parseLong(one(c, "SELECT current_setting('max_replication_slots')::int - (SELECT count(*) FROM pg_replication_slots)"));
            out.add(new Item("a free replication slot", slotThere || slots > 0,
                    slotThere ? "slot " + slot.slot() + " exists" : slots + " free (max_replication_slots minus the slots there)",
                    "raise max_replication_slots (a restart), or drop an abandoned slot (docs/troubleshooting.md, \"An abandoned replication slot\")"));
            long senders = Long.parseLong(one(c, "SELECT current_setting('max_wal_senders')::int"
                    + " - (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'walsender')"));
            out.add(new Item("a free WAL sender", senders > 0, senders + " free (max_wal_senders minus the WAL senders running)",
                    "raise max_wal_senders (a restart)"));
            String role = one(c, "SELECT current_user");
            boolean repl = Boolean.parseBoolean(one(c, "SELECT (rolreplication OR rolsuper)::text FROM pg_roles WHERE rolname = current_user"))
                    || Boolean.parseBoolean(one(c, "SELECT coalesce((SELECT pg_has_role(current_user, oid, 'MEMBER') FROM pg_roles"
                    + " WHERE rolname = 'rds_replication'), false)::text"));
            out.add(new Item("the REPLICATION attribute", repl, "user " + role + (repl ? " may stream changes" : " may not stream changes"),
                    "ALTER ROLE " + SqlNames.quote(role) + " REPLICATION; Amazon RDS/Aurora: GRANT rds_replication TO "
                            + SqlNames.quote(role) + "; Cloud SQL: ALTER USER ... WITH REPLICATION as cloudsqlsuperuser"));
            List<String> notOwned = new ArrayList<>();
            for (TableMapping m : plan.tables()) {
                try (PreparedStatement ps = c.prepareStatement("SELECT pg_has_role(current_user, c.relowner, 'USAGE') FROM pg_class c"
                        + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relname = ?")) {
                    ps.setString(1, m.source().schema());
                    ps.setString(2, m.source().table());
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next() && !rs.getBoolean(1)) {
                            notOwned.add(m.source().toString());
                        }
                    }
                }
            }
            out.add(new Item("owns the source tables (to publish them)", notOwned.isEmpty(),
                    notOwned.isEmpty() ? "user " + role + " owns every source table" : "not owned by " + role + ": " + String.join(", ", notOwned),
                    "run sync as the tables' owner, or have the owner run CREATE PUBLICATION " + slot.publication()
                            + " FOR TABLE ... once (docs/sync.md, \"Names\")"));
            List<String> identity = slot.identityProblems(c);
            out.add(new Item("a replica identity with the plan's key on each source table", identity.isEmpty(),
                    identity.isEmpty() ? "every source table" : String.join("; ", identity),
                    "ALTER TABLE ... REPLICA IDENTITY FULL, or a primary key on the plan's key (each table above names its own)"));
        } catch (SQLException e) {
            throw new DbException("cannot check the sync prerequisites on the " + oldDb.role() + ": " + Sql.message(e), e);
        }
        return out;
    }

    private static String one(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getString(1);
        }
    }
}
