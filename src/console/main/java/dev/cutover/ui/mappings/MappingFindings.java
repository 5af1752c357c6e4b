package dev.cutover.ui.mappings;

import dev.cutover.app.PlanChecks;
import dev.cutover.check.CheckReport;
import dev.cutover.check.Finding;
import dev.cutover.check.Severity;
import dev.cutover.pg.Schema;
import dev.cutover.plan.ColumnMapping;
import dev.cutover.plan.Plan;
import dev.cutover.plan.TableMapping;
import dev.cutover.plan.TableRef;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The Mappings screen's findings, without a window: the checks as you type (the plan check's own
 * catalog checks, {@link PlanChecks#quick}, and the database's verdict on each expression) merged
 * with the last full plan check's findings of every table still mapped as it was checked
 * ({@link PlanChecks#stillChecked}); a quick finding the check also made is shown once, as the
 * check's. Problems first. The checks themselves are {@code check.StaticChecks}, never repeated here.
 */
final class MappingFindings {
    private final ExpressionChecker checker;
    private CheckReport report;
    private Plan checkedPlan;
    /** The findings last listed that came from the full plan check. */
    private final Set<Finding> fromCheck = new HashSet<>();

    MappingFindings(ExpressionChecker checker) {
        this.checker = checker;
    }

    /** Remembers the full check of {@code plan}; returns its summary in one line. */
    String checked(CheckReport r, Plan plan) {
        report = r;
        checkedPlan = plan;
        return "Plan check: " + count(r.count(Severity.PROBLEM), "problem") + ", " + count(r.count(Severity.WARNING), "warning")
                + ", " + count(r.count(Severity.NOTE), "note") + " over "
                + count(r.tables().stream().mapToLong(CheckReport.TableReport::rowsChecked).sum(), "row")
                + (r.clean() ? " — clean" : "");
    }

    /** The findings of {@code p} now (empty without a plan); the catalogs may be null until read. */
    List<Finding> of(Plan p, Schema oldSchema, Schema newSchema) {
        fromCheck.clear();
        if (p == null) {
            return new ArrayList<>();
        }
        List<Finding> checked = PlanChecks.stillChecked(report, checkedPlan, p);
        fromCheck.addAll(checked);
        List<Finding> quick = new ArrayList<>(PlanChecks.quick(p, oldSchema, newSchema));
        for (TableMapping t : p.tables()) {
            Optional<Schema.Table> nt = newSchema == null ? Optional.empty() : newSchema.table(t.target());
            for (ColumnMapping c : t.columns()) {
                Optional<Schema.Column> col = nt.flatMap(x -> x.column(c.target()));
                if (col.isPresent() && checker.verdict(new ExpressionChecker.Probe(t.source(), col.get(), c.expr()))
                        instanceof ExpressionChecker.Verdict.Invalid bad) {
                    quick.add(Finding.of(Severity.PROBLEM, "bad_expression", t.target().toString(), c.target(), bad.problem()));
                }
            }
        }
        return PlanChecks.merge(checked, quick);
    }

    /** The index in {@code p} of the table mapping {@code f} concerns (named by its target, with or without schema), or -1. */
    static int tableOf(Plan p, Finding f) {
        for (int i = 0; p != null && i < p.tables().size(); i++) {
            TableRef t = p.tables().get(i).target();
            if (t.table().equals(f.table()) || t.toString().equals(f.table())) {
                return i;
            }
        }
        return -1;
    }

    /** Whether a listed finding is the full plan check's (dry run included), not one of the checks as you type. */
    boolean fromCheck(Finding f) {
        return fromCheck.contains(f);
    }

    /** A finding as the list shows it: {@code Problem (plan check) · public.users.email: … — 3 rows, e.g. …}. */
    String describe(Finding f) {
        String label = switch (f.severity()) {
            case PROBLEM -> "Problem";
            case WARNING -> "Warning";
            case NOTE -> "Note";
        };
        return label + (fromCheck(f) ? " (plan check)" : "") + " · " + f.table()
                + (f.targetColumn() != null ? "." + f.targetColumn() : f.sourceColumn() != null ? " (old column " + f.sourceColumn() + ")" : "")
                + ": " + f.describe();
    }

    private static String count(long n, String what) {
        return String.format("%,d %s%s", n, what, n == 1 ? "" : "s");
    }
}
