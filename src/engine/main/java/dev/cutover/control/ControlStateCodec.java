package dev.cutover.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.io.Json;

import java.util.List;

/**
 * The wire forms of {@link ControlState}: the values of the six state keys (read together with
 * one {@code MGET} of {@link #keys}) and the JSON published on the change channel. Shared by the
 * control plane, which writes, and the router, which follows.
 */
public final class ControlStateCodec {
    private static final ObjectMapper JSON = Json.MAPPER;

    private ControlStateCodec() {
    }

    /** The keys to MGET, in the order {@link #fromValues} expects. */
    public static List<String> keys(ControlKeys k) {
        return List.of(k.phase(), k.writeTarget(), k.readPercent(), k.shadowSampleRate(), k.routingSalt(), k.version());
    }

    /** The string value of each key for a state, in the order of {@link #keys}. */
    public static List<String> toValues(ControlState s) {
        return List.of(s.phase().wireName(), s.writeTarget().wireName(), Integer.toString(s.readPercent()),
                Double.toString(s.shadowSampleRate()), s.routingSalt(), Long.toString(s.version()));
    }

    /**
     * Parses MGET values (nulls where a key is absent). All absent means the migration was never
     * set up: {@link ControlState#initial()}.
     */
    public static ControlState fromValues(List<String> v) {
        if (v.size() != 6) {
            throw new IllegalArgumentException("expected 6 control values, got " + v.size());
        }
        if (v.stream().allMatch(x -> x == null)) {
            return ControlState.initial();
        }
        Phase phase = v.get(0) == null ? Phase.PLANNING : Phase.fromWire(v.get(0));
        WriteTarget wt = v.get(1) == null ? phase.writeTarget() : WriteTarget.fromWire(v.get(1));
        int read = v.get(2) == null ? 0 : Integer.parseInt(v.get(2));
        double rate = v.get(3) == null ? 0.0 : Double.parseDouble(v.get(3));
        String salt = v.get(4) == null ? "" : v.get(4);
        long version = v.get(5) == null ? 0 : Long.parseLong(v.get(5));
        return new ControlState(phase, wt, read, rate, salt, version);
    }

    /** The JSON published on the change channel: {@code {"phase":…,"write_target":…,…,"version":N}}. */
    public static String toJson(ControlState s) {
        ObjectNode o = JSON.createObjectNode();
        o.put("phase", s.phase().wireName());
        o.put("write_target", s.writeTarget().wireName());
        o.put("read_percent", s.readPercent());
        o.put("shadow_sample_rate", s.shadowSampleRate());
        o.put("routing_salt", s.routingSalt());
        o.put("version", s.version());
        return o.toString();
    }

    public static ControlState fromJson(String json) {
        try {
            JsonNode o = JSON.readTree(json);
            return new ControlState(Phase.fromWire(o.path("phase").asText()),
                    WriteTarget.fromWire(o.path("write_target").asText()), o.path("read_percent").asInt(),
                    o.path("shadow_sample_rate").asDouble(), o.path("routing_salt").asText(""),
                    o.path("version").asLong());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("bad control state message: " + e.getOriginalMessage(), e);
        }
    }
}
