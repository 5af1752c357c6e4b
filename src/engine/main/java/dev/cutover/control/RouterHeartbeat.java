package dev.cutover.control;

import java.util.Map;

/** One router instance's heartbeat hash ({@link ControlKeys#router}), fields in {@link ControlKeys.Heartbeat}. */
public record RouterHeartbeat(String instance, Map<String, String> fields) {
    public RouterHeartbeat {
        fields = Map.copyOf(fields);
    }

    public long version() {
        return parse(fields.get(ControlKeys.Heartbeat.VERSION));
    }

    /**
     * The version the router acknowledges ({@link ControlKeys.Heartbeat#ACKED_VERSION}); -1 when
     * the heartbeat has no such field (a router before it).
     */
    public long ackedVersion() {
        String s = fields.get(ControlKeys.Heartbeat.ACKED_VERSION);
        return s == null ? -1 : parse(s);
    }

    public boolean degraded() {
        return "true".equals(fields.get(ControlKeys.Heartbeat.DEGRADED));
    }

    public String reason() {
        return fields.getOrDefault(ControlKeys.Heartbeat.REASON, "");
    }

    public long at() {
        return parse(fields.get(ControlKeys.Heartbeat.AT));
    }

    public String host() {
        return fields.getOrDefault(ControlKeys.Heartbeat.HOST, "");
    }

    private static long parse(String s) {
        try {
            return s == null ? 0 : Long.parseLong(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
