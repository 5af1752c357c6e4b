package dev.cutover.check;

import dev.cutover.pg.Db;
import dev.cutover.pg.DbException;
import dev.cutover.pg.Schema;
import dev.cutover.pg.SchemaReader;
import dev.cutover.pg.Sql;
import dev.cutover.plan.Plan;
import dev.cutover.plan.TableMapping;
import dev.cutover.sql.MappingSql;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code cutover plan check}: checks a plan against both live schemas, then dry-runs every
 * transform over every source row. Reads only: both connections are read-only at the session level
 * ({@link Db#connectReadOnly()}) and every probe runs in a read-only transaction that is rolled back.
 */
public final class PlanChecker {
    /** Receives progress: table (target name), rows checked so far, the table's estimated row count. */
    public interface Progress {
        void update(String table, long rowsChecked, long rowsEstimate);
    }

    private final Db oldDb;
    private final Db newDb;
    private int chunkRows = 10_000;
    private int maxKeys = 5;
    private Progress progress = (t, r, e) -> { };

    public PlanChecker(Db oldDb, Db newDb) {
        this.oldDb = oldDb;
        this.newDb = newDb;
    }

    public PlanChecker chunkRows(int rows) {
        if (rows < 1) {
            throw new IllegalArgumentException("chunk rows must be positive");
        }
        this.chunkRows = rows;
        return this;
    }

    /** How many example keys each finding lists. */
    public PlanChecker maxKeys(int n) {
        this.maxKeys = n;
        return this;
    }

    public PlanChecker onProgress(Progress p) {
        this.progress = p;
        return this;
    }

    public CheckReport check(Plan plan) {
        try (Connection oldConn = oldDb.connectReadOnly(); Connection newConn = newDb.connectReadOnly()) {
            Schema oldSchema = read(oldConn, oldDb);
            Schema newSchema = read(newConn, newDb);
            List<CheckReport.TableReport> tables = new ArrayList<>();
            for (TableMapping m : plan.tables()) {
                tables.add(checkTable(plan, m, oldSchema, newSchema, oldConn, newConn));
            }
            return new CheckReport(plan.name(), tables);
        } catch (SQLException e) {
            throw new DbException("plan check failed: " + Sql.message(e), e);
        }
    }

    private CheckReport.TableReport checkTable(Plan plan, TableMapping m, Schema oldSchema, Schema newSchema,
                                               Connection oldConn, Connection newConn) throws SQLException {
        StaticChecks.Result s = StaticChecks.check(plan, m, oldSchema, newSchema, oldConn, newConn);
        List<Finding> findings = new ArrayList<>(s.findings());
        if (!s.dryRunPossible()) {
            findings.add(Finding.of(Severity.NOTE, "dry_run_skipped", m.target().toString(), "",
                    "dry run skipped for this table: fix the problems above first"));
            return new CheckReport.TableReport(m.source().toString(), m.target().toString(), 0, false, findings);
        }
        Schema.Table src = oldSchema.table(m.source()).orElseThrow();
        Schema.Table tgt = newSchema.table(m.target()).orElseThrow();
        DryRun run = new DryRun(oldConn, m, new MappingSql(m, src, tgt), src, tgt, s.exprTypes(), chunkRows, maxKeys);
        try {
            findings.addAll(run.run(rows -> progress.update(m.target().toString(), rows, src.rowEstimate())));
        } catch (SQLException e) {
            throw new DbException("dry run of " + m.source() + " failed after " + run.rowsChecked() + " rows: "
                    + Sql.message(e), e);
        }
        return new CheckReport.TableReport(m.source().toString(), m.target().toString(), run.rowsChecked(), true, findings);
    }

    private static Schema read(Connection c, Db db) {
        try {
            return SchemaReader.read(c);
        } catch (SQLException e) {
            throw new DbException("cannot read the schema of the " + db.role() + ": " + Sql.message(e), e);
        }
    }
}
