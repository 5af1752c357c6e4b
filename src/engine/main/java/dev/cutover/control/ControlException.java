package dev.cutover.control;

/** A control-plane failure with a complete one-line message (what, where), shown to the user as is. */
public class ControlException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ControlException(String message) {
        super(message);
    }

    public ControlException(String message, Throwable cause) {
        super(message, cause);
    }
}
