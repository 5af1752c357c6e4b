package dev.cutover.capture;

import dev.cutover.pg.Db;
import dev.cutover.pg.DbException;
import dev.cutover.pg.Sql;
import dev.cutover.plan.SqlNames;
import dev.cutover.plan.TableRef;
import dev.cutover.sql.Direction;
import dev.cutover.sql.Flow;
import dev.cutover.work.PlanTables;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Sequences at a write flip (docs/sync.md, "The write flip"): logical replication carries rows,
 * not sequence values, so the side writes move to still hands out the ids it had before the copy
 * — the application's first insert there with a default id would collide with a copied row. Inside
 * the pause, after the catch-up, every column of the receiving tables that owns a sequence (serial
 * or identity) has its sequence moved past both the largest value in the column and, where the
 * plan maps the column straight from one on the other side, that side's sequence. A sequence is
 * never moved back.
 */
public final class Sequences {
    private Sequences() {
    }

    /**
     * Advances the sequences of the side {@code direction} writes into (the new database forward,
     * the old one in reverse), for the plan's tables as {@code r} resolved them (before the pause:
     * reading both schemas is not work for it); one line per sequence moved.
     */
    public static List<String> advance(Db oldDb, Db newDb, PlanTables.Resolved r, Direction direction) {
        Db fromDb = direction == Direction.FORWARD ? oldDb : newDb;
        Db toDb = direction == Direction.FORWARD ? newDb : oldDb;
        List<String> out = new ArrayList<>();
        try (Connection from = fromDb.connect(); Connection to = toDb.connect()) {
            for (PlanTables.Table t : r.tables()) {
                Flow f = t.flow(direction);
                for (Flow.Projected p : f.columns()) {
                    String toSeq = ownedSequence(to, f.to(), p.toColumn());
                    if (toSeq == null) {
                        continue;
                    }
                    long fromValue = 0;
                    String fromColumn = SqlNames.referencedColumn(p.expr()).orElse(null);
                    String fromSeq = fromColumn == null ? null : ownedSequence(from, f.from(), fromColumn);
                    if (fromSeq != null) {
                        fromValue = handedOut(from, fromSeq);
                    }
                    long max = scalar(to, "SELECT coalesce(max(" + SqlNames.quote(p.toColumn()) + "), 0)::bigint FROM " + SqlNames.quote(f.to()));
                    long now = handedOut(to, toSeq);
                    long want = Math.max(max, fromValue);
                    if (want > now) {
                        try (PreparedStatement ps = to.prepareStatement("SELECT setval(?::regclass, ?)")) {
                            ps.setString(1, toSeq);
                            ps.setLong(2, want);
                            ps.execute();
                        }
                        out.add(String.format(Locale.ROOT, "sequence %s on the %s moved from %,d to %,d (next id %,d)", toSeq, toDb.role(), now,
                                want, want + 1));
                    }
                }
            }
        } catch (SQLException e) {
            throw new DbException("cannot advance the sequences on the " + toDb.role() + ": " + Sql.message(e), e);
        }
        return out;
    }

    /** The sequence a serial or identity column owns, as a qualified, quoted name; null when none. */
    private static String ownedSequence(Connection c, TableRef table, String column) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_get_serial_sequence(?, ?)")) {
            ps.setString(1, SqlNames.quote(table));
            ps.setString(2, column);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /** The last value the sequence handed out (its start minus one when it handed out none). */
    private static long handedOut(Connection c, String sequence) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM " + sequence)) {
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static long scalar(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
