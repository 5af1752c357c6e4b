package dev.cutover.work;

/**
 * A chunk failure that retrying will not cure (a row the transform rejects, a constraint the target
 * enforces): the table stops at once with this message, which names the table and the row's key.
 */
public class FatalChunkError extends Exception {
    private static final long serialVersionUID = 1L;

    public FatalChunkError(String message) {
        super(message);
    }

    public FatalChunkError(String message, Throwable cause) {
        super(message, cause);
    }
}
