package dev.cutover.control;

import java.util.Locale;

/** The seven phases of a migration (README, "The migration, phase by phase"), in order, with the write target each one implies. */
public enum Phase {
    PLANNING(WriteTarget.OLD_ONLY, false),
    BACKFILL(WriteTarget.OLD_ONLY, false),
    DUAL_WRITE(WriteTarget.DUAL_WRITE, false),
    SHADOW_READ(WriteTarget.DUAL_WRITE, false),
    TRAFFIC_SHIFT(WriteTarget.DUAL_WRITE, false),
    NEW_PRIMARY(WriteTarget.NEW_PRIMARY, true),
    CLEANUP(WriteTarget.NEW_ONLY, true);

    private final WriteTarget writeTarget;
    private final boolean newIsTruth;

    Phase(WriteTarget writeTarget, boolean newIsTruth) {
        this.writeTarget = writeTarget;
        this.newIsTruth = newIsTruth;
    }

    /** Where writes go in this phase. */
    public WriteTarget writeTarget() {
        return writeTarget;
    }

    /** True from new_primary on: the new database is the source of truth, the old one follows through `reverse`. */
    public boolean newIsTruth() {
        return newIsTruth;
    }

    /** The name used in Redis, plans and on the command line, e.g. {@code dual_write}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Phase fromWire(String s) {
        for (Phase p : values()) {
            if (p.wireName().equals(s)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown phase '" + s + "' (expected one of planning, backfill, dual_write, "
                + "shadow_read, traffic_shift, new_primary, cleanup)");
    }
}
