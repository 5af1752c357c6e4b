package dev.cutover.pg;

import dev.cutover.io.Secrets;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

import java.sql.BatchUpdateException;
import java.sql.SQLException;

/** Small helpers around JDBC errors. */
public final class Sql {
    private Sql() {
    }

    /**
     * The error in one line, safe to store and log: it never quotes a row's values nor a password.
     * This is the one sanitiser for every database error Cutover records (failed-write entries,
     * skipped rows, logs, command errors).
     * <ul>
     * <li>A server error is built from the server's structured fields: for an error about data
     *     (SQLSTATE classes 22, 23, 27, 44) the primary message without the value it may quote
     *     ({@code invalid input syntax for type integer: "…"} loses what follows the colon, quoted
     *     values become {@code "…"}), never the DETAIL ({@code Failing row contains (…)},
     *     {@code Key (email)=(…) already exists}), then SQLSTATE, table, column, constraint, type;
     *     an error raised by a function or trigger (P0, 38, 39, 2F, or a class of its own) is named
     *     by its SQLSTATE and routine only, its text being the function's. Other errors (a lost
     *     connection, a missing table, a syntax error in a plan expression) keep the server's message
     *     and DETAIL: they hold names, not values.
     * <li>A batch's error is that of the statement that failed: pgjdbc's {@code BatchUpdateException}
     *     spells the statement out with its parameter values.
     * <li>A driver error (no server message) keeps its first line, with URLs' passwords masked and,
     *     for a data error (a value the driver could not convert), nothing after the first colon.
     * </ul>
     */
    public static String message(SQLException e) {
        SQLException x = e instanceof BatchUpdateException && e.getNextException() != null ? e.getNextException() : e;
        if (x instanceof PSQLException p && p.getServerErrorMessage() != null) {
            return serverMessage(p.getServerErrorMessage());
        }
        if (x instanceof BatchUpdateException) {
            return "a batch of statements was aborted" + (state(x).isEmpty() ? "" : " (SQLSTATE " + state(x) + ")");
        }
        String msg = x.getMessage() == null ? x.getClass().getSimpleName() : x.getMessage();
        int nl = msg.indexOf('\n');
        msg = nl < 0 ? msg : msg.substring(0, nl);
        if (dataClass(state(x))) {
            int colon = msg.indexOf(':');
            msg = (colon < 0 ? msg : msg.substring(0, colon)) + " (SQLSTATE " + state(x) + ")";
        }
        Throwable root = x;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root instanceof java.net.UnknownHostException) {
            msg += " (unknown host " + root.getMessage() + ")";
        } else if (root != x && root.getMessage() != null && !msg.contains(root.getMessage()) && !(root instanceof SQLException)) {
            msg += " (" + root.getMessage().lines().findFirst().orElse("") + ")";
        }
        return Secrets.maskText(msg);
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
        String msg = message(x); // the one sanitiser: no row value, no detail for a row's error
        int paren = msg.indexOf(" (");
        msg = paren < 0 ? msg : msg.substring(0, paren);
        String s = state(x);
        return s.isEmpty() ? msg : msg + " [" + s + "]";
    }

    /**
     * One line for any failure: {@link #message} for an SQLException (also one wrapped without a
     * message of its own, {@code new RuntimeException(sqlException)}), else the first line of the
     * message with URLs' passwords masked.
     */
    public static String oneLine(Throwable e) {
        if (e instanceof SQLException s) {
            return message(s);
        }
        Throwable c = e.getCause();
        if (c instanceof SQLException s && (e.getMessage() == null || e.getMessage().equals(c.toString()))) {
            return message(s);
        }
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return Secrets.maskText(nl < 0 ? m : m.substring(0, nl));
    }

    private static String serverMessage(ServerErrorMessage m) {
        return sanitise(m.getSQLState(), m.getMessage(), m.getDetail(), m.getSchema(), m.getTable(), m.getColumn(),
                m.getConstraint(), m.getDatatype(), m.getRoutine());
    }

    /**
     * {@link #message} of an error known only by its SQLSTATE and primary message (plpgsql's
     * {@code SQLSTATE} and {@code SQLERRM}, caught on the server).
     */
    public static String message(String sqlState, String primary) {
        return sanitise(sqlState, primary, null, null, null, null, null, null, null);
    }

    private static String sanitise(String sqlState, String primaryText, String detail, String schema, String table,
                                   String column, String constraint, String datatype, String routine) {
        String state = sqlState == null ? "" : sqlState;
        String primary = primaryText == null ? "" : primaryText;
        if (!dataClass(state) && !raisedByCode(state)) {
            return detail == null || detail.startsWith("Failing row contains") || detail.startsWith("Key (")
                    ? primary : primary + " (" + detail + ")";
        }
        String text;
        if (raisedByCode(state)) {
            text = "error raised by " + (routine != null && !routine.isBlank() && !routine.startsWith("exec_")
                    ? "function " + routine : "a function or trigger");
        } else if (state.startsWith("22")) {
            int colon = primary.indexOf(": ");
            text = QUOTED.matcher(colon < 0 ? primary : primary.substring(0, colon)).replaceAll("\"…\"");
        } else {
            text = primary; // integrity errors (23, 27, 44) name relations, columns and constraints only
        }
        StringBuilder b = new StringBuilder(text).append(" (SQLSTATE ").append(state);
        if (table != null) {
            b.append(", table ").append(schema != null ? schema + "." : "").append(table);
        }
        if (column != null) {
            b.append(", column ").append(column);
        }
        if (constraint != null) {
            b.append(", constraint ").append(constraint);
        }
        if (datatype != null) {
            b.append(", type ").append(datatype);
        }
        return b.append(')').toString();
    }

    private static final java.util.regex.Pattern QUOTED = java.util.regex.Pattern.compile("\"[^\"]*\"");

    /** SQLSTATE classes whose messages or details may quote a value of a row. */
    private static boolean dataClass(String state) {
        return state.startsWith("22") || state.startsWith("23") || state.startsWith("27") || state.startsWith("44");
    }

    /**
     * Errors whose text is written by a function or trigger ({@code RAISE}) and may hold anything:
     * PL/pgSQL's P0 class, external routines (38, 39, 2F), and SQLSTATEs of no standard class.
     */
    private static boolean raisedByCode(String state) {
        if (state.length() != 5) {
            return false;
        }
        if (state.startsWith("P0") || state.startsWith("38") || state.startsWith("39") || state.startsWith("2F")) {
            return true;
        }
        return !STANDARD_CLASSES.contains(state.substring(0, 2));
    }

    private static final java.util.Set<String> STANDARD_CLASSES = java.util.Set.of("00", "01", "02", "03", "08", "09",
            "0A", "0B", "0F", "0L", "0P", "0Z", "20", "21", "22", "23", "24", "25", "26", "27", "28", "2B", "2D", "2F",
            "34", "38", "39", "3B", "3D", "3F", "40", "42", "44", "53", "54", "55", "57", "58", "72", "F0", "HV", "P0", "XX");

    /**
     * True when the failure is that no connection could be established at all (SQLSTATE 08001,
     * 08004: refused, unknown host, rejected), anywhere in its cause chain: at the first contact that
     * is a wrong address, not a lost connection worth retrying.
     */
    public static boolean cannotConnect(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof SQLException q && ("08001".equals(q.getSQLState()) || "08004".equals(q.getSQLState()))) {
                return true;
            }
        }
        return false;
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
