package dev.cutover.control;

import dev.cutover.pg.Db;
import dev.cutover.pg.DbException;
import dev.cutover.pg.Sql;
import dev.cutover.sql.ChunkSql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

/**
 * A witness of a migration's control state outside Redis, that every machine given the new
 * database can read: one row per migration in {@code cutover.control_witness} of the new
 * database (beside the work ledger), holding the state's {@code created_at}, its last version,
 * phase, write target, read percent, sample rate and routing salt. It is written after every
 * change, so a Redis that lost the state (flushed, restarted without persistence, restored from
 * an older snapshot) is noticed by any machine — not only by one that saw the state before — and
 * the restore can put back exactly the last state, salt included.
 *
 * <p>The routing salt is stored as is: it is not a secret (the routers' Redis user reads it, and
 * it only decides which tenants read from which side; knowing it predicts that split, nothing
 * more), and a restore needs it to keep every tenant on its side. The row is readable only by
 * roles with USAGE on schema {@code cutover} (docs/security.md).
 */
public final class ControlWitness {
    /** The row of a migration: the state, its creation time (epoch ms) and when the row was last written. */
    public record Entry(ControlState state, long createdAt, long updatedAt) {
    }

    static final String TABLE = "cutover.control_witness";
    static final String DDL = "SELECT pg_advisory_xact_lock(hashtext('cutover.control_witness'));\n" + ChunkSql.ENSURE_SCHEMA + """
            CREATE TABLE IF NOT EXISTS cutover.control_witness (
              migration text PRIMARY KEY,
              created_at bigint NOT NULL,
              version bigint NOT NULL,
              phase text NOT NULL,
              write_target text NOT NULL,
              read_percent int NOT NULL,
              shadow_sample_rate double precision NOT NULL,
              routing_salt text NOT NULL,
              updated_at bigint NOT NULL
            )""";
    private static final String READ = "SELECT created_at, version, phase, write_target, read_percent, shadow_sample_rate,"
            + " routing_salt, updated_at FROM cutover.control_witness WHERE migration = ?";
    /** Only forward: a newer version of the same state (same created_at), or a restore (replace = true) of a newer version. */
    private static final String UPSERT = "INSERT INTO cutover.control_witness AS w (migration, created_at, version, phase, write_target,"
            + " read_percent, shadow_sample_rate, routing_salt, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT (migration) DO UPDATE SET created_at = EXCLUDED.created_at, version = EXCLUDED.version,"
            + " phase = EXCLUDED.phase, write_target = EXCLUDED.write_target, read_percent = EXCLUDED.read_percent,"
            + " shadow_sample_rate = EXCLUDED.shadow_sample_rate, routing_salt = EXCLUDED.routing_salt, updated_at = EXCLUDED.updated_at"
            + " WHERE w.version < EXCLUDED.version AND (w.created_at = EXCLUDED.created_at OR ?)";

    private final Db newDb;
    private final String migration;
    private volatile boolean installed;

    public ControlWitness(Db newDb, String migration) {
        this.newDb = newDb;
        this.migration = migration;
    }

    /** Where it is, for messages: {@code cutover.control_witness of the new database at jdbc:…}. */
    public String where() {
        return TABLE + " of the " + newDb.role() + " at " + newDb.safeUrl();
    }

    /** The migration's row, empty when there is none (or no table yet). Throws {@link DbException} when unreadable. */
    public Optional<Entry> read() {
        try (Connection c = newDb.connect()) {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT to_regclass('" + TABLE + "') IS NOT NULL")) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    return Optional.empty();
                }
            }
            try (PreparedStatement ps = c.prepareStatement(READ)) {
                ps.setString(1, migration);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    ControlState st = new ControlState(Phase.fromWire(rs.getString(3)), WriteTarget.fromWire(rs.getString(4)),
                            rs.getInt(5), rs.getDouble(6), rs.getString(7), rs.getLong(2));
                    return Optional.of(new Entry(st, rs.getLong(1), rs.getLong(8)));
                }
            }
        } catch (SQLException | RuntimeException e) {
            throw new DbException("cannot read the control-state witness in " + where() + ": "
                    + (e instanceof SQLException q ? Sql.message(q) : e.getMessage()), e);
        }
    }

    /**
     * Records {@code s} (created at {@code createdAt}) if it is newer than the row: a later version
     * of the same state, or with {@code replace} (a restore) a later version of any. Returns whether
     * the row now holds it. Throws {@link DbException} when the write fails.
     */
    public boolean record(ControlState s, long createdAt, boolean replace) {
        try (Connection c = newDb.connect()) {
            if (!installed) {
                c.setAutoCommit(false);
                try (Statement st = c.createStatement()) {
                    st.execute(DDL);
                }
                c.commit();
                c.setAutoCommit(true);
                installed = true;
            }
            try (PreparedStatement ps = c.prepareStatement(UPSERT)) {
                ps.setString(1, migration);
                ps.setLong(2, createdAt);
                ps.setLong(3, s.version());
                ps.setString(4, s.phase().wireName());
                ps.setString(5, s.writeTarget().wireName());
                ps.setInt(6, s.readPercent());
                ps.setDouble(7, s.shadowSampleRate());
                ps.setString(8, s.routingSalt());
                ps.setLong(9, System.currentTimeMillis());
                ps.setBoolean(10, replace);
                return ps.executeUpdate() == 1;
            }
        } catch (SQLException | RuntimeException e) {
            throw new DbException("cannot write the control-state witness in " + where() + ": "
                    + (e instanceof SQLException q ? Sql.message(q) : e.getMessage()), e);
        }
    }
}
