package dev.cutover.ui.mappings;

import dev.cutover.check.CheckReport;
import dev.cutover.check.PlanChecker;
import dev.cutover.pg.Db;
import dev.cutover.plan.Plan;
import dev.cutover.ui.BackgroundTasks;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;

import java.util.concurrent.CancellationException;
import java.util.function.Consumer;

/**
 * The full plan check of the Mappings screen ({@link PlanChecker}: static checks and the dry run over
 * every source row) as background work the status bar shows and can cancel: {@link #checking()}
 * while it runs, progress per table, and the status line's words for a check that cannot start or
 * was cancelled. The report (or the failure) goes to whoever started it, on the FX thread.
 */
final class PlanCheckRun {
    private final BackgroundTasks tasks;
    private final Consumer<String> status;
    private final BooleanProperty checking = new SimpleBooleanProperty(false);

    /** @param status the screen's status line (a check that cannot start, runs, or was cancelled) */
    PlanCheckRun(BackgroundTasks tasks, Consumer<String> status) {
        this.tasks = tasks;
        this.status = status;
    }

    /** Checks {@code plan} between the two databases; false (and one line why) when one of them is missing. */
    boolean start(Plan plan, Db oldDb, Db newDb, Consumer<CheckReport> done, Consumer<Throwable> failed) {
        if (plan == null || oldDb == null || newDb == null) {
            status.accept("The plan check needs a plan and both databases connected");
            return false;
        }
        checking.set(true);
        status.accept("Checking the plan (dry run over every row)…");
        var task = tasks.run("Plan check", pr -> new PlanChecker(oldDb, newDb).onProgress((table, rows, estimate) -> {
            if (pr.isCancelled()) {
                throw new CancellationException("plan check cancelled"); // the dry run stops here
            }
            pr.update(rows, Math.max(rows, estimate), table + ": " + rows + " rows");
        }).check(plan), report -> {
            checking.set(false);
            done.accept(report);
        }, e -> {
            checking.set(false);
            failed.accept(e);
        });
        BackgroundTasks.onCancelled(task, () -> {
            checking.set(false);
            status.accept("Plan check cancelled: the findings listed are the earlier ones.");
        });
        return true;
    }

    /** True while the plan check runs. */
    BooleanProperty checking() {
        return checking;
    }
}
