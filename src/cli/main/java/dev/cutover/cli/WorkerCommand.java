package dev.cutover.cli;

import dev.cutover.verify.VerifyListener;
import dev.cutover.verify.VerifyOptions;
import dev.cutover.verify.VerifyWorker;
import dev.cutover.sql.Direction;
import dev.cutover.work.ConnectionBudget;
import dev.cutover.work.JobOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;

/**
 * {@code cutover worker}: joins a run as an extra worker process (another machine); needs --redis.
 * {@code --job backfill} (the default) joins the plan's backfill; {@code --job verify} joins the
 * verification or repair running now, as announced in Redis by the process that started it.
 */
@Command(name = "worker", mixinStandardHelpOptions = true,
        description = {"Joins a plan's running backfill (--job backfill, default) or verify/repair (--job verify) as a worker.",
                "Run it on other machines to spread the work. Workers share chunk leases in Redis; a worker that dies has its chunk",
                "taken over when its lease expires. A verify worker reports no verdict: the process that started the verify does,",
                "over the chunks of every worker. Exit status: 0 its part done, 2 error."})
public final class WorkerCommand extends BackfillRunCommand {
    @Option(names = "--job", paramLabel = "backfill|verify", description = "which run to join (default: ${DEFAULT-VALUE})")
    String job = "backfill";

    @Option(names = "--wait", paramLabel = "SECONDS",
            description = "--job verify: how long to wait for a verify or repair of the plan to start (default: ${DEFAULT-VALUE})")
    long waitSeconds = 60;

    @Override
    boolean joining() {
        return true;
    }

    @Override
    public Integer call() throws Exception {
        return switch (job.toLowerCase(Locale.ROOT)) {
            case "backfill" -> super.call();
            case "verify" -> joinVerify();
            default -> throw new UserError("--job must be backfill or verify, got " + job);
        };
    }

    private int joinVerify() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!connections.redisGiven()) {
            throw new UserError("worker needs --redis (or CUTOVER_REDIS_URL): the verify run and its chunk leases are there");
        }
        if (!tables.isEmpty()) {
            throw new UserError("--table does not apply to --job verify: the run being joined names its tables");
        }
        // direction and tables come from the run joined
        JobOptions jo = work.job(connections.redisUrl());
        VerifyOptions o = VerifyOptions.defaults(Direction.FORWARD).withWork(work.budget("worker", jo,
                ConnectionBudget.Need.verifyWorker(jo), connections.oldDb(), connections.newDb(), out));
        ProgressPrinter printer = work.printer(out);
        VerifyWorker worker = new VerifyWorker(planOptions.plan(), connections.oldDb(), connections.newDb(), o, new VerifyListener() {
            @Override
            public void onProgress(dev.cutover.work.ProgressEvent e) {
                printer.onProgress(e);
            }
        });
        out.println("worker " + worker.workerId() + ": waiting up to " + waitSeconds + " s for a verify or repair of "
                + planOptions.plan().name() + " to join (" + work.workers + " threads)");
        out.flush();
        VerifyWorker.Result r;
        try (StopHook hook = new StopHook(worker::stop)) {
            r = worker.join(Duration.ofSeconds(Math.max(0, waitSeconds)));
        }
        double secs = r.workTime().toNanos() / 1e9;
        out.printf(Locale.ROOT, "%s %s (%s): this process compared %,d rows in %.1f s and found %,d differences%s%n",
                r.repair() ? "repair" : "verify", r.job(), r.direction().name().toLowerCase(Locale.ROOT), r.rowsByThisProcess(), secs,
                r.differencesByThisProcess(), r.repair() ? " (re-synced)" : "");
        out.println("the verdict is reported by the process that started the run, over the chunks of every worker");
        out.flush();
        r.errors().forEach(e -> err.println("cutover: " + e));
        if (!r.errors().isEmpty()) {
            err.flush();
            return ExitCodes.ERROR;
        }
        if (!r.complete()) {
            err.println("cutover: " + r.job() + " ended before every chunk was compared (its coordinator stopped or failed; "
                    + "see its output)");
            err.flush();
            return ExitCodes.ERROR;
        }
        return ExitCodes.OK;
    }
}
