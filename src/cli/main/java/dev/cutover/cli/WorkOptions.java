package dev.cutover.cli;

import dev.cutover.pg.Db;
import dev.cutover.work.ConnectionBudget;
import dev.cutover.work.JobOptions;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.time.Duration;

/**
 * The tuning every chunked job takes alike, backfill and verify, and so does {@code worker} for
 * either (a picocli mixin): worker threads, the rows/s cap, chunk time, the latency guard on the
 * old database, the Redis lease time and the progress display.
 */
public final class WorkOptions {
    @Option(names = "--workers", paramLabel = "N", description = "worker threads in this process (default: ${DEFAULT-VALUE})")
    int workers = 2;

    @Option(names = "--max-rows-per-sec", paramLabel = "N", description = "rows/s cap of this process, 0 = none (default: ${DEFAULT-VALUE})")
    long maxRowsPerSec;

    @Option(names = "--chunk-time", paramLabel = "SECONDS", description = "target time per chunk (default: ${DEFAULT-VALUE})")
    double chunkTime = 0.5;

    @Option(names = "--latency-limit", paramLabel = "MS",
            description = "back off while SELECT 1 on the old database takes longer (90th percentile of the probes of the last 2 s), 0 = off (default: ${DEFAULT-VALUE})")
    long latencyLimit = 100;

    @Option(names = "--probe-interval", paramLabel = "MS", description = "latency probe interval (default: ${DEFAULT-VALUE})")
    long probeInterval = 100;

    @Option(names = "--lease-ttl", paramLabel = "MS", description = "chunk lease time in Redis; a dead worker's chunk is taken over after it (default: ${DEFAULT-VALUE})")
    long leaseTtl = 10_000;

    @Option(names = "--reserve-connections", paramLabel = "N",
            description = "connections to leave free for the application under every connection limit of each database "
                    + "(default: 20% of max_connections, at least 10); fewer workers run if the asked ones do not fit")
    Integer reserveConnections;

    @Option(names = "--progress", paramLabel = "auto|bar|lines|none", description = "progress display (default: ${DEFAULT-VALUE}: a bar on a terminal, lines otherwise)")
    String progress = "auto";

    /**
     * The shared tuning these flags give, with Redis at {@code redisUrl} (null: none); a value out of
     * range is a {@link UserError} naming its flag.
     */
    JobOptions job(String redisUrl) {
        try {
            return JobOptions.defaults().withWorkers(workers).withMaxRowsPerSec(maxRowsPerSec).withTargetChunkSeconds(chunkTime)
                    .withLatencyLimitMillis(latencyLimit).withProbeIntervalMillis(probeInterval).withLeaseTtlMillis(leaseTtl)
                    .withRedisUrl(redisUrl);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
    }

    /**
     * The tuning {@code jo} with no more workers than fit the connection budget of both databases
     * ({@link ConnectionBudget}); prints one line on {@code out} when that is fewer than asked, and
     * refuses (one line, exit 2) when not even one fits.
     */
    JobOptions budget(String job, JobOptions jo, ConnectionBudget.Need need, Db oldDb, Db newDb, PrintWriter out) throws Exception {
        if (reserveConnections != null && reserveConnections < 0) {
            throw new UserError("--reserve-connections must be 0 or more, got " + reserveConnections);
        }
        // a connection lost while reading the limits is retried like any step around the chunks
        ConnectionBudget.Decision d = firstContact("reading the connection limits", jo,
                () -> ConnectionBudget.decide(job, jo.workers(), need, oldDb, newDb, reserveConnections == null ? -1 : reserveConnections));
        if (d.line() == null) {
            return jo;
        }
        out.println(d.line());
        out.flush();
        workers = d.workers();
        return jo.withWorkers(d.workers());
    }

    /**
     * A step of the first contact with the databases: a server that cannot be reached at all (a
     * wrong host or port, SQLSTATE 08001/08004) is one line at once, not minutes of retries; a
     * connection lost once reached (terminated, dropped) is retried like any step around the chunks.
     */
    static <T> T firstContact(String what, JobOptions jo, dev.cutover.work.Retry.Step<T> step) throws Exception {
        try {
            return step.run();
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            if (dev.cutover.pg.Sql.cannotConnect(e)) {
                throw e;
            }
            return dev.cutover.work.Retry.call(what, jo, step);
        }
    }

    /** {@link KeyPreflight#check}, again after a lost connection like any step around the chunks. */
    static void checkKeys(String job, JobOptions jo, dev.cutover.plan.Plan plan, java.util.List<String> tables, Db oldDb, Db newDb)
            throws Exception {
        firstContact("checking the source keys", jo, () -> {
            dev.cutover.work.KeyPreflight.check(job, plan, tables, oldDb, newDb);
            return null;
        });
    }

    /** The progress display the flags ask for, on {@code out}. */
    ProgressPrinter printer(PrintWriter out) {
        boolean terminal = switch (progress) {
            case "bar" -> true;
            case "lines", "none" -> false;
            case "auto" -> System.console() != null;
            default -> throw new UserError("--progress must be auto, bar, lines or none, got " + progress);
        };
        return new ProgressPrinter("none".equals(progress) ? new PrintWriter(java.io.Writer.nullWriter()) : out, terminal,
                Duration.ofSeconds(5));
    }
}
