package dev.cutover.verify;

import dev.cutover.sql.Flow;
import dev.cutover.sql.VerifySql;

import java.util.List;

/**
 * One table to compare: the flow (from = truth side after the mapping, to = compared side),
 * its statements, the name used in differences (the to table's exact name) and the to side's
 * planner row estimate (for progress and sampling).
 */
public record TableCheck(String name, Flow flow, VerifySql sql, long estimate) {

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
