package dev.cutover.plan;

/** A plan that cannot be used; the message is one line naming the file, the JSON path and what is wrong. */
public class PlanException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public PlanException(String message) {
        super(message);
    }

    public PlanException(String message, Throwable cause) {
        super(message, cause);
    }
}
