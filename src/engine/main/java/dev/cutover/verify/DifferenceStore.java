package dev.cutover.verify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.sql.ChunkSql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Where every worker process of a verification puts the differences it confirmed, so that they
 * come together in one report, one CSV and one stored result: table {@code cutover.verify_difference}
 * of the checkpoint (new) database, one row per difference, written in the same transaction as the
 * chunk's "done" mark in the ledger. A chunk's differences are therefore stored exactly once, by
 * whichever worker completed it; a killed worker's chunk is redone and stored by the one that takes
 * it over. {@code cutover.verify_repaired} holds what a repair re-synced per chunk, {@code cutover.verify_lossy}
 * how many rows of a reverse run differed only through the plan's lossy reverse mapping. Rows belong to
 * one run (its job name); the next verification of the migration forgets them.
 */
final class DifferenceStore {
    static final String DDL = """
            SELECT pg_advisory_xact_lock(hashtext('cutover.verify_difference'));
            """ + ChunkSql.ENSURE_SCHEMA + """
            CREATE TABLE IF NOT EXISTS cutover.verify_difference (
              job text NOT NULL,
              migration text NOT NULL,
              table_name text NOT NULL,
              seq bigint NOT NULL,
              ord int NOT NULL,
              worker text,
              diff_table text NOT NULL,
              kind text NOT NULL,
              key text NOT NULL,
              key_text text NOT NULL,
              columns text NOT NULL,
              source_row text,
              target_row text,
              PRIMARY KEY (job, migration, table_name, seq, ord));
            CREATE TABLE IF NOT EXISTS cutover.verify_repaired (
              job text NOT NULL,
              migration text NOT NULL,
              table_name text NOT NULL,
              seq bigint NOT NULL,
              diff_table text NOT NULL,
              upserted bigint NOT NULL,
              deleted bigint NOT NULL,
              PRIMARY KEY (job, migration, table_name, seq));
            CREATE TABLE IF NOT EXISTS cutover.verify_lossy (
              job text NOT NULL,
              migration text NOT NULL,
              table_name text NOT NULL,
              seq bigint NOT NULL,
              diff_table text NOT NULL,
              lossy_rows bigint NOT NULL,
              PRIMARY KEY (job, migration, table_name, seq));
            """;
    private static final String INSERT = "INSERT INTO cutover.verify_difference (job, migration, table_name, seq, ord, worker,"
            + " diff_table, kind, key, key_text, columns, source_row, target_row)"
            + " SELECT ?, ?, ?, ?, u.ord, ?, ?, u.kind, u.key, u.key_text, u.cols, u.src, u.tgt"
            + " FROM unnest(?::int[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[])"
            + " AS u(ord, kind, key, key_text, cols, src, tgt)";
    private static final String INSERT_REPAIRED = "INSERT INTO cutover.verify_repaired (job, migration, table_name, seq, diff_table,"
            + " upserted, deleted) VALUES (?, ?, ?, ?, ?, ?, ?)";
    private static final String INSERT_LOSSY = "INSERT INTO cutover.verify_lossy (job, migration, table_name, seq, diff_table,"
            + " lossy_rows) VALUES (?, ?, ?, ?, ?, ?)";
    private static final String LOSSY = "SELECT diff_table, sum(lossy_rows) FROM cutover.verify_lossy"
            + " WHERE job = ? AND migration = ? GROUP BY diff_table";
    private static final String COUNTS = "SELECT diff_table, kind, count(*) FROM cutover.verify_difference"
            + " WHERE job = ? AND migration = ? GROUP BY diff_table, kind";
    private static final String REPAIRED = "SELECT diff_table, sum(upserted), sum(deleted) FROM cutover.verify_repaired"
            + " WHERE job = ? AND migration = ? GROUP BY diff_table";
    private static final String LIST = "SELECT diff_table, kind, key, key_text, columns, source_row, target_row"
            + " FROM cutover.verify_difference WHERE job = ? AND migration = ? ORDER BY table_name, seq, ord";
    private static final String FORGET = "DELETE FROM cutover.verify_difference WHERE starts_with(job, ?) AND migration = ?";
    private static final String FORGET_REPAIRED = "DELETE FROM cutover.verify_repaired WHERE starts_with(job, ?) AND migration = ?";
    private static final String FORGET_LOSSY = "DELETE FROM cutover.verify_lossy WHERE starts_with(job, ?) AND migration = ?";
    private static final int BATCH = 2_000;
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {
    };

    private final String job;
    private final String migration;

    DifferenceStore(String job, String migration) {
        this.job = job;
        this.migration = migration;
    }

    /** Creates the tables when absent (auto-commit off; commits). */
    static void install(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(DDL);
        }
        c.commit();
    }

    /** Forgets the differences of every earlier run of the migration whose job starts with {@code prefix}; commits. */
    static void forget(Connection c, String prefix, String migration) throws SQLException {
        for (String sql : new String[] {FORGET, FORGET_REPAIRED, FORGET_LOSSY}) {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, prefix);
                ps.setString(2, migration);
                ps.executeUpdate();
            }
        }
        c.commit();
    }

    /** Adds a chunk's differences inside the caller's transaction (commit it with the chunk's done mark). */
    void add(Connection c, String ledgerTable, long seq, String worker, List<Difference> diffs) throws SQLException {
        for (int from = 0; from < diffs.size(); from += BATCH) {
            List<Difference> part = diffs.subList(from, Math.min(diffs.size(), from + BATCH));
            int n = part.size();
            Integer[] ord = new Integer[n];
            String[] kind = new String[n];
            String[] key = new String[n];
            String[] keyText = new String[n];
            String[] cols = new String[n];
            String[] src = new String[n];
            String[] tgt = new String[n];
            for (int i = 0; i < n; i++) {
                Difference d = part.get(i);
                ord[i] = from + i;
                kind[i] = d.kind().wireName();
                key[i] = d.key().toString();
                keyText[i] = json(d.keyText());
                cols[i] = json(d.columns());
                src[i] = d.sourceRow() == null ? null : d.sourceRow().toString();
                tgt[i] = d.targetRow() == null ? null : d.targetRow().toString();
            }
            try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                ps.setString(1, job);
                ps.setString(2, migration);
                ps.setString(3, ledgerTable);
                ps.setLong(4, seq);
                ps.setString(5, worker);
                ps.setString(6, part.get(0).table());
                ps.setArray(7, c.createArrayOf("int4", ord));
                ps.setArray(8, c.createArrayOf("text", kind));
                ps.setArray(9, c.createArrayOf("text", key));
                ps.setArray(10, c.createArrayOf("text", keyText));
                ps.setArray(11, c.createArrayOf("text", cols));
                ps.setArray(12, c.createArrayOf("text", src));
                ps.setArray(13, c.createArrayOf("text", tgt));
                ps.executeUpdate();
            }
        }
    }

    /** Records what a repair re-synced for a chunk, inside the caller's transaction. */
    void addRepaired(Connection c, String ledgerTable, long seq, String table, long upserted, long deleted) throws SQLException {
        addCounts(c, INSERT_REPAIRED, ledgerTable, seq, table, upserted, deleted);
    }

    /** Records how many of a chunk's rows differed only through the plan's lossy reverse mapping ({@link RoundTrip}). */
    void addLossy(Connection c, String ledgerTable, long seq, String table, long rows) throws SQLException {
        addCounts(c, INSERT_LOSSY, ledgerTable, seq, table, rows);
    }

    private void addCounts(Connection c, String insert, String ledgerTable, long seq, String table, long... counts) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(insert)) {
            ps.setString(1, job);
            ps.setString(2, migration);
            ps.setString(3, ledgerTable);
            ps.setLong(4, seq);
            ps.setString(5, table);
            for (int i = 0; i < counts.length; i++) {
                ps.setLong(6 + i, counts[i]);
            }
            ps.executeUpdate();
        }
    }

    /** Differences per table and kind: table → {missing, extra, different}, by {@link Difference.Kind} ordinal. */
    Map<String, long[]> counts(Connection c) throws SQLException {
        Map<String, long[]> out = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement(COUNTS)) {
            ps.setString(1, job);
            ps.setString(2, migration);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long[] k = out.computeIfAbsent(rs.getString(1), t -> new long[Difference.Kind.values().length]);
                    k[kind(rs.getString(2)).ordinal()] = rs.getLong(3);
                }
            }
        }
        c.commit();
        return out;
    }

    /** Rows re-synced per table: table → {upserted, deleted}. */
    Map<String, long[]> repaired(Connection c) throws SQLException {
        return sums(c, REPAIRED, 2);
    }

    /** Rows per table that differed only through the plan's lossy reverse mapping: table → {rows}. */
    Map<String, long[]> lossy(Connection c) throws SQLException {
        return sums(c, LOSSY, 1);
    }

    private Map<String, long[]> sums(Connection c, String query, int n) throws SQLException {
        Map<String, long[]> out = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement(query)) {
            ps.setString(1, job);
            ps.setString(2, migration);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long[] v = new long[n];
                    for (int i = 0; i < n; i++) {
                        v[i] = rs.getLong(2 + i);
                    }
                    out.put(rs.getString(1), v);
                }
            }
        }
        c.commit();
        return out;
    }

    /** Every difference of the run, in table and key-range order, streamed; stops after {@code limit} (0: all). */
    void each(Connection c, long limit, Consumer<Difference> to) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(LIST + (limit > 0 ? " LIMIT " + limit : ""))) {
            ps.setFetchSize(1_000); // a cursor: the run may have millions of differences
            ps.setString(1, job);
            ps.setString(2, migration);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    to.accept(new Difference(rs.getString(1), object(rs.getString(3)), strings(rs.getString(4)),
                            kind(rs.getString(2)), strings(rs.getString(5)), object(rs.getString(6)), object(rs.getString(7))));
                }
            }
        } finally {
            c.commit();
        }
    }

    List<Difference> first(Connection c, long limit) throws SQLException {
        List<Difference> out = new ArrayList<>();
        each(c, limit, out::add);
        return out;
    }

    private static Difference.Kind kind(String wire) {
        for (Difference.Kind k : Difference.Kind.values()) {
            if (k.wireName().equals(wire)) {
                return k;
            }
        }
        throw new IllegalStateException("unknown difference kind in cutover.verify_difference: " + wire);
    }

    private static String json(List<String> values) {
        try {
            return RowDiff.JSON.writeValueAsString(values);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> strings(String json) {
        try {
            return RowDiff.JSON.readValue(json, STRINGS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("bad JSON in cutover.verify_difference: " + json, e);
        }
    }

    private static ObjectNode object(String json) {
        if (json == null) {
            return null;
        }
        try {
            return (ObjectNode) RowDiff.JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("bad JSON in cutover.verify_difference: " + json, e);
        }
    }
}
