package dev.cutover.plan;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How one source table becomes one target table: key, forward column mappings, deliberately
 * dropped source columns and the optional reverse mappings used from new_primary on.
 */
public record TableMapping(TableRef source, TableRef target, List<String> key, List<ColumnMapping> columns,
                           List<String> dropped, List<ColumnMapping> reverse) {

    public TableMapping {
        key = List.copyOf(key);
        columns = List.copyOf(columns);
        dropped = List.copyOf(dropped);
        reverse = List.copyOf(reverse);
    }

    /** The mapping of a target column, if any. */
    public Optional<ColumnMapping> column(String target) {
        return columns.stream().filter(c -> c.target().equals(target)).findFirst();
    }

    /**
     * The target column each source key column reaches unchanged (same order as {@link #key()}).
     * A key column is "mapped unchanged" when some column's expr is exactly that column's name,
     * bare or double-quoted.
     */
    public List<String> targetKey() {
        List<String> out = new ArrayList<>();
        for (String k : key) {
            out.add(columns.stream().filter(c -> SqlNames.isBareReference(c.expr(), k))
                    .map(ColumnMapping::target).findFirst()
                    .orElseThrow(() -> new IllegalStateException("key column " + k + " is not mapped unchanged")));
        }
        return out;
    }

    /**
     * Reverse mappings (source column from one target row) as the engine applies them: the explicit
     * {@code reverse} entries, plus every forward mapping that is a bare column reference (its
     * reverse is the identity), the key columns included. Keyed by source column, in a stable order.
     */
    public Map<String, String> effectiveReverse() {
        Map<String, String> out = new LinkedHashMap<>();
        for (ColumnMapping c : columns) {
            SqlNames.referencedColumn(c.expr()).ifPresent(src -> out.putIfAbsent(src, SqlNames.quote(c.target())));
        }
        for (ColumnMapping r : reverse) {
            out.put(r.target(), r.expr());
        }
        return out;
    }

    public boolean hasReverse() {
        return !reverse.isEmpty();
    }
}
