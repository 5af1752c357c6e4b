package dev.cutover.verify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Compares the rows of both sides by key and column: a key only on the from side is
 * {@code missing_in_target}, only on the to side {@code extra_in_target}, on both with some
 * compare value not equal {@code different}. Values compare by their text forms, the same forms
 * the row hash is computed over, so a chunk whose hashes differ only by accident yields nothing.
 */
final class RowDiff {
    static final ObjectMapper JSON = JsonMapper.builder()
            .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    private final String table;
    private final List<String> keyNames;
    private final List<String> columnNames;

    RowDiff(String table, List<String> keyNames, List<String> columnNames) {
        this.table = table;
        this.keyNames = keyNames;
        this.columnNames = columnNames;
    }

    List<Difference> diff(List<SideRow> from, List<SideRow> to) {
        Map<List<String>, SideRow> toByKey = new LinkedHashMap<>();
        List<Difference> out = new ArrayList<>();
        for (SideRow r : to) {
            if (toByKey.putIfAbsent(r.key(), r) != null) {
                out.add(difference(r, Difference.Kind.EXTRA_IN_TARGET, List.of(), null, r));
            }
        }
        for (SideRow f : from) {
            SideRow t = toByKey.remove(f.key());
            if (t == null) {
                out.add(difference(f, Difference.Kind.MISSING_IN_TARGET, List.of(), f, null));
                continue;
            }
            List<String> cols = new ArrayList<>();
            for (int i = 0; i < columnNames.size(); i++) {
                if (!Objects.equals(f.values().get(i), t.values().get(i))) {
                    cols.add(columnNames.get(i));
                }
            }
            if (!cols.isEmpty()) {
                out.add(difference(f, Difference.Kind.DIFFERENT, cols, f, t));
            }
        }
        for (SideRow t : toByKey.values()) {
            out.add(difference(t, Difference.Kind.EXTRA_IN_TARGET, List.of(), null, t));
        }
        return out;
    }

    private Difference difference(SideRow keyed, Difference.Kind kind, List<String> cols, SideRow from, SideRow to) {
        ObjectNode key = JSON.createObjectNode();
        for (int i = 0; i < keyNames.size(); i++) {
            key.set(keyNames.get(i), parse(keyed.keyJson().get(i)));
        }
        return new Difference(table, key, keyed.key(), kind, cols, row(from), row(to));
    }

    private ObjectNode row(SideRow r) {
        if (r == null) {
            return null;
        }
        ObjectNode o = JSON.createObjectNode();
        for (int i = 0; i < columnNames.size(); i++) {
            o.set(columnNames.get(i), parse(r.json().get(i)));
        }
        return o;
    }

    private static JsonNode parse(String json) {
        if (json == null) {
            return JSON.nullNode();
        }
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            return JSON.getNodeFactory().textNode(json);
        }
    }
}
