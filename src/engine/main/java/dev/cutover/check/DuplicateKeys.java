package dev.cutover.check;

import dev.cutover.pg.Schema;
import dev.cutover.plan.SqlNames;
import dev.cutover.sql.Flow;
import dev.cutover.sql.KeyJson;
import dev.cutover.sql.KeySql;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether the source key of a flow is unique: provably (a primary key or a unique constraint/index
 * on exactly those columns, every one NOT NULL), or else by looking for key values that occur more
 * than once. The plan check reports them as {@code duplicate_key}; backfill, verify and repair
 * refuse to start on them (both through this one query).
 */
public final class DuplicateKeys {
    /** How many key values occur more than once in all, and the first of them as JSON (key values only). */
    public record Found(long total, List<String> first) {
    }

    private DuplicateKeys() {
    }

    /**
     * True when a primary key or a unique constraint/index covers exactly {@code key} and every
     * column of it is NOT NULL (a unique index lets NULL keys repeat).
     */
    public static boolean provablyUnique(Schema.Table source, List<String> key) {
        return source.isUnique(key) && key.stream().allMatch(k -> source.column(k).map(Schema.Column::notNull).orElse(false));
    }

    /**
     * The key values of the flow's from side that occur more than once (NULLs count as equal),
     * at most {@code max} of them named; one read-only statement on {@code c}.
     */
    public static Found find(Connection c, Flow flow, List<String> key, int max) throws SQLException {
        KeySql keys = KeySql.fromSide(flow);
        String cols = String.join(", ", key.stream().map(k -> "src." + SqlNames.quote(k)).toList());
        String sql = "SELECT " + keys.selectAsText() + ", count(*) OVER () FROM (SELECT " + cols + " FROM " + flow.fromTable()
                + " AS src GROUP BY " + cols + " HAVING count(*) > 1) AS src LIMIT " + max;
        List<String> found = new ArrayList<>();
        long total = 0;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                List<String> values = new ArrayList<>();
                for (int i = 0; i < keys.size(); i++) {
                    values.add(rs.getString(1 + i));
                }
                found.add(KeyJson.fromSide(flow, values));
                total = rs.getLong(keys.size() + 1);
            }
        }
        return new Found(total, found);
    }
}
