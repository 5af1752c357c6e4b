package dev.cutover.verify;

import dev.cutover.sync.PlanRelations;
import dev.cutover.sync.Relations;
import dev.cutover.pg.Db;
import dev.cutover.pg.Schema;
import dev.cutover.pg.Sql;
import dev.cutover.plan.Plan;
import dev.cutover.plan.PlanException;
import dev.cutover.sql.Direction;
import dev.cutover.sql.Flow;
import dev.cutover.sql.VerifySql;
import dev.cutover.work.PlanTables;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The tables a verification compares, checked against both live schemas before any row is read:
 * every plan table (or the ones named) must exist on both sides ({@link PlanTables}) with every
 * mapped column, and each side's hash statement is run once over no rows, so a mapping that no
 * longer fits fails with one line. Also picks the row hash both servers compute alike.
 */
final class Resolver {
    private static final Logger LOG = LoggerFactory.getLogger(Resolver.class);

    private Resolver() {
    }

    /** {@code from}/{@code to} are open on the direction's from and to databases. */
    static List<TableCheck> resolve(Plan plan, Direction direction, List<String> names, Side from, Side to, VerifySql.Hash hash) {
        if (plan.tables().isEmpty()) {
            throw new PlanException("plan " + plan.name() + " has no tables to verify");
        }
        boolean forward = direction == Direction.FORWARD;
        Side old = forward ? from : to;
        Side neu = forward ? to : from;
        List<TableCheck> out = new ArrayList<>();
        PlanTables.Resolved resolved = PlanTables.resolve(plan, names, old.connection(), old.role(), neu.connection(),
                neu.role());
        Relations relations = new PlanRelations(plan, resolved.oldSchema(), resolved.newSchema(), direction);
        for (PlanTables.Table t : resolved.tables()) {
            Flow flow = t.flow(direction);
            Schema.Table fromTable = forward ? t.source() : t.target();
            RoundTrip roundTrip = null;
            if (!forward) {
                Flow ahead = t.flow(Direction.FORWARD);
                roundTrip = RoundTrip.of(flow, ahead, new VerifySql(ahead, hash, t.sql().fromTypes(Direction.FORWARD)),
                        t.target().columns().stream().map(Schema.Column::name).collect(Collectors.toSet()));
            }
            out.add(new TableCheck(flow.to().table(), flow, new VerifySql(flow, hash, t.sql().fromTypes(direction)),
                    fromTable.rowEstimate(), relations, roundTrip));
        }
        for (TableCheck t : out) {
            probeStatements(t, from, to);
        }
        return out;
    }

    /**
     * Runs each side's hash statement over no rows, so that an expression that does not fit the
     * live schema (a column the mapping names that is gone) fails before any chunk is compared.
     */
    private static void probeStatements(TableCheck t, Side from, Side to) {
        for (Side s : List.of(from, to)) {
            String q = (s == from ? t.sql().fromChunkHash(false, false) : t.sql().toChunkHash(false, false)) + " WHERE false";
            try (Statement st = s.connection().createStatement()) {
                st.executeQuery(q).close();
            } catch (SQLException e) {
                if (Sql.isTransient(e)) {
                    throw s.failure(t.name(), e);
                }
                throw new PlanException("cannot compare table " + t.name() + " on the " + s.role() + ": " + Sql.message(e), e);
            }
        }
    }

    /**
     * The first hash function of {@link VerifySql#probes()} that both servers evaluate to the same
     * value (the record hash needs PostgreSQL 14 on both), else md5.
     */
    static VerifySql.Hash hashFunction(Side from, Side to) {
        for (Map.Entry<VerifySql.Hash, String> p : VerifySql.probes().entrySet()) {
            String a = probe(from, p.getValue());
            String b = probe(to, p.getValue());
            if (a != null && a.equals(b)) {
                return p.getKey();
            }
            LOG.info("{} hashes differently on the {} and the {} ({} vs {})", p.getKey(), from.role(), to.role(), a, b);
        }
        LOG.info("hashing with md5");
        return VerifySql.Hash.MD5;
    }

    private static String probe(Side s, String query) {
        try (Statement st = s.connection().createStatement(); ResultSet rs = st.executeQuery(query)) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            LOG.info("hash probe failed on the {}: {}", s.role(), e.getMessage());
            try {
                if (!s.connection().getAutoCommit()) {
                    s.connection().rollback();
                }
            } catch (SQLException ignored) {
                // the next statement reports a broken connection
            }
            return null;
        }
    }

    /** The direction's from (truth) database: old going forward, new in reverse. */
    static Db fromDb(Direction d, Db oldDb, Db newDb) {
        return d == Direction.FORWARD ? oldDb : newDb;
    }

    static Db toDb(Direction d, Db oldDb, Db newDb) {
        return d == Direction.FORWARD ? newDb : oldDb;
    }
}
