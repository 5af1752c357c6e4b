package dev.cutover.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.filter.ThresholdFilter;
import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxy;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.pattern.DynamicConverter;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeAndTimeBasedRollingPolicy;
import ch.qos.logback.core.spi.ContextAwareBase;
import ch.qos.logback.core.util.FileSize;
import dev.cutover.io.PrivateFiles;
import dev.cutover.io.Secrets;
import dev.cutover.pg.Sql;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * Logging setup shared by the console, the commands and the workers: where the rotating log file
 * lives, the process id on every line, and {@code --verbose}. The configuration is {@link Config},
 * in code (Logback finds it through {@code META-INF/services}), not a logback.xml that every start
 * of a command would parse.
 */
public final class Logging {
    /** Name of the stderr appender. */
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
            // the log holds failed rows' keys: an owner-only folder (0700), made so from the start
            PrivateFiles.createDirectories(dir);
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
            if (stderr instanceof ConsoleAppender<ILoggingEvent> console) {
                console.setEncoder(encoder(ctx, STDERR_PATTERN + "%safeEx")); // with the stack frames
            }
        }
    }

    /**
     * Logback's configuration. Commands print their own one-line errors on stderr; the log file keeps
     * the details.
     * <ul>
     * <li>stderr ({@value #STDERR}) shows warnings and errors only ({@code --verbose} shows DEBUG there too),
     *     an exception by its messages without stack frames;
     * <li>the file is {@code cutover.log} in {@link #logDir()}, rotated daily and at 10 MB, gzipped, kept
     *     14 days and 200 MB at most; every Cutover process on the machine (console, commands, workers)
     *     appends to it, each line with the process id;
     * <li>{@code CUTOVER_LOG_LEVEL=debug|info|warn|error} (environment or system property) sets the level
     *     for both; {@code dev.cutover.cli.Errors} logs at DEBUG: the stack trace behind every one-line
     *     command error, in the file.
     * </ul>
     * With {@code -Dlogback.configurationFile=…} that file is used instead.
     */
    public static final class Config extends ContextAwareBase implements Configurator {
        @Override
        public ExecutionStatus configure(LoggerContext ctx) {
            if (System.getProperty("logback.configurationFile") != null) {
                return ExecutionStatus.INVOKE_NEXT_IF_ANY;
            }
            String level = System.getProperty("CUTOVER_LOG_LEVEL", System.getenv("CUTOVER_LOG_LEVEL"));
            String dir = logDir().toString();

            ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
            stderr.setContext(ctx);
            stderr.setName(STDERR);
            stderr.setTarget("System.err");
            ThresholdFilter threshold = new ThresholdFilter();
            threshold.setLevel(level == null ? "WARN" : level);
            threshold.start();
            stderr.addFilter(threshold);
            // an exception shows as its message and its causes' messages, without stack frames: a killed
            // connection is a warning a user reads, not a page of frames (the file has them all)
            stderr.setEncoder(encoder(ctx, STDERR_PATTERN + "%safeEx{0}"));
            stderr.start();

            // the file and the rotated ones are owner-only (0600): made so before the appender opens
            // the file (it appends to it), again after every rollover; the folder is 0700 anyway
            Path active = Path.of(dir, "cutover.log");
            try {
                PrivateFiles.createFile(active);
            } catch (IOException | RuntimeException e) {
                // the appender reports it, and the folder is owner-only
            }
            restrictLogs(Path.of(dir));
            RollingFileAppender<ILoggingEvent> file = new RollingFileAppender<>() {
                @Override
                public void rollover() {
                    super.rollover();
                    restrictLogs(Path.of(dir));
                }
            };
            file.setContext(ctx);
            file.setName("FILE");
            file.setFile(dir + "/cutover.log");
            SizeAndTimeBasedRollingPolicy<ILoggingEvent> rolling = new SizeAndTimeBasedRollingPolicy<>();
            rolling.setContext(ctx);
            rolling.setParent(file);
            rolling.setFileNamePattern(dir + "/cutover.%d{yyyy-MM-dd}.%i.log.gz");
            rolling.setMaxFileSize(FileSize.valueOf("10MB"));
            rolling.setMaxHistory(14);
            rolling.setTotalSizeCap(FileSize.valueOf("200MB"));
            rolling.start();
            file.setRollingPolicy(rolling);
            file.setEncoder(encoder(ctx, "%d{yyyy-MM-dd HH:mm:ss.SSSXXX} [" + ProcessHandle.current().pid()
                    + "] %-5level [%thread] %logger{36} - %msg%n%safeEx"));
            file.start();

            ctx.getLogger("com.zaxxer.hikari").setLevel(Level.WARN);
            ctx.getLogger("io.lettuce").setLevel(Level.WARN);
            ctx.getLogger("io.netty").setLevel(Level.WARN);
            ctx.getLogger("dev.cutover").setLevel(level == null ? Level.INFO : Level.toLevel(level));
            ctx.getLogger("dev.cutover.cli.Errors").setLevel(Level.DEBUG);
            Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
            root.setLevel(Level.WARN);
            root.addAppender(stderr);
            root.addAppender(file);
            return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
        }
    }

    private static final String STDERR_PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{20} - %msg%n";

    /** Makes the log files in {@code dir} (active and rotated) owner-only. */
    static void restrictLogs(Path dir) {
        try (var files = Files.list(dir)) {
            files.filter(f -> f.getFileName().toString().startsWith("cutover.")).forEach(f -> PrivateFiles.restrict(f, PrivateFiles.OWNER_FILE));
        } catch (IOException | RuntimeException e) {
            // best effort: the folder is owner-only
        }
    }

    /**
     * {@code %safeEx}: a logged exception as Logback writes it, with every database error's message
     * replaced by {@link Sql#message} (pgjdbc's own may quote a row's values: {@code invalid input
     * syntax for type integer: "…"}, a DETAIL, a batch's statement with its parameters) and every
     * URL's password masked. It goes into the file and (messages only) onto stderr.
     */
    public static final class SafeThrowableConverter extends ThrowableProxyConverter {
        @Override
        protected String throwableProxyToString(IThrowableProxy tp) {
            return scrub(super.throwableProxyToString(tp), tp);
        }

        static String scrub(String text, IThrowableProxy tp) {
            String out = text;
            java.util.Set<IThrowableProxy> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
            java.util.ArrayDeque<IThrowableProxy> todo = new java.util.ArrayDeque<>();
            todo.add(tp);
            while (!todo.isEmpty()) {
                IThrowableProxy p = todo.pop();
                if (!seen.add(p)) {
                    continue;
                }
                if (p instanceof ThrowableProxy real && real.getThrowable() instanceof java.sql.SQLException sql
                        && p.getMessage() != null && !p.getMessage().isEmpty()) {
                    out = out.replace(p.getMessage(), Sql.message(sql));
                }
                if (p.getCause() != null) {
                    todo.add(p.getCause());
                }
                if (p.getSuppressed() != null) {
                    todo.addAll(java.util.List.of(p.getSuppressed()));
                }
            }
            return Secrets.maskText(out);
        }
    }

    private static PatternLayoutEncoder encoder(LoggerContext ctx, String pattern) {
        @SuppressWarnings("unchecked")
        java.util.Map<String, java.util.function.Supplier<DynamicConverter<?>>> rules =
                (java.util.Map<String, java.util.function.Supplier<DynamicConverter<?>>>) ctx.getObject(CoreConstants.PATTERN_RULE_REGISTRY_FOR_SUPPLIERS);
        if (rules == null) {
            rules = new java.util.HashMap<>();
            ctx.putObject(CoreConstants.PATTERN_RULE_REGISTRY_FOR_SUPPLIERS, rules);
        }
        rules.putIfAbsent("safeEx", SafeThrowableConverter::new);
        PatternLayoutEncoder e = new PatternLayoutEncoder();
        e.setContext(ctx);
        e.setPattern(pattern);
        e.start();
        return e;
    }
}
