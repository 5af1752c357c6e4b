package dev.cutover.backfill;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.sql.Flow;

import java.math.BigDecimal;
import java.util.List;
import java.util.Set;

/** A row's key as the JSON object of DESIGN.md ({@code {"order_id":5,"line_no":2}}): numbers stay numbers, the rest is text. */
final class KeyJson {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> NUMERIC = Set.of("smallint", "integer", "bigint", "numeric", "real", "double precision");

    private KeyJson() {
    }

    static String of(Flow f, List<String> values) {
        ObjectNode o = JSON.createObjectNode();
        for (int i = 0; i < values.size(); i++) {
            Flow.KeyColumn k = f.key().get(i);
            String v = values.get(i);
            String base = k.fromType().replaceAll("\\(.*\\)", "");
            if (v != null && NUMERIC.contains(base)) {
                try {
                    o.put(k.toColumn(), new BigDecimal(v));
                    continue;
                } catch (NumberFormatException ignored) {
                    // NaN, Infinity: keep as text
                }
            }
            o.put(k.toColumn(), v);
        }
        return o.toString();
    }
}
