package dev.cutover.verify;

import dev.cutover.sync.Relations;
import dev.cutover.sync.RowSync;
import dev.cutover.sql.Flow;
import dev.cutover.sql.VerifySql;

import java.util.List;

/**
 * One table to compare: the flow (from = truth side after the mapping, to = compared side),
 * its statements, the name used in differences (the to table's exact name) and the to side's
 * planner row estimate (for progress and sampling), what a repair needs of the tables around it and,
 * in reverse, the forward comparison that tells a lossy mapping's rows from lost writes ({@link RoundTrip}).
 */
public record TableCheck(String name, Flow flow, VerifySql sql, long estimate, Relations relations, RoundTrip roundTrip) {

    /** Going forward: no round trip to check. */
    public TableCheck(String name, Flow flow, VerifySql sql, long estimate, Relations relations) {
        this(name, flow, sql, estimate, relations, null);
    }

    /** The re-sync of this table's keys from the truth, following the compared side's foreign keys. */
    RowSync resync() {
        return new RowSync(flow, null, relations);
    }

    RowDiff rowDiff() {
        return new RowDiff(name, sql.toKeyNames(), flow.toColumns());
    }

    int keys() {
        return flow.key().size();
    }

    int columns() {
        return flow.columns().size();
    }

    List<String> toColumns() {
        return flow.toColumns();
    }
}
