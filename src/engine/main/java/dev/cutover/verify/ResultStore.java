package dev.cutover.verify;

import dev.cutover.control.ControlKeys.Verify;
import dev.cutover.control.VerifiedPair;
import dev.cutover.pg.Db;
import dev.cutover.pg.DbException;
import dev.cutover.pg.Sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Keeps every verification's outcome in the new database, table {@code cutover.verification}:
 * one row per run and table (run id, migration, start time, direction, sampled, complete, rows
 * compared, differences by kind, rows that differ only through a lossy reverse mapping ({@code lossy}), and what the run was of: {@code old_db}, {@code new_db} as
 * {@link dev.cutover.pg.DbIdentity#wire}, {@code plan_hash}). The console reads the latest run from here; the phase guard
 * reads the Redis summary ({@link VerifySummary}) written at the same time.
 */
public final class ResultStore {
    static final String DDL = """
            """ + dev.cutover.sql.ChunkSql.ENSURE_SCHEMA + """
            CREATE TABLE IF NOT EXISTS cutover.verification (
              run_id uuid NOT NULL,
              migration text NOT NULL,
              at timestamptz NOT NULL,
              direction text NOT NULL,
              sampled boolean NOT NULL,
              complete boolean NOT NULL,
              table_name text NOT NULL,
              rows_compared bigint NOT NULL,
              missing_in_target bigint NOT NULL,
              extra_in_target bigint NOT NULL,
              different bigint NOT NULL,
              elapsed_ms bigint NOT NULL,
              old_db text,
              new_db text,
              plan_hash text,
              PRIMARY KEY (run_id, table_name)
            );
            CREATE INDEX IF NOT EXISTS verification_latest ON cutover.verification (migration, at DESC);
            DO $identity$ BEGIN
              IF NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = 'cutover.verification'::regclass AND attname = 'plan_hash') THEN
                ALTER TABLE cutover.verification ADD COLUMN IF NOT EXISTS old_db text, ADD COLUMN IF NOT EXISTS new_db text,
                  ADD COLUMN IF NOT EXISTS plan_hash text;
              END IF;
              IF NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = 'cutover.verification'::regclass AND attname = 'lossy') THEN
                ALTER TABLE cutover.verification ADD COLUMN IF NOT EXISTS lossy bigint NOT NULL DEFAULT 0;
              END IF;
            END $identity$""";
    private static final String INSERT = "INSERT INTO cutover.verification (run_id, migration, at, direction, sampled, complete,"
            + " table_name, rows_compared, missing_in_target, extra_in_target, different, elapsed_ms, old_db, new_db, plan_hash,"
            + " lossy) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String LATEST = "SELECT run_id, at, direction, sampled, complete, table_name, rows_compared,"
            + " missing_in_target, extra_in_target, different, elapsed_ms, lossy FROM cutover.verification"
            + " WHERE run_id = (SELECT run_id FROM cutover.verification WHERE migration = ? ORDER BY at DESC LIMIT 1)"
            + " ORDER BY table_name";

    private ResultStore() {
    }

    /**
     * Stores a run with what it was of ({@code pair}: both databases' identities, as in the
     * Redis summary, and the plan's hash); returns its id.
     */
    public static UUID save(Db newDb, String migration, VerifyReport r, VerifiedPair pair) {
        Map<String, String> of = pair.fields();
        UUID id = UUID.randomUUID();
        try (Connection c = newDb.connect()) {
            try (Statement s = c.createStatement()) {
                s.execute(DDL);
            }
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                for (TableReport t : r.tables()) {
                    ps.setObject(1, id);
                    ps.setString(2, migration);
                    ps.setTimestamp(3, Timestamp.from(r.at()));
                    ps.setString(4, VerifySummary.wire(r.direction()));
                    ps.setBoolean(5, r.sampled());
                    ps.setBoolean(6, r.complete());
                    ps.setString(7, t.table());
                    ps.setLong(8, t.rowsCompared());
                    ps.setLong(9, t.missingInTarget());
                    ps.setLong(10, t.extraInTarget());
                    ps.setLong(11, t.different());
                    ps.setLong(12, r.elapsedMillis());
                    ps.setString(13, of.get(Verify.OLD_DB));
                    ps.setString(14, of.get(Verify.NEW_DB));
                    ps.setString(15, of.get(Verify.PLAN_HASH));
                    ps.setLong(16, t.lossy());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            c.commit();
            return id;
        } catch (SQLException e) {
            throw new DbException("cannot store the verification result in cutover.verification on the " + newDb.role()
                    + ": " + Sql.message(e), e);
        }
    }

    /** The latest stored run of a migration, without its differences (those are in the CSV). */
    public static Optional<VerifyReport> latest(Db newDb, String migration) {
        try (Connection c = newDb.connect()) {
            try (Statement s = c.createStatement()) {
                s.execute(DDL);
            }
            try (PreparedStatement ps = c.prepareStatement(LATEST)) {
                ps.setString(1, migration);
                try (ResultSet rs = ps.executeQuery()) {
                    List<TableReport> tables = new ArrayList<>();
                    VerifyReport head = null;
                    while (rs.next()) {
                        if (head == null) {
                            head = new VerifyReport(VerifySummary.direction(rs.getString(3)), rs.getBoolean(4),
                                    rs.getBoolean(5), rs.getTimestamp(2).toInstant(), rs.getLong(11), List.of(), List.of());
                        }
                        tables.add(new TableReport(rs.getString(6), rs.getLong(7), rs.getLong(8), rs.getLong(9), rs.getLong(10),
                                rs.getLong(12)));
                    }
                    return head == null ? Optional.empty() : Optional.of(new VerifyReport(head.direction(), head.sampled(),
                            head.complete(), head.at(), head.elapsedMillis(), tables, List.of()));
                }
            }
        } catch (SQLException e) {
            throw new DbException("cannot read cutover.verification on the " + newDb.role() + ": " + Sql.message(e), e);
        }
    }
}
