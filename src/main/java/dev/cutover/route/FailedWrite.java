package dev.cutover.route;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.control.ControlKeys;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A mirror write that did not happen: the plan's target table, the row key as a JSON object of
 * target key columns (e.g. {@code {"id":5}}), when (epoch ms) and why. The fields of an entry of
 * the failed-write stream, and one line of the spill file.
 */
public record FailedWrite(String table, String key, long at, String error) {
    private static final ObjectMapper JSON = new ObjectMapper();

    Map<String, String> fields() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(ControlKeys.FailedWrite.TABLE, table);
        m.put(ControlKeys.FailedWrite.KEY, key);
        m.put(ControlKeys.FailedWrite.AT, Long.toString(at));
        m.put(ControlKeys.FailedWrite.ERROR, error == null ? "" : error);
        return m;
    }

    static FailedWrite fromFields(Map<String, String> m) {
        return new FailedWrite(m.get(ControlKeys.FailedWrite.TABLE), m.get(ControlKeys.FailedWrite.KEY),
                parseAt(m.get(ControlKeys.FailedWrite.AT)), m.getOrDefault(ControlKeys.FailedWrite.ERROR, ""));
    }

    String toJsonLine() {
        ObjectNode o = JSON.createObjectNode();
        fields().forEach(o::put);
        return o.toString();
    }

    static FailedWrite fromJsonLine(String line) {
        try {
            JsonNode o = JSON.readTree(line);
            return new FailedWrite(o.path("table").asText(), o.path("key").asText(), parseAt(o.path("at").asText()),
                    o.path("error").asText());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("bad spill line: " + e.getOriginalMessage(), e);
        }
    }

    private static long parseAt(String s) {
        try {
            return s == null ? 0 : Long.parseLong(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
