package dev.cutover.cli;

/** Bad input on the command line; its message is shown as is. */
public class UserError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UserError(String message) {
        super(message);
    }
}
