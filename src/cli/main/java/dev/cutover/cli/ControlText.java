package dev.cutover.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.control.AuditEntry;
import dev.cutover.control.ControlState;
import dev.cutover.control.ControlStateCodec;
import dev.cutover.control.GuardCheck;
import dev.cutover.io.Json;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/** How the control commands write states, guards and audit entries, for people and as JSON. */
final class ControlText {
    static final ObjectMapper JSON = Json.MAPPER;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    private ControlText() {
    }

    static String time(long epochMillis) {
        return epochMillis <= 0 ? "unknown" : TIME.format(Instant.ofEpochMilli(epochMillis));
    }

    static String guards(List<GuardCheck> checks, String indent) {
        StringBuilder b = new StringBuilder();
        for (GuardCheck c : checks) {
            b.append(indent).append(c).append('\n');
        }
        return b.toString();
    }

    static ObjectNode state(ControlState s) {
        try {
            return (ObjectNode) JSON.readTree(ControlStateCodec.toJson(s));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static ArrayNode guardsJson(List<GuardCheck> checks) {
        ArrayNode a = JSON.createArrayNode();
        for (GuardCheck c : checks) {
            ObjectNode o = a.addObject();
            o.put("name", c.name());
            o.put("ok", c.ok());
            o.put("detail", c.detail());
        }
        return a;
    }

    /** {@code 2026-11-26 00:40:12 UTC  v7  alice@host  traffic  read_percent 5 → 25  "why"}. */
    static String audit(AuditEntry e) {
        StringBuilder b = new StringBuilder();
        b.append(time(e.at())).append("  v").append(e.version()).append("  ").append(e.who()).append("  ");
        if (e.automatic()) {
            b.append("AUTOMATIC ");
        }
        b.append(e.action()).append("  ").append(e.field()).append(' ').append(e.from()).append(" → ").append(e.to());
        if (e.override()) {
            b.append("  OVERRIDE");
            String guard = e.get(dev.cutover.control.ControlKeys.Audit.GUARD);
            if (!guard.isEmpty()) {
                b.append(" of [").append(guard).append(']');
            }
        }
        if (!e.why().isEmpty()) {
            b.append("  why: ").append(e.why());
        }
        return b.toString();
    }

    static ObjectNode auditJson(AuditEntry e) {
        ObjectNode o = JSON.createObjectNode();
        o.put("id", e.id());
        new java.util.TreeMap<>(e.fields()).forEach(o::put);
        return o;
    }
}
