package dev.cutover.control;

/**
 * Someone else changed the state between the moment it was read and the compare-and-set: the
 * change was NOT applied. {@link #current()} is the state now; review it and retry.
 */
public final class ConflictException extends ControlException {
    private static final long serialVersionUID = 1L;
    private final transient ControlState current;

    public ConflictException(String migration, long expected, ControlState current) {
        super("migration " + migration + ": the control state changed meanwhile (expected version " + expected
                + ", now " + current.version() + ": phase " + current.phase().wireName() + ", read_percent "
                + current.readPercent() + "); nothing was changed, review and retry");
        this.current = current;
    }

    public ControlState current() {
        return current;
    }
}
