package dev.cutover.cli;

import dev.cutover.control.ControlException;
import dev.cutover.io.Secrets;
import dev.cutover.pg.DbException;
import dev.cutover.pg.Sql;
import dev.cutover.plan.PlanException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * Turns any failure of a command into one line on stderr ({@code cutover: what, where}) and
 * exit status 2. The full stack trace goes to the log only.
 */
final class Errors implements CommandLine.IExecutionExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(Errors.class);

    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, CommandLine.ParseResult parsed) {
        LOG.debug("command failed", ex);
        cl.getErr().println("cutover: " + describe(ex));
        cl.getErr().flush();
        return ExitCodes.ERROR;
    }

    static String describe(Throwable ex) {
        if (ex instanceof PlanException || ex instanceof DbException || ex instanceof UserError
                || ex instanceof ControlException) {
            return Secrets.maskText(ex.getMessage());
        }
        // a driver's or a library's message may quote a URL with its password, or a row's values
        return ex.getClass().getSimpleName() + (ex.getMessage() == null ? "" : ": " + Sql.oneLine(ex));
    }
}
