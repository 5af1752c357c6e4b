package dev.cutover.cli;

import dev.cutover.app.RunControls;
import dev.cutover.app.VerifyWorkflow;
import dev.cutover.pg.Db;
import dev.cutover.plan.Plan;
import dev.cutover.sql.Direction;
import dev.cutover.work.ConnectionBudget;
import dev.cutover.verify.Repairer;
import dev.cutover.verify.TableRepair;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** {@code cutover repair}: re-syncs every differing row from the side that is the truth in the current phase. */
@Command(name = "repair", mixinStandardHelpOptions = true,
        description = {"Compares like verify and re-syncs each differing row by key from the truth (old before new_primary, "
                + "new from it on), re-read at repair time: upsert where the truth has the row, delete where it does not.",
                "Exit status: 0 done, 2 error."})
public final class RepairCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    Connections connections;

    @Mixin
    PlanOptions planOptions;

    @Mixin
    VerifyRunOptions run;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Plan plan = planOptions.plan();
        VerifyWorkflow.Chosen chosen = run.direction(connections, plan.name());
        var options = run.options(connections, chosen.direction(), 0);
        Db oldDb = connections.oldDb();
        Db newDb = connections.newDb();
        options = options.withWork(run.work.budget("repair", options.work(), ConnectionBudget.Need.verify(options.work()), oldDb, newDb, out));
        WorkOptions.checkKeys("repair", options.work(), plan, options.tables(), oldDb, newDb);
        String truth = chosen.direction() == Direction.FORWARD ? oldDb.role() : newDb.role();
        String other = chosen.direction() == Direction.FORWARD ? newDb.role() : oldDb.role();
        out.printf("repair %s: the %s is the truth (%s), re-syncing the %s%n", plan.name(), truth, chosen.why(), other);
        out.flush();
        // the app layer's repair: the same as the console's, recorded in Redis when rows changed (the guard's staleness)
        VerifyWorkflow workflow = new VerifyWorkflow(plan, oldDb, newDb, connections.redisUrlIfGiven());
        RunControls controls = new RunControls();
        Repairer.Result r;
        try (StopHook hook = new StopHook(controls::stop)) {
            r = workflow.repair(options, run.progress(out), controls);
        }
        int width = r.tables().stream().mapToInt(t -> t.table().length()).max().orElse(5);
        for (TableRepair t : r.tables()) {
            out.printf("  %-" + width + "s  %,d rows upserted, %,d deleted%n", t.table(), t.upserted(), t.deleted());
        }
        if (r.found().lossy() > 0) {
            out.println(r.found().lossyLine());
        }
        out.printf("REPAIRED: %,d rows upserted and %,d deleted in the %s, out of %,d rows compared in %.1f s%n",
                r.upserted(), r.deleted(), other, r.found().rowsCompared(), r.found().elapsedMillis() / 1000.0);
        out.flush();
        return ExitCodes.OK;
    }
}
