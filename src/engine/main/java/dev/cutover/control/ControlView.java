package dev.cutover.control;

/**
 * The state as read now, with what a console needs around it.
 *
 * @param state              the state (version 0: never written, or lost)
 * @param changedAt          epoch ms of the last change, 0 if unknown
 * @param lost               non-null when Redis lost state it held: what was lost and how to restore it
 * @param lastKnown          the newest state known besides Redis (memory, the local cache, the witness), may be null
 * @param createdAt          epoch ms of the state's first change as Redis holds it, 0 if none
 * @param lastKnownCreatedAt {@code created_at} of {@code lastKnown} (from the witness or the cache), 0 if unknown
 * @param witness            how the witness in the new database stands ({@link ControlWitness}), null when none is configured
 * @param witnessFailed      the witness could not be read or written: loss is then noticed only from this machine's cache
 */
public record ControlView(ControlState state, long changedAt, String lost, ControlState lastKnown, long createdAt,
                          long lastKnownCreatedAt, String witness, boolean witnessFailed) {
    public ControlView(ControlState state, long changedAt, String lost, ControlState lastKnown) {
        this(state, changedAt, lost, lastKnown, 0, 0, null, false);
    }

    public boolean isLost() {
        return lost != null;
    }
}
