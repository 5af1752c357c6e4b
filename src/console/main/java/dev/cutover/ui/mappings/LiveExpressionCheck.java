package dev.cutover.ui.mappings;

import dev.cutover.pg.Db;
import dev.cutover.ui.BackgroundTasks;
import dev.cutover.ui.Problems;
import javafx.animation.PauseTransition;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.util.Duration;

import java.util.List;
import java.util.function.Supplier;

/**
 * The database's verdict on the expressions as you type: once typing has paused for the delay,
 * the expressions of the shown table not judged yet are asked of the old database (through the
 * {@link ExpressionChecker}, on {@link BackgroundTasks}); the selected expression's verdict is
 * {@link #problem()} and {@link #checking()}. A check overtaken by a newer one only refreshes the
 * screen when it judged something; a check that cannot reach the old database says so in
 * {@link #problem()}. The delay and the executor are given, so it runs alone in a test.
 */
final class LiveExpressionCheck {
    /** What to ask now: the old database and the probes of the shown table; null when there is nothing to ask. */
    record Ask(Db db, List<ExpressionChecker.Probe> probes) {
    }

    private final ExpressionChecker checker;
    private final BackgroundTasks tasks;
    private final Supplier<Ask> ask;
    private final Runnable judged;
    private final PauseTransition delay;
    private final StringProperty problem = new SimpleStringProperty("");
    private final BooleanProperty checking = new SimpleBooleanProperty(false);
    private long generation;

    /**
     * @param ask    what to ask when the delay ends (read on the FX thread then)
     * @param judged runs on the FX thread after a check that judged something (or the newest one)
     */
    LiveExpressionCheck(ExpressionChecker checker, BackgroundTasks tasks, Duration delay, Supplier<Ask> ask, Runnable judged) {
        this.checker = checker;
        this.tasks = tasks;
        this.ask = ask;
        this.judged = judged;
        this.delay = new PauseTransition(delay);
        this.delay.setOnFinished(e -> now());
    }

    /** Checks after the typing pause (restarts the wait on every call). */
    void later() {
        delay.playFromStart();
    }

    /** Checks at once (and not again when the pending wait ends). */
    void now() {
        delay.stop();
        Ask a = ask.get();
        List<ExpressionChecker.Probe> todo = a == null ? List.of() : checker.unchecked(a.probes());
        if (todo.isEmpty()) {
            return;
        }
        long gen = ++generation;
        tasks.run(null, pr -> checker.check(a.db(), todo), results -> {
            if (gen == generation || !results.isEmpty()) {
                judged.run();
            }
        }, e -> {
            checking.set(false);
            problem.set("cannot check on the old database: " + Problems.oneLine(e));
        });
    }

    /** Shows the verdict on the selected expression ({@code v}; {@code asked}: it fills a column and is not empty). */
    void show(ExpressionChecker.Verdict v, boolean asked) {
        checking.set(v instanceof ExpressionChecker.Verdict.Unchecked && asked);
        problem.set(v instanceof ExpressionChecker.Verdict.Invalid bad ? bad.problem() : "");
    }

    /** The database's error for the selected expression, "" when it is fine or not known yet. */
    StringProperty problem() {
        return problem;
    }

    /** True while the selected expression waits for the database's verdict. */
    BooleanProperty checking() {
        return checking;
    }
}
