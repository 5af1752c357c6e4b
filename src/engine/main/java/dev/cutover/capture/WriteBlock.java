package dev.cutover.capture;

import dev.cutover.pg.Db;
import dev.cutover.pg.DbException;
import dev.cutover.pg.Sql;
import dev.cutover.plan.Plan;
import dev.cutover.plan.SqlNames;
import dev.cutover.plan.TableMapping;
import dev.cutover.plan.TableRef;
import dev.cutover.sql.Direction;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The write block of a write flip without the router (docs/sync.md, "The write flip"): a
 * statement-level trigger {@code cutover_writes_moved} on each of the plan's tables on one side,
 * fired before every INSERT, UPDATE, DELETE and TRUNCATE (also COPY and {@code ON CONFLICT}),
 * refusing it with SQLSTATE 25006 ({@code read_only_sql_transaction}, what a driver or pooler
 * already treats as "this server takes no writes now") and a message naming the table and where
 * writes went. Reads go on. It is reversible ({@link #remove}) and visible to any DBA
 * ({@code \dS table}, {@code pg_trigger}). The triggers of all tables are made in one transaction,
 * so the block starts at one instant: the transaction waits (up to a lock timeout, retried) for
 * writers in flight to commit, and every write after it is refused.
 *
 * <p>Cutover's own sessions ({@link Db#connect()}: sync's apply, repair) set {@link #APPLY_SETTING},
 * which the trigger lets through: the reverse stream keeps the old side in step after a flip (the
 * pools an application's router or the sample app write through do not set it). It is
 * a safety catch against a forgotten connection string, not a permission: a session that sets the
 * same setting writes too.
 */
public final class WriteBlock {
    /** The session setting sync's apply sessions carry; the trigger lets their writes through. */
    public static final String APPLY_SETTING = dev.cutover.pg.Db.APPLY_SETTING;
    static final String TRIGGER = "cutover_writes_moved";
    private static final String FUNCTION = "cutover.writes_moved";

    private final Db db;
    private final List<TableRef> tables;

    /**
     * The block of the side {@code direction} streams from: the old database's source tables for
     * {@link Direction#FORWARD}, the new database's target tables for {@link Direction#REVERSE}.
     */
    public WriteBlock(Db db, Plan plan, Direction direction) {
        this.db = db;
        List<TableRef> t = new ArrayList<>();
        for (TableMapping m : plan.tables()) {
            TableRef r = direction == Direction.FORWARD ? m.source() : m.target();
            if (!t.contains(r)) {
                t.add(r);
            }
        }
        this.tables = List.copyOf(t);
    }

    public Db db() {
        return db;
    }

    /** What {@link #install} did: the tables, and how long it waited for writers in flight. */
    public record Installed(int tables, long lockWaitMillis, int attempts) {
    }

    /**
     * Blocks writes to the tables, all at once: one transaction with {@code lock_timeout}
     * {@code lockTimeoutMillis}, tried {@code attempts} times when a long writer holds a table (each
     * failed try is rolled back, so writers queued behind it go on). {@code movedTo} names where
     * writes went, in the refusal the application sees.
     */
    public Installed install(String movedTo, long lockTimeoutMillis, int attempts) {
        String hint = "the migration moved writes to the " + movedTo + "; connect the application there (cutover flip-writes --undo lifts this block)";
        for (int attempt = 1; ; attempt++) {
            long t0 = System.nanoTime();
            try (Connection c = db.connect()) {
                c.setAutoCommit(false);
                try (Statement s = c.createStatement()) {
                    s.execute("SET LOCAL lock_timeout = " + Math.max(1, lockTimeoutMillis));
                    s.execute("CREATE SCHEMA IF NOT EXISTS cutover");
                    s.execute("CREATE OR REPLACE FUNCTION " + FUNCTION + "() RETURNS trigger LANGUAGE plpgsql AS $cutover$\n"
                            + "BEGIN\n"
                            + "  IF current_setting('" + APPLY_SETTING + "', true) = 'on' THEN RETURN NULL; END IF;\n"
                            + "  RAISE EXCEPTION USING ERRCODE = 'read_only_sql_transaction',\n"
                            + "    MESSAGE = 'cutover: writes to ' || quote_ident(TG_TABLE_SCHEMA) || '.' || quote_ident(TG_TABLE_NAME)\n"
                            + "              || ' have moved to the ' || TG_ARGV[0],\n"
                            + "    HINT = TG_ARGV[1];\n"
                            + "END $cutover$");
                    for (TableRef t : tables) {
                        String table = SqlNames.quote(t);
                        s.execute("DROP TRIGGER IF EXISTS " + TRIGGER + " ON " + table);
                        s.execute("CREATE TRIGGER " + TRIGGER + " BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON " + table
                                + " FOR EACH STATEMENT EXECUTE FUNCTION " + FUNCTION + "(" + literal(movedTo) + ", " + literal(hint) + ")");
                        // also under session_replication_role = replica (a pooler or tool replaying writes)
                        s.execute("ALTER TABLE " + table + " ENABLE ALWAYS TRIGGER " + TRIGGER);
                    }
                    c.commit();
                    return new Installed(tables.size(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), attempt);
                } catch (SQLException e) {
                    c.rollback();
                    if ("55P03".equals(Sql.state(e)) && attempt < attempts) {
                        continue; // a writer held a table longer than the lock timeout: let the queue drain, try again
                    }
                    throw e;
                }
            } catch (SQLException e) {
                String why = "55P03".equals(Sql.state(e))
                        ? " (a transaction held one of the tables for longer than " + lockTimeoutMillis + " ms, " + attempts
                        + " times: find it in pg_stat_activity; nothing was blocked)"
                        : "";
                throw new DbException("cannot block writes on the " + db.role() + ": " + Sql.message(e) + why, e);
            }
        }
    }

    /**
     * Lifts the block; true when there was one. First every trigger is disabled ({@code ALTER TABLE …
     * DISABLE TRIGGER}, a SHARE ROW EXCLUSIVE lock: it does not wait for readers, nor for a sync
     * apply holding rows {@code FOR SHARE} — a flip stopped by a signal while its catch-up hangs can
     * still lift its block), in one transaction; then the triggers are dropped where that takes no
     * wait (lock timeout 1 s each; a trigger left disabled refuses nothing and is dropped by the next
     * install or lift). The function stays, harmless.
     */
    public boolean remove() {
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            List<TableRef> on = blocked(c);
            try (Statement s = c.createStatement()) {
                for (TableRef t : present(c)) {
                    s.execute("ALTER TABLE " + SqlNames.quote(t) + " DISABLE TRIGGER " + TRIGGER);
                }
            }
            c.commit();
            for (TableRef t : present(c)) {
                try (Statement s = c.createStatement()) {
                    s.execute("SET LOCAL lock_timeout = 1000");
                    s.execute("DROP TRIGGER IF EXISTS " + TRIGGER + " ON " + SqlNames.quote(t));
                    c.commit();
                } catch (SQLException busy) {
                    c.rollback(); // disabled is enough; dropped another time
                }
            }
            return !on.isEmpty();
        } catch (SQLException e) {
            throw new DbException("cannot lift the write block on the " + db.role() + ": " + Sql.message(e), e);
        }
    }

    /** The plan's tables on this side that carry the block now. */
    public List<TableRef> blocked() {
        try (Connection c = db.connect()) {
            return blocked(c);
        } catch (SQLException e) {
            throw new DbException("cannot read the write block on the " + db.role() + ": " + Sql.message(e), e);
        }
    }

    /** The tables whose trigger refuses writes now (present and not disabled). */
    private List<TableRef> blocked(Connection c) throws SQLException {
        return withTrigger(c, " AND g.tgenabled <> 'D'");
    }

    /** The tables that carry the trigger, enabled or not. */
    private List<TableRef> present(Connection c) throws SQLException {
        return withTrigger(c, "");
    }

    private List<TableRef> withTrigger(Connection c, String condition) throws SQLException {
        List<TableRef> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT 1 FROM pg_trigger g JOIN pg_class r ON r.oid = g.tgrelid JOIN pg_namespace n ON n.oid = r.relnamespace
                 WHERE g.tgname = ? AND n.nspname = ? AND r.relname = ?""" + condition)) {
            for (TableRef t : tables) {
                ps.setString(1, TRIGGER);
                ps.setString(2, t.schema());
                ps.setString(3, t.table());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        out.add(t);
                    }
                }
            }
        }
        return out;
    }

    private static String literal(String s) {
        return "'" + s.replace("'", "''") + "'";
    }
}
