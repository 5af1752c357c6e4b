package dev.cutover.capture;

import dev.cutover.pg.Db;
import dev.cutover.pg.DbException;
import dev.cutover.pg.Sql;
import dev.cutover.plan.Plan;
import dev.cutover.plan.SqlNames;
import dev.cutover.plan.TableMapping;
import dev.cutover.plan.TableRef;
import dev.cutover.sql.Direction;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The publication and the logical replication slot of one plan on the old database (docs/sync.md,
 * "Names"): both are named {@code cutover_<plan>}, the plan's name lower-cased with every character
 * outside {@code [a-z0-9_]} turned into {@code _}; when that changed the name or it is longer than
 * 40 characters, the first 8 hex digits of the SHA-256 of the plan's name follow ({@code
 * cutover_<plan>_<hash>}, at most 57 characters), so two plans never share a slot.
 */
public final class SyncSlot {
    private final Db oldDb; // the database streamed from: the old one forward, the new one in reverse
    private final Plan plan;
    private final String name;
    private final Direction direction;

    public SyncSlot(Db oldDb, Plan plan) {
        this(oldDb, plan, Direction.FORWARD);
    }

    /**
     * The slot and publication of {@code direction} on {@code db}: forward on the old database over
     * the plan's source tables, named {@link #nameFor}; reverse on the new database over its target
     * tables, the same name with {@code _rev} (slot names are unique per server, and old and new may
     * share one).
     */
    public SyncSlot(Db db, Plan plan, Direction direction) {
        this.oldDb = db;
        this.plan = plan;
        this.direction = direction;
        this.name = nameFor(plan.name()) + (direction == Direction.REVERSE ? "_rev" : "");
    }

    /** The table this slot publishes for a plan table: its source forward, its target in reverse. */
    private TableRef published(TableMapping m) {
        return direction == Direction.FORWARD ? m.source() : m.target();
    }

    private List<String> keyOf(TableMapping m) {
        return direction == Direction.FORWARD ? m.key() : m.targetKey();
    }

    /** The slot's and the publication's name for a plan named {@code plan}. */
    public static String nameFor(String plan) {
        String clean = plan.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        if (clean.equals(plan) && clean.length() <= 40) {
            return "cutover_" + clean;
        }
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(plan.getBytes(StandardCharsets.UTF_8));
            return "cutover_" + clean.substring(0, Math.min(40, clean.length())) + "_" + HexFormat.of().formatHex(h, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The slot name (also the publication's). */
    public String slot() {
        return name;
    }

    public String publication() {
        return name;
    }

    /** What {@link #ensure} found or made. */
    public record Ensured(boolean publicationCreated, List<String> tablesAdded, boolean slotCreated, String consistentLsn) {
    }

    /**
     * Creates the publication over the plan's source tables where missing (adds the source tables
     * an existing one lacks), then the slot with {@code pgoutput} where missing. A new slot's
     * consistent point is fixed when this returns: every transaction that commits after it is in the
     * slot's stream, every one before it is visible to any read that starts after this returns (the
     * backfill's, with {@code --with-sync}).
     */
    public Ensured ensure() {
        try (Connection c = oldDb.connect()) {
            c.setAutoCommit(true);
            List<String> problems = identityProblems(c);
            if (!problems.isEmpty()) {
                throw new DbException("sync " + name + ": " + problems.get(0)
                        + (problems.size() > 1 ? " (and " + (problems.size() - 1) + " more table(s); 'cutover plan check --sync' lists them)" : ""));
            }
            boolean pubCreated = false;
            List<String> added = new java.util.ArrayList<>();
            Set<TableRef> have = publishedTables(c);
            if (have == null) {
                try (Statement s = c.createStatement()) {
                    s.execute("CREATE PUBLICATION " + SqlNames.quote(name) + " FOR TABLE " + String.join(", ", sourceTables()));
                }
                pubCreated = true;
            } else {
                for (TableMapping m : plan.tables()) {
                    if (!have.contains(published(m))) {
                        try (Statement s = c.createStatement()) {
                            s.execute("ALTER PUBLICATION " + SqlNames.quote(name) + " ADD TABLE " + SqlNames.quote(published(m)));
                        }
                        added.add(published(m).toString());
                    }
                }
            }
            String lsn = null;
            boolean slotCreated = false;
            if (!slotExists(c)) {
                try (PreparedStatement ps = c.prepareStatement("SELECT lsn::text FROM pg_create_logical_replication_slot(?, 'pgoutput')")) {
                    ps.setString(1, name);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        lsn = rs.getString(1);
                    }
                }
                slotCreated = true;
            }
            return new Ensured(pubCreated, added, slotCreated, lsn);
        } catch (SQLException e) {
            throw new DbException("cannot set up change capture on the " + oldDb.role() + " (publication and slot " + name + "): "
                    + Sql.message(e) + hint(e), e);
        }
    }

    /**
     * One line per source table whose replica identity does not name the plan's key: a delete (or
     * an update that changes the key) would then reach sync without the key of its row, and once a
     * publication covers such a table PostgreSQL refuses the application's UPDATE and DELETE on it
     * when it has no identity at all. Each line says the fix.
     */
    public List<String> identityProblems(Connection c) throws SQLException {
        List<String> out = new java.util.ArrayList<>();
        for (TableMapping m : plan.tables()) {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT c.relreplident::text,
                           coalesce((SELECT array_agg(a.attname::text)
                                       FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
                                      WHERE i.indrelid = c.oid
                                        AND ((c.relreplident = 'd' AND i.indisprimary) OR (c.relreplident = 'i' AND i.indisreplident))),
                                    '{}')
                      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                     WHERE n.nspname = ? AND c.relname = ?""")) {
                ps.setString(1, published(m).schema());
                ps.setString(2, published(m).table());
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        continue; // a missing table is reported by the run's own table check
                    }
                    String ident = rs.getString(1);
                    List<String> cols = List.of((String[]) rs.getArray(2).getArray());
                    if ("f".equals(ident)) {
                        continue;
                    }
                    List<String> missing = keyOf(m).stream().filter(k -> !cols.contains(k)).toList();
                    if (!missing.isEmpty()) {
                        out.add("the replica identity of " + published(m) + " (" + describe(ident, cols) + ") does not include the plan's key column(s) "
                                + String.join(", ", missing) + ", so a delete would not name its row; fix: ALTER TABLE "
                                + SqlNames.quote(published(m)) + " REPLICA IDENTITY FULL (or a primary key on the plan's key)");
                    }
                }
            }
        }
        return out;
    }

    private static String describe(String ident, List<String> cols) {
        return switch (ident) {
            case "n" -> "NOTHING";
            case "d" -> cols.isEmpty() ? "DEFAULT, and no primary key" : "the primary key " + String.join(", ", cols);
            case "i" -> "USING INDEX on " + String.join(", ", cols);
            default -> ident;
        };
    }

    private static String hint(SQLException e) {
        String state = Sql.state(e);
        return switch (state) {
            case "55000" -> " (logical decoding needs wal_level = logical on the old database's server, which takes a restart;"
                    + " run 'cutover plan check --sync' for every prerequisite)";
            case "53400" -> " (no free replication slot: raise max_replication_slots, or drop an abandoned slot, docs/troubleshooting.md)";
            case "42501" -> " (the old database's user needs the REPLICATION attribute, or rds_replication on RDS, and to own the"
                    + " source tables to publish them)";
            default -> "";
        };
    }

    private List<String> sourceTables() {
        return plan.tables().stream().map(m -> SqlNames.quote(published(m))).distinct().toList();
    }

    /** The publication's tables, or null when there is no such publication. */
    private Set<TableRef> publishedTables(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_publication WHERE pubname = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
            }
        }
        Set<TableRef> out = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT schemaname, tablename FROM pg_publication_tables WHERE pubname = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new TableRef(rs.getString(1), rs.getString(2)));
                }
            }
        }
        return out;
    }

    private boolean slotExists(Connection c) throws SQLException {
        return slotInfo(c) != null;
    }

    /** The slot as {@code pg_replication_slots} shows it now. */
    public record Info(boolean active, Integer activePid, String confirmedFlushLsn, long lagBytes, long retainedBytes) {
    }

    /** The slot now, or null when it does not exist. */
    public Info info() {
        try (Connection c = oldDb.connect()) {
            return slotInfo(c);
        } catch (SQLException e) {
            throw new DbException("cannot read the replication slot " + name + " on the " + oldDb.role() + ": " + Sql.message(e), e);
        }
    }

    /** The same over an open connection to the old database. */
    public Info slotInfo(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT active, active_pid, confirmed_flush_lsn::text,"
                + " coalesce(pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn), 0)::bigint,"
                + " coalesce(pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn), 0)::bigint"
                + " FROM pg_replication_slots WHERE slot_name = ? AND database = current_database()")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                int pid = rs.getInt(2);
                Integer activePid = rs.wasNull() ? null : pid;
                return new Info(rs.getBoolean(1), activePid, rs.getString(3), Math.max(0, rs.getLong(4)), Math.max(0, rs.getLong(5)));
            }
        }
    }

    /**
     * {@link #drop} once the slot is no longer streamed from: a sync run that just ended leaves its
     * walsender for a moment. Waits up to {@code timeoutMillis}, then drops (and is refused while
     * still active).
     */
    public Dropped dropWhenReleased(long timeoutMillis) throws InterruptedException {
        awaitReleased(timeoutMillis);
        return drop();
    }

    /** Waits up to {@code timeoutMillis} until no process streams from the slot (or it is gone); true when none does. */
    public boolean awaitReleased(long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (true) {
            Info i = info();
            if (i == null || !i.active()) {
                return true;
            }
            if (System.nanoTime() >= deadline) {
                return false;
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }

    /** What {@link #drop} removed. */
    public record Dropped(boolean slot, boolean publication) {
    }

    /**
     * Drops the slot and the publication; refuses (one line, nothing dropped) while a sync process
     * streams from the slot.
     */
    public Dropped drop() {
        try (Connection c = oldDb.connect()) {
            c.setAutoCommit(true);
            Info i = slotInfo(c);
            if (i != null && i.active()) {
                throw new DbException("replication slot " + name + " is in use by a sync process (server process "
                        + i.activePid() + " on the " + oldDb.role() + "): stop that 'cutover sync' first, then drop");
            }
            boolean slot = false;
            if (i != null) {
                try (PreparedStatement ps = c.prepareStatement("SELECT pg_drop_replication_slot(?)")) {
                    ps.setString(1, name);
                    ps.execute();
                }
                slot = true;
            }
            boolean pub = publishedTables(c) != null;
            if (pub) {
                try (Statement s = c.createStatement()) {
                    s.execute("DROP PUBLICATION " + SqlNames.quote(name));
                }
            }
            return new Dropped(slot, pub);
        } catch (SQLException e) {
            String why = "55006".equals(Sql.state(e)) ? ": a sync process took the slot meanwhile; stop it first" : "";
            throw new DbException("cannot drop the replication slot and publication " + name + " on the " + oldDb.role() + ": "
                    + Sql.message(e) + why, e);
        }
    }
}
