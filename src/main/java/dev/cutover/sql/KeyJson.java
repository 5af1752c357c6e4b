package dev.cutover.sql;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.math.BigDecimal;
import java.util.List;
import java.util.Set;

/**
 * A row key as the JSON object users see in reports and the mismatch CSV, e.g.
 * {@code {"order_id":5,"line_no":2}}: integer and numeric keys as JSON numbers, every other type
 * as its text form.
 */
public final class KeyJson {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> NUMERIC = Set.of("smallint", "integer", "bigint", "numeric");

    private KeyJson() {
    }

    /** {@code columns}, their SQL types (base or full) and the values' text forms, in key order. */
    public static String of(List<String> columns, List<String> types, List<String> values) {
        ObjectNode o = JSON.createObjectNode();
        for (int i = 0; i < columns.size(); i++) {
            String v = values.get(i);
            String type = types.get(i).replaceAll("\\(.*\\)", "").strip();
            if (v == null) {
                o.putNull(columns.get(i));
            } else if (NUMERIC.contains(type)) {
                o.put(columns.get(i), new BigDecimal(v));
            } else {
                o.put(columns.get(i), v);
            }
        }
        return o.toString();
    }

    /** The key of the to side of a flow (target key forward, source key in reverse). */
    public static String toSide(Flow f, List<String> values) {
        return of(f.key().stream().map(Flow.KeyColumn::toColumn).toList(),
                f.key().stream().map(Flow.KeyColumn::toType).toList(), values);
    }

    /** The key of the from side of a flow. */
    public static String fromSide(Flow f, List<String> values) {
        return of(f.key().stream().map(Flow.KeyColumn::fromColumn).toList(),
                f.key().stream().map(Flow.KeyColumn::fromType).toList(), values);
    }
}
