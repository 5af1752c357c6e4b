package dev.cutover;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.PropertyDefinerBase;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * Logging setup shared by the console, the commands and the workers (see logback.xml): where the
 * rotating log file lives, the process id on every line, and {@code --verbose}.
 */
public final class Logging {
    /** Name of the stderr appender in logback.xml. */
    static final String STDERR = "STDERR";

    private Logging() {
    }

    /**
     * The log directory: {@code -Dcutover.log.dir}, else {@code $CUTOVER_LOG_DIR}, else
     * {@code $XDG_DATA_HOME/cutover/logs}, else {@code ~/.local/share/cutover/logs}; the first one
     * that can be created and written. If none can, a directory under the system temp dir, so that
     * logging never fails a command (Logback would print its own errors on stdout).
     */
    public static Path logDir(Function<String, String> env, Function<String, String> sysProps) {
        String home = sysProps.apply("user.home");
        String xdg = env.apply("XDG_DATA_HOME");
        String[] candidates = {
            sysProps.apply("cutover.log.dir"),
            env.apply("CUTOVER_LOG_DIR"),
            xdg == null || xdg.isBlank() ? null : Path.of(xdg, "cutover", "logs").toString(),
            home == null ? null : Path.of(home, ".local", "share", "cutover", "logs").toString(),
        };
        for (String c : candidates) {
            if (c != null && !c.isBlank() && usable(Path.of(c))) {
                return Path.of(c).toAbsolutePath();
            }
        }
        Path tmp = Path.of(sysProps.apply("java.io.tmpdir"), "cutover-logs-" + sysProps.apply("user.name"));
        usable(tmp);
        return tmp.toAbsolutePath();
    }

    /** The log directory of this process. */
    public static Path logDir() {
        return logDir(System::getenv, System::getProperty);
    }

    private static boolean usable(Path dir) {
        try {
            Files.createDirectories(dir);
            return Files.isDirectory(dir) && Files.isWritable(dir);
        } catch (IOException | SecurityException e) {
            return false;
        }
    }

    /**
     * {@code --verbose}: DEBUG for Cutover's own loggers, shown on stderr as well as in the log file.
     * Errors are still reported as the one {@code cutover: …} line at the end.
     */
    public static void verbose() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx) {
            ctx.getLogger("dev.cutover").setLevel(Level.DEBUG);
            var stderr = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender(STDERR);
            if (stderr != null) {
                stderr.clearAllFilters();
            }
        }
    }

    /** Logback {@code <define>}: the log directory (see {@link #logDir()}). */
    public static final class Dir extends PropertyDefinerBase {
        @Override
        public String getPropertyValue() {
            return logDir().toString();
        }
    }

    /** Logback {@code <define>}: this process's id, so lines of several processes in one file can be told apart. */
    public static final class Pid extends PropertyDefinerBase {
        @Override
        public String getPropertyValue() {
            return Long.toString(ProcessHandle.current().pid());
        }
    }
}
