package dev.cutover.control;

import java.util.Locale;

/** Where the router sends writes (docs/contracts.md, control state {@code write_target}). */
public enum WriteTarget {
    /** Old database only. */
    OLD_ONLY,
    /** Old first and committed, then mirrored to new off the caller's path. */
    DUAL_WRITE,
    /** New first, then mirrored to old (kept for rollback). */
    NEW_PRIMARY,
    /** New database only. */
    NEW_ONLY;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static WriteTarget fromWire(String s) {
        for (WriteTarget t : values()) {
            if (t.wireName().equals(s)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown write_target '" + s + "' (expected old_only, dual_write, new_primary or new_only)");
    }
}
