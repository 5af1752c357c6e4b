package dev.cutover.cli;

import dev.cutover.app.VerifyWorkflow;
import dev.cutover.pg.Db;
import dev.cutover.plan.Plan;
import dev.cutover.sql.Direction;
import dev.cutover.work.ConnectionBudget;
import dev.cutover.verify.Difference;
import dev.cutover.verify.TableReport;
import dev.cutover.verify.VerifyReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code cutover verify}: exact row-level comparison of every table of the plan. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Compares every row of every table of the plan: the truth side's rows after the mapping with the "
                + "other side's, by per-chunk hashes computed in each database, bisected down to the differing rows.",
                "Exit status: 0 identical, 1 differences, 2 error."})
public final class VerifyCommand implements Callable<Integer> {
    static final int SHOWN = 20;

    @Spec
    CommandSpec spec;

    @Mixin
    Connections connections;

    @Mixin
    PlanOptions planOptions;

    @Mixin
    VerifyRunOptions run;

    @Option(names = "--csv", paramLabel = "FILE", description = "write every difference to FILE (CSV: table,key,kind,columns,source_row,target_row; owner-only)")
    Path csv;

    @Option(names = "--sample", paramLabel = "N", description = "quick look: compare only N random rows per table (a SAMPLE, never a proof)")
    int sample;

    /** Ctrl-C stops the engine running now. */
    private final dev.cutover.app.RunControls stopper = new dev.cutover.app.RunControls();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Plan plan = planOptions.plan();
        dev.cutover.app.VerifyWorkflow.Chosen chosen = run.direction(connections, plan.name());
        var options = run.options(connections, chosen.direction(), sample);
        Db oldDb = connections.oldDb();
        Db newDb = connections.newDb();
        options = options.withWork(run.work.budget("verify", options.work(), ConnectionBudget.Need.verify(options.work()), oldDb, newDb, out));
        WorkOptions.checkKeys("verify", options.work(), plan, options.tables(), oldDb, newDb);
        String label = options.sampled() ? "SAMPLE " : "";
        out.printf("%sverify %s %s (%s): %s%n", label, plan.name(), describe(chosen.direction()), chosen.why(),
                options.sampled() ? "comparing " + sample + " random rows per table" : "comparing every row");
        if (options.work().redisUrl() != null && !options.sampled()) {
            out.println("(other machines can join with: cutover worker --job verify --plan F --redis URL)");
        }
        out.flush();

        if (csv != null && !Files.isDirectory(csv.toAbsolutePath().getParent())) {
            throw new UserError("--csv " + csv + ": the directory " + csv.toAbsolutePath().getParent() + " does not exist");
        }
        // run, store with what it was of (both databases' identities, the plan's hash), publish: the app layer's workflow
        VerifyWorkflow workflow = new VerifyWorkflow(plan, oldDb, newDb, connections.redisUrlIfGiven());
        VerifyReport report;
        try (StopHook hook = new StopHook(stopper::stop)) {
            report = workflow.verifyAndRecord(options, run.progress(out), stopper, 0, csv).report();
        }
        print(out, report, label);
        if (!report.complete()) {
            out.println("(only some tables compared: stored in cutover.verification, not in the Redis summary the phase guard reads)");
        } else if (!connections.redisGiven()) {
            out.println("(no Redis given: result stored in cutover.verification only)");
        }
        out.flush();
        return report.identical() ? ExitCodes.OK : ExitCodes.FOUND;
    }

    static String describe(Direction d) {
        return d == Direction.FORWARD ? "forward (old database after the mapping vs new database)"
                : "reverse (new database through the reverse mappings vs old database)";
    }

    private void print(PrintWriter out, VerifyReport r, String label) {
        int width = r.tables().stream().mapToInt(t -> t.table().length()).max().orElse(5);
        for (TableReport t : r.tables()) {
            out.printf("  %-" + width + "s  %,14d rows  %s%s%n", t.table(), t.rowsCompared(), t.clean() ? "identical"
                    : String.format("%,d differences: %,d missing_in_target, %,d extra_in_target, %,d different",
                    t.differences(), t.missingInTarget(), t.extraInTarget(), t.different()),
                    t.lossy() == 0 ? "" : String.format(" (%,d lossy)", t.lossy()));
        }
        int n = 0;
        for (Difference d : r.firstDifferences()) {
            if (n++ == SHOWN) {
                out.printf("  … %,d more%s%n", r.differences() - SHOWN, csv == null ? " (write them all with --csv FILE)" : " (all in " + csv + ")");
                break;
            }
            out.println("  " + d.describe());
        }
        double secs = r.elapsedMillis() / 1000.0;
        if (r.lossy() > 0) {
            out.println(r.lossyLine());
        }
        if (r.identical()) {
            out.printf("%s: %,d rows compared in %.1f s, no differences%s%n", label.isEmpty() ? "IDENTICAL" : "SAMPLE",
                    r.rowsCompared(), secs, label.isEmpty() ? "" : " in the sample (not a proof: run verify without --sample)");
        } else {
            out.printf("%sDIFFERENCES: %,d in %,d rows compared in %.1f s%s%n", label, r.differences(), r.rowsCompared(), secs,
                    csv == null ? "" : " (written to " + csv + ")");
        }
    }
}
