package dev.cutover.verify;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * One row that is not the same on both sides. {@code table} is the exact name of the table on
 * the compared ("to") side: the target table going forward, the old table in reverse.
 * {@code key} is a JSON object of the to side's key columns; {@code sourceRow} is the truth
 * side's row after the mapping, {@code targetRow} the compared row (either null where absent);
 * {@code columns} names the differing to columns of a {@link Kind#DIFFERENT} row; {@code keyText}
 * holds the key values as text, in key order (how keys are bound back, e.g. by repair).
 */
public record Difference(String table, ObjectNode key, List<String> keyText, Kind kind, List<String> columns, ObjectNode sourceRow,
                         ObjectNode targetRow) {

    public Difference {
        keyText = List.copyOf(keyText);
        columns = List.copyOf(columns);
    }

    /** The kinds of difference, with their names in the CSV and in stored results. */
    public enum Kind {
        MISSING_IN_TARGET("missing_in_target"),
        EXTRA_IN_TARGET("extra_in_target"),
        DIFFERENT("different");

        private final String wire;

        Kind(String wire) {
            this.wire = wire;
        }

        public String wireName() {
            return wire;
        }
    }

    /** For messages and logs: {@code public.orders {"id":5} different (total_cents)}. */
    public String describe() {
        return table + " " + key + " " + kind.wireName() + (columns.isEmpty() ? "" : " (" + String.join(", ", columns) + ")");
    }
}
