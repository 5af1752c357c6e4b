package dev.cutover.check;

import java.util.List;

/** The plan check's result: per table, the rows the dry run read and what it found. */
public record CheckReport(String plan, List<TableReport> tables) {

    public record TableReport(String source, String target, long rowsChecked, boolean dryRunDone, List<Finding> findings) {
    }

    public List<Finding> findings() {
        return tables.stream().flatMap(t -> t.findings().stream()).toList();
    }

    public long count(Severity s) {
        return findings().stream().filter(f -> f.severity() == s).count();
    }

    /** Clean: no problem and no warning (notes allowed). */
    public boolean clean() {
        return count(Severity.PROBLEM) == 0 && count(Severity.WARNING) == 0;
    }
}
