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

    /** True for errors that a retry may cure: dropped connections, serialization failures, deadlocks, shutdowns. */
    public static boolean isTransient(SQLException e) {
        String s = state(e);
        return s.startsWith("08") || s.equals("40001") || s.equals("40P01") || s.equals("57P01")
                || s.equals("57P02") || s.equals("57P03") || s.equals("53300");
    }
}
