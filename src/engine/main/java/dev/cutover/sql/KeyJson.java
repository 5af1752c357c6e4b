package dev.cutover.sql;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.io.Json;

import java.math.BigDecimal;
import java.util.List;
import java.util.Set;

/**
 * A row key as the JSON object users see in reports and the mismatch CSV, e.g.
 * {@code {"order_id":5,"line_no":2}}: integer, numeric and floating-point keys as JSON numbers
 * (except NaN and ±Infinity, which JSON numbers cannot hold: those stay text), every other type as
 * its text form.
 */
public final class KeyJson {
    private static final ObjectMapper JSON = Json.MAPPER;
    private static final Set<String> NUMERIC = Set.of("smallint", "integer", "bigint", "numeric", "real", "double precision");

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
            } else if (NUMERIC.contains(type) && isNumber(v)) {
                o.put(columns.get(i), new BigDecimal(v));
            } else {
                o.put(columns.get(i), v);
            }
        }
        return o.toString();
    }

    private static boolean isNumber(String v) {
        try {
            new BigDecimal(v);
            return true;
        } catch (NumberFormatException e) {
            return false; // NaN, Infinity, -Infinity
        }
    }

    /**
     * Key values read on the from side, named as on the to side (typed by the from side's key
     * types): how backfill reports a source row it could not copy.
     */
    public static String toNames(Flow f, List<String> fromValues) {
        return of(f.key().stream().map(Flow.KeyColumn::toColumn).toList(),
                f.key().stream().map(Flow.KeyColumn::fromType).toList(), fromValues);
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
