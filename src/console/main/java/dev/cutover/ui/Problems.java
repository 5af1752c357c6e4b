package dev.cutover.ui;

import dev.cutover.pg.DbException;
import dev.cutover.plan.PlanException;

import java.sql.SQLException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Turns a failure into one line of words for the screen (the stack trace stays one click away). */
public final class Problems {
    private Problems() {
    }

    public static String oneLine(Throwable t) {
        Throwable e = t;
        while ((e instanceof CompletionException || e instanceof ExecutionException
                || e.getClass() == RuntimeException.class) && e.getCause() != null) {
            e = e.getCause();
        }
        String msg = e.getMessage();
        if (e instanceof SQLException s) {
            msg = dev.cutover.pg.Sql.message(s);
        } else if (!(e instanceof DbException || e instanceof PlanException || e instanceof IllegalArgumentException
                || e instanceof IllegalStateException) && msg != null) {
            msg = e.getClass().getSimpleName() + ": " + msg;
        }
        if (msg == null || msg.isBlank()) {
            msg = e.getClass().getSimpleName();
        }
        int nl = msg.indexOf('\n');
        return nl < 0 ? msg : msg.substring(0, nl);
    }
}
