package dev.cutover.backfill;

import dev.cutover.pg.Db;
import dev.cutover.pg.DbException;
import dev.cutover.pg.Sql;
import dev.cutover.sql.BackfillSql;
import dev.cutover.sql.Flow;
import dev.cutover.sync.Relations;
import dev.cutover.work.ChunkJob;
import dev.cutover.work.ChunkLedger;
import dev.cutover.work.JobTable;
import dev.cutover.work.Throttle;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The backfill as a {@link ChunkJob}: each chunk of each table is copied old → new by a {@link ChunkCopier}. */
final class BackfillJob implements ChunkJob {
    static final String NAME = "backfill";

    /** A table of the run: its flow, its staging table number, and whether COPY may go straight into the target. */
    static final class Table {
        private final String name;
        private final Flow flow;
        private final int index;
        private volatile boolean direct;

        Table(String name, Flow flow, int index, boolean direct) {
            this.name = name;
            this.flow = flow;
            this.index = index;
            this.direct = direct && BackfillSql.canCopyIntoTarget(flow);
        }

        String name() {
            return name;
        }

        Flow flow() {
            return flow;
        }

        int index() {
            return index;
        }

        boolean direct() {
            return direct;
        }

        void noDirect() {
            direct = false;
        }
    }

    private final String migration;
    private final Db oldDb;
    private final Db newDb;
    private final ErrorPolicy policy;
    private final ChunkLedger ledger;
    private final Map<String, Table> tables = new LinkedHashMap<>();
    private final Throttle throttle;
    private final Relations relations;

    BackfillJob(String migration, Db oldDb, Db newDb, List<Flow> flows, Relations relations, ErrorPolicy policy, LoadMode load,
                String workerId, Throttle throttle) {
        this.migration = migration;
        this.relations = relations;
        this.throttle = throttle;
        this.oldDb = oldDb;
        this.newDb = newDb;
        this.policy = policy;
        this.ledger = new ChunkLedger(NAME, migration, workerId);
        int i = 0;
        for (Flow f : flows) {
            String name = tableName(f);
            tables.put(name, new Table(name, f, i++, load == LoadMode.AUTO));
        }
    }

    /** A table's name in the ledger, events and messages: the target table, {@code schema.table}. */
    static String tableName(Flow f) {
        return f.to().toString();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String migration() {
        return migration;
    }

    @Override
    public List<JobTable> tables() {
        List<JobTable> out = new ArrayList<>();
        tables.values().forEach(t -> out.add(new JobTable(t.name(), t.flow())));
        return out;
    }

    Table table(String name) {
        return tables.get(name);
    }

    /** The foreign keys around the plan's tables on the new side (for rows whose parents have not arrived yet). */
    Relations relations() {
        return relations;
    }

    ErrorPolicy policy() {
        return policy;
    }

    /** True while a rows/s cap holds the run to short, spaced chunks (copied one side after the other, see {@link ChunkCopier}). */
    boolean capped() {
        return throttle != null && throttle.maxRowsPerSec() > 0;
    }

    ChunkLedger ledger() {
        return ledger;
    }

    @Override
    public Session openSession(int worker) {
        return new ChunkCopier(this, oldDb, newDb);
    }

    @Override
    public Connection openLedgerConnection() {
        Connection c = newDb.connect();
        try {
            c.setAutoCommit(false);
            return c;
        } catch (SQLException | RuntimeException e) {
            // the caller never gets it, so nobody else would close it
            try {
                c.close();
            } catch (SQLException closing) {
                e.addSuppressed(closing);
            }
            throw e instanceof RuntimeException r ? r
                    : new DbException("cannot prepare the ledger connection on the " + newDb.role() + ": " + Sql.message((SQLException) e), e);
        }
    }
}
