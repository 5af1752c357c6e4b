package dev.cutover.control;

/**
 * Redis no longer holds the state a client knew it held (restart without persistence, eviction,
 * flush). Changes are refused until the state is restored explicitly ({@link ControlStore#restore}).
 */
public final class StateLostException extends ControlException {
    private static final long serialVersionUID = 1L;

    public StateLostException(String message) {
        super(message);
    }
}
