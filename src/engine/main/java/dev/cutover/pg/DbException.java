package dev.cutover.pg;

/** A database problem, described in one line that names the database (and table, column, key where known). */
public class DbException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DbException(String message) {
        super(message);
    }

    public DbException(String message, Throwable cause) {
        super(message, cause);
    }
}
