package dev.cutover.demo;

import dev.cutover.cli.Connections;
import dev.cutover.cli.ExitCodes;
import dev.cutover.cli.PlanOptions;
import dev.cutover.cli.UserError;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.sql.Connection;
import java.util.concurrent.Callable;

/**
 * {@code cutover load}: runs the sample application on the router against the two databases and
 * drives it at a fixed rate, printing throughput, p50/p99 latency and errors every second. At the
 * end (after {@code --duration}, or Ctrl-C) it prints the totals and, with {@code --check}, checks
 * every acknowledged write against the new database.
 */
@Command(name = "load", mixinStandardHelpOptions = true,
        description = "Run the saas-orders sample application under a fixed-rate load (figures every second).")
public final class LoadCommand implements Callable<Integer> {
    @Mixin
    Connections connections;

    @Mixin
    PlanOptions planOptions;

    @Option(names = "--rate", paramLabel = "R", description = "requests per second (default ${DEFAULT-VALUE})")
    double rate = 2000;

    @Option(names = "--duration", paramLabel = "SECONDS", description = "stop after this many seconds (default: run until Ctrl-C)")
    long duration;

    @Option(names = "--check", description = "at the end, check every acknowledged write is in the new database (exit 1 if not)")
    boolean check;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (rate <= 0) {
            throw new UserError("--rate must be positive (got " + rate + ")");
        }
        PrintWriter out = spec.commandLine().getOut();
        var oldDb = connections.oldDb();
        var newDb = connections.newDb();
        try (CtrlC ctrlC = new CtrlC("load-stop");
             SampleRuntime rt = SampleRuntime.open(oldDb, newDb, connections.redisUrl(), planOptions.plan(), SampleRuntime.Settings.forRate(rate))) {
            out.printf("load: %.0f req/s on the sample application (migration %s); Ctrl-C stops%n", rate, planOptions.migration());
            out.flush();
            rt.reportEverySecond(out);
            rt.load().start();
            if (duration > 0) {
                ctrlC.await(duration);
            } else {
                ctrlC.await();
            }
            rt.load().close();
            rt.router().awaitQuiet(java.time.Duration.ofSeconds(30));
            int status = report(rt, out);
            if (check) {
                try (Connection c = newDb.connect()) {
                    WriteLog.Check result = rt.workload().log().check(c);
                    out.println(result.line());
                    if (!result.ok()) {
                        status = ExitCodes.FOUND;
                    }
                }
            }
            out.flush();
            return status;
        }
    }

    /** Prints the per-segment figures and the totals; FOUND when any request failed. */
    static int report(SampleRuntime rt, PrintWriter out) {
        LoadGenerator load = rt.load();
        for (LoadGenerator.Segment s : load.segments()) {
            out.println(s.line());
        }
        out.printf("requests %,d (reads %,d, writes %,d), errors %,d, shed %,d%n", load.requests(), rt.workload().reads(),
                rt.workload().writes(), load.errors(), load.shed());
        load.errorMessages().forEach((m, n) -> out.printf("  %,d × %s%n", n, m));
        return load.errors() == 0 && load.shed() == 0 ? ExitCodes.OK : ExitCodes.FOUND;
    }
}
