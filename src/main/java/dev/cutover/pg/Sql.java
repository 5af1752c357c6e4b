package dev.cutover.pg;

import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

import java.sql.SQLException;

/** Small helpers around JDBC errors. */
public final class Sql {
    private Sql() {
    }

    /** The server's own message, one line, without pgjdbc's "Where:"/"Position:" continuation lines. */
    public static String message(SQLException e) {
        if (e instanceof PSQLException p && p.getServerErrorMessage() != null) {
            ServerErrorMessage m = p.getServerErrorMessage();
            String msg = m.getMessage();
            if (m.getDetail() != null) {
                msg += " (" + m.getDetail() + ")";
            }
            return msg;
        }
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = msg.indexOf('\n');
        msg = nl < 0 ? msg : msg.substring(0, nl);
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root instanceof java.net.UnknownHostException) {
            msg += " (unknown host " + root.getMessage() + ")";
        } else if (root != e && root.getMessage() != null && !msg.contains(root.getMessage())) {
            msg += " (" + root.getMessage().lines().findFirst().orElse("") + ")";
        }
        return msg;
    }

    /**
     * The server's message for a row's error without the row's values, for lines, logs and the
     * skipped-rows record: no detail (a check or NOT NULL violation's detail spells out the failing
     * row) and, for a data exception, not the input the server quotes after the colon ({@code invalid
     * input syntax for type integer: "high"} becomes {@code invalid input syntax for type integer}).
     * The SQLSTATE follows in brackets.
     */
    public static String messageWithoutValues(SQLException e) {
        SQLException x = e instanceof java.sql.BatchUpdateException && e.getNextException() != null ? e.getNextException() : e;
        String msg;
        if (x instanceof PSQLException p && p.getServerErrorMessage() != null && p.getServerErrorMessage().getMessage() != null) {
            msg = p.getServerErrorMessage().getMessage();
        } else {
            msg = message(x);
            int paren = msg.indexOf(" (");
            msg = paren < 0 ? msg : msg.substring(0, paren);
        }
        String s = state(x);
        if (s.startsWith("22")) {
            int quoted = msg.indexOf(": \"");
            msg = quoted < 0 ? msg : msg.substring(0, quoted);
        }
        return s.isEmpty() ? msg : msg + " [" + s + "]";
    }

    /** The SQLSTATE, or "" when unknown. */
    public static String state(SQLException e) {
        return e.getSQLState() == null ? "" : e.getSQLState();
    }

    /**
     * The constraint the server names in the error (a foreign key, a unique key), or null; for a
     * batch, that of the statement that failed.
     */
    public static String constraint(SQLException e) {
        SQLException x = e.getNextException() != null ? e.getNextException() : e;
        if (x instanceof PSQLException p && p.getServerErrorMessage() != null) {
            return p.getServerErrorMessage().getConstraint();
        }
        return null;
    }

    /** The column the server names in the error (a NOT NULL violation), or null. */
    public static String column(SQLException e) {
        SQLException x = e.getNextException() != null ? e.getNextException() : e;
        if (x instanceof PSQLException p && p.getServerErrorMessage() != null) {
            return p.getServerErrorMessage().getColumn();
        }
        return null;
    }

    /** True for a foreign-key violation (SQLSTATE 23503), also when it ended a batch. */
    public static boolean isForeignKeyViolation(SQLException e) {
        SQLException x = e.getNextException() != null ? e.getNextException() : e;
        return "23503".equals(state(x)) || "23503".equals(state(e));
    }

    /** The 1-based character position the server points at in the statement, or 0. */
    public static int position(SQLException e) {
        if (e instanceof PSQLException p && p.getServerErrorMessage() != null) {
            return p.getServerErrorMessage().getPosition();
        }
        return 0;
    }

    /**
     * What an error means for work that may be tried again, decided once from its SQLSTATE for every
     * caller (backfill, verify, repair, the router's mirror writes).
     */
    public enum Failure {
        /**
         * One row's value: a data exception (class 22: out of range 22003, invalid text 22P02, division
         * by zero 22012, too long 22001, …), an integrity violation (class 23), a feature not supported
         * for this value (0A000: NaN to an integer) or an exception raised by a function (P0001).
         * Retrying never cures it; the row is found by key and reported or skipped.
         */
        ROW,
        /**
         * The statement itself: syntax error or access rule violation (class 42: an undefined column or
         * function, a type mismatch, permission denied). It fails for every row, so it is never retried.
         */
        STATEMENT,
        /**
         * A retry may cure it: connection lost (class 08), serialization failure or deadlock (40001,
         * 40P01), the server shutting down or restarting (57P01..57P03), lock or statement timeout
         * (55P03, 57014). Retried with back-off on fresh connections.
         */
        TRANSIENT,
        /** Insufficient resources (class 53: disk full, out of memory, too many connections): retried, but fewer times. */
        RESOURCES,
        /** Anything else (an internal error, an unknown state): not retried. */
        OTHER
    }

    /** The class of an error; for a batch, that of the statement that failed. */
    public static Failure classify(SQLException e) {
        SQLException x = e instanceof java.sql.BatchUpdateException && e.getNextException() != null ? e.getNextException() : e;
        String s = state(x);
        if (s.startsWith("22") || s.startsWith("23") || s.equals("0A000") || s.equals("P0001")) {
            return Failure.ROW;
        }
        if (s.startsWith("42")) {
            return Failure.STATEMENT;
        }
        if (s.startsWith("08") || s.equals("40001") || s.equals("40P01") || s.equals("57P01") || s.equals("57P02")
                || s.equals("57P03") || s.equals("55P03") || s.equals("57014")) {
            return Failure.TRANSIENT;
        }
        if (s.startsWith("53")) {
            return Failure.RESOURCES;
        }
        return Failure.OTHER;
    }

    /**
     * The class of any failure: that of the first {@link SQLException} in its cause chain (a
     * connection that could not be opened is wrapped by {@code Db}), else {@link Failure#OTHER}.
     */
    public static Failure classify(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof SQLException q) {
                return classify(q);
            }
        }
        return Failure.OTHER;
    }

    /** True for errors that a retry may cure: {@link Failure#TRANSIENT} and {@link Failure#RESOURCES}. */
    public static boolean isTransient(SQLException e) {
        Failure f = classify(e);
        return f == Failure.TRANSIENT || f == Failure.RESOURCES;
    }
}
