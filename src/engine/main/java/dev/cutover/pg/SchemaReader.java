package dev.cutover.pg;

import dev.cutover.plan.TableRef;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads tables, columns, keys, foreign keys, indexes, dependent views and row estimates from the catalogs. */
public final class SchemaReader {
    private static final String TABLES = """
            SELECT c.oid, n.nspname, c.relname, greatest(c.reltuples, 0)::bigint
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'cutover')
              AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'
            ORDER BY n.nspname, c.relname""";
    private static final String COLUMNS = """
            SELECT a.attrelid, a.attname, a.attnum, format_type(a.atttypid, a.atttypmod), format_type(a.atttypid, NULL),
                   tn.nspname = 'pg_catalog', a.attnotnull, pg_get_expr(d.adbin, d.adrelid), a.attgenerated <> '',
                   a.attidentity <> '', coll.collname,
                   information_schema._pg_char_max_length(a.atttypid, a.atttypmod),
                   information_schema._pg_numeric_precision(a.atttypid, a.atttypmod),
                   information_schema._pg_numeric_scale(a.atttypid, a.atttypmod)
            FROM pg_attribute a
            JOIN pg_type t ON t.oid = a.atttypid JOIN pg_namespace tn ON tn.oid = t.typnamespace
            LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            LEFT JOIN pg_collation coll ON coll.oid = a.attcollation AND a.attcollation <> 0
            WHERE a.attrelid = ANY(?) AND a.attnum > 0 AND NOT a.attisdropped
            ORDER BY a.attrelid, a.attnum""";
    private static final String CONSTRAINTS = """
            SELECT con.conrelid, con.conname, con.contype,
                   ARRAY(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(n, i)
                         JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n ORDER BY k.i),
                   fn.nspname, fc.relname,
                   ARRAY(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY k(n, i)
                         JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n ORDER BY k.i)
            FROM pg_constraint con
            LEFT JOIN pg_class fc ON fc.oid = con.confrelid LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace
            WHERE con.conrelid = ANY(?) AND con.contype IN ('p', 'u', 'f')
            ORDER BY con.conrelid, con.contype, con.conname""";
    private static final String INDEXES = """
            SELECT i.indrelid, ic.relname, i.indisunique, pg_get_indexdef(i.indexrelid),
                   i.indisunique AND i.indpred IS NULL AND i.indexprs IS NULL,
                   ARRAY(SELECT a.attname FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(n, o)
                         JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.n ORDER BY k.o)
            FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
            WHERE i.indrelid = ANY(?) ORDER BY i.indrelid, ic.relname""";
    private static final String VIEWS = """
            SELECT DISTINCT d.refobjid, vn.nspname, v.relname
            FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid JOIN pg_class v ON v.oid = r.ev_class
            JOIN pg_namespace vn ON vn.oid = v.relnamespace
            WHERE d.classid = 'pg_rewrite'::regclass AND d.refclassid = 'pg_class'::regclass
              AND d.refobjid = ANY(?) AND v.oid <> d.refobjid
            ORDER BY 1, 2, 3""";

    private SchemaReader() {
    }

    /**
     * Reads the schema of {@code db} on a connection of its own, closed after; a failure is one
     * line naming the database's role ({@link DbException}).
     */
    public static Schema read(Db db) {
        try (Connection c = db.connect()) {
            return read(c);
        } catch (SQLException e) {
            throw new DbException("cannot read the tables of the " + db.role() + ": " + Sql.message(e), e);
        }
    }

    public static Schema read(Connection c) throws SQLException {
        Map<Long, TableRef> refs = new LinkedHashMap<>();
        Map<Long, Long> estimates = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement(TABLES); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                refs.put(rs.getLong(1), new TableRef(rs.getString(2), rs.getString(3)));
                estimates.put(rs.getLong(1), rs.getLong(4));
            }
        }
        Long[] oids = refs.keySet().toArray(new Long[0]);
        Map<Long, List<Schema.Column>> columns = group(oids);
        Map<Long, List<String>> pks = new LinkedHashMap<>();
        Map<Long, List<List<String>>> uniques = group(oids);
        Map<Long, List<Schema.ForeignKey>> fks = group(oids);
        Map<Long, List<Schema.Index>> indexes = group(oids);
        Map<Long, List<TableRef>> views = group(oids);
        try (PreparedStatement ps = c.prepareStatement(COLUMNS)) {
            ps.setArray(1, c.createArrayOf("oid", oids));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.get(rs.getLong(1)).add(new Schema.Column(rs.getString(2), rs.getInt(3), rs.getString(4),
                            rs.getString(5), rs.getBoolean(6), rs.getBoolean(7), rs.getString(8), rs.getBoolean(9),
                            rs.getBoolean(10), rs.getString(11), rs.getInt(12), rs.getInt(13), rs.getInt(14)));
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement(CONSTRAINTS)) {
            ps.setArray(1, c.createArrayOf("oid", oids));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long oid = rs.getLong(1);
                    List<String> cols = strings(rs.getArray(4));
                    switch (rs.getString(3)) {
                        case "p" -> pks.put(oid, cols);
                        case "u" -> uniques.get(oid).add(cols);
                        default -> fks.get(oid).add(new Schema.ForeignKey(rs.getString(2), cols,
                                new TableRef(rs.getString(5), rs.getString(6)), strings(rs.getArray(7))));
                    }
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement(INDEXES)) {
            ps.setArray(1, c.createArrayOf("oid", oids));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long oid = rs.getLong(1);
                    indexes.get(oid).add(new Schema.Index(rs.getString(2), rs.getBoolean(3), rs.getString(4)));
                    List<String> cols = strings(rs.getArray(6));
                    if (rs.getBoolean(5) && !uniques.get(oid).contains(cols) && !cols.equals(pks.get(oid))) {
                        uniques.get(oid).add(cols);
                    }
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement(VIEWS)) {
            ps.setArray(1, c.createArrayOf("oid", oids));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    views.get(rs.getLong(1)).add(new TableRef(rs.getString(2), rs.getString(3)));
                }
            }
        }
        Map<TableRef, Schema.Table> tables = new LinkedHashMap<>();
        for (var e : refs.entrySet()) {
            long oid = e.getKey();
            tables.put(e.getValue(), new Schema.Table(e.getValue(), List.copyOf(columns.get(oid)),
                    pks.getOrDefault(oid, List.of()), List.copyOf(uniques.get(oid)), List.copyOf(fks.get(oid)),
                    List.copyOf(indexes.get(oid)), List.copyOf(views.get(oid)), estimates.get(oid)));
        }
        String version;
        try (var s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW server_version")) {
            rs.next();
            version = rs.getString(1);
        }
        return new Schema(version, tables);
    }

    private static <T> Map<Long, List<T>> group(Long[] oids) {
        Map<Long, List<T>> m = new LinkedHashMap<>();
        for (Long o : oids) {
            m.put(o, new ArrayList<>());
        }
        return m;
    }

    private static List<String> strings(Array a) throws SQLException {
        return a == null ? List.of() : Arrays.asList((String[]) a.getArray());
    }
}
