package dev.cutover.control;

import java.util.Map;

/**
 * One entry of the audit stream: who did what, when, from what to what, and why.
 *
 * @param id      the stream entry id
 * @param fields  every field of the entry (names in {@link ControlKeys.Audit})
 */
public record AuditEntry(String id, Map<String, String> fields) {
    public AuditEntry {
        fields = Map.copyOf(fields);
    }

    public String get(String field) {
        return fields.getOrDefault(field, "");
    }

    public String who() {
        return get(ControlKeys.Audit.WHO);
    }

    public long at() {
        return parseLong(get(ControlKeys.Audit.AT));
    }

    public String action() {
        return get(ControlKeys.Audit.ACTION);
    }

    public String field() {
        return get(ControlKeys.Audit.FIELD);
    }

    public String from() {
        return get(ControlKeys.Audit.FROM);
    }

    public String to() {
        return get(ControlKeys.Audit.TO);
    }

    public String why() {
        return get(ControlKeys.Audit.WHY);
    }

    public boolean override() {
        return "true".equals(get(ControlKeys.Audit.OVERRIDE));
    }

    public long version() {
        return parseLong(get(ControlKeys.Audit.VERSION));
    }

    /** True for a change the watchdog made by itself (the console shows these loudly). */
    public boolean automatic() {
        return ControlStore.ACTION_RAMP_DOWN.equals(action());
    }

    /** The state this change produced, or null for an entry without one. */
    public ControlState state() {
        String json = get(ControlKeys.Audit.STATE);
        return json.isEmpty() ? null : ControlStateCodec.fromJson(json);
    }

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
