package dev.cutover.route;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.control.ControlKeys;
import dev.cutover.control.WriteTarget;
import dev.cutover.io.Json;
import dev.cutover.sql.Direction;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A mirror write that did not happen: the plan's target table, the row key as a JSON object of
 * target key columns (e.g. {@code {"id":5}}), when (epoch ms) and why, and the control-state
 * version and write target the write was made under (0 and null for an entry of a router before
 * them). The fields of an entry of the failed-write stream, and one line of the spill file.
 */
public record FailedWrite(String table, String key, long at, String error, long version, WriteTarget writeTarget) {
    private static final ObjectMapper JSON = Json.MAPPER;

    /** An entry without the state it was made under (as older routers wrote them). */
    public FailedWrite(String table, String key, long at, String error) {
        this(table, key, at, error, 0, null);
    }

    /**
     * The side that was the truth for this write when it was made: old for a write made under
     * {@code dual_write} (old first), new under {@code new_primary}; null when not recorded.
     */
    Direction direction() {
        if (writeTarget == null) {
            return null;
        }
        return writeTarget == WriteTarget.NEW_PRIMARY || writeTarget == WriteTarget.NEW_ONLY ? Direction.REVERSE
                : Direction.FORWARD;
    }

    Map<String, String> fields() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(ControlKeys.FailedWrite.TABLE, table);
        m.put(ControlKeys.FailedWrite.KEY, key);
        m.put(ControlKeys.FailedWrite.AT, Long.toString(at));
        m.put(ControlKeys.FailedWrite.ERROR, error == null ? "" : error);
        if (writeTarget != null) {
            m.put(ControlKeys.FailedWrite.VERSION, Long.toString(version));
            m.put(ControlKeys.FailedWrite.WRITE_TARGET, writeTarget.wireName());
        }
        return m;
    }

    static FailedWrite fromFields(Map<String, String> m) {
        return new FailedWrite(m.get(ControlKeys.FailedWrite.TABLE), m.get(ControlKeys.FailedWrite.KEY),
                parseLong(m.get(ControlKeys.FailedWrite.AT)), m.getOrDefault(ControlKeys.FailedWrite.ERROR, ""),
                parseLong(m.get(ControlKeys.FailedWrite.VERSION)), writeTarget(m.get(ControlKeys.FailedWrite.WRITE_TARGET)));
    }

    String toJsonLine() {
        ObjectNode o = JSON.createObjectNode();
        fields().forEach(o::put);
        return o.toString();
    }

    static FailedWrite fromJsonLine(String line) {
        try {
            JsonNode o = JSON.readTree(line);
            return new FailedWrite(o.path("table").asText(), o.path("key").asText(), parseLong(o.path("at").asText()),
                    o.path("error").asText(), parseLong(o.path(ControlKeys.FailedWrite.VERSION).asText(null)),
                    writeTarget(o.path(ControlKeys.FailedWrite.WRITE_TARGET).asText(null)));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("bad spill line: " + e.getOriginalMessage(), e);
        }
    }

    /** An unknown or absent write target is "not recorded" (the entry is then treated as an older router's). */
    private static WriteTarget writeTarget(String s) {
        if (s == null || s.isEmpty()) {
            return null;
        }
        try {
            return WriteTarget.fromWire(s);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static long parseLong(String s) {
        try {
            return s == null ? 0 : Long.parseLong(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
