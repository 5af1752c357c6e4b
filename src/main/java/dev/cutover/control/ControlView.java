package dev.cutover.control;

/**
 * The state as read now, with what a console needs around it.
 *
 * @param state      the state (version 0: never written, or lost)
 * @param changedAt  epoch ms of the last change, 0 if unknown
 * @param lost       non-null when Redis lost state it held: what was lost and how to restore it
 * @param lastKnown  the last state this client knew of (from memory or the local cache), may be null
 */
public record ControlView(ControlState state, long changedAt, String lost, ControlState lastKnown) {
    public boolean isLost() {
        return lost != null;
    }
}
