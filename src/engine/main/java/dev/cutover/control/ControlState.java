package dev.cutover.control;

/**
 * One consistent snapshot of a migration's control state (read with one MGET, changed by one
 * atomic operation). {@code version} 0 means no state was ever written.
 */
public record ControlState(Phase phase, WriteTarget writeTarget, int readPercent, double shadowSampleRate,
                           String routingSalt, long version) {

    public ControlState {
        if (readPercent < 0 || readPercent > 100) {
            throw new IllegalArgumentException("read_percent must be 0..100, was " + readPercent);
        }
        if (shadowSampleRate < 0.0 || shadowSampleRate > 1.0) {
            throw new IllegalArgumentException("shadow_sample_rate must be 0.0..1.0, was " + shadowSampleRate);
        }
    }

    /** The state of a migration nobody has touched yet. */
    public static ControlState initial() {
        return new ControlState(Phase.PLANNING, WriteTarget.OLD_ONLY, 0, 0.0, "", 0);
    }
}
