package dev.cutover.app;

import dev.cutover.check.CheckReport;
import dev.cutover.check.Finding;
import dev.cutover.check.StaticChecks;
import dev.cutover.pg.Schema;
import dev.cutover.plan.Plan;
import dev.cutover.plan.TableMapping;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The checks of a plan as the front ends show them. {@code cutover plan check} runs the whole
 * {@link dev.cutover.check.PlanChecker}; the console checks as you type with the same
 * {@link StaticChecks} over the catalogs it read ({@link #quick}), and joins the full check's
 * findings with those ({@link #merge}), so both say the same thing of the same plan.
 */
public final class PlanChecks {
    private PlanChecks() {
    }

    /** The catalog checks of every table mapping (no connection, no row); empty until both catalogs are read. */
    public static List<Finding> quick(Plan plan, Schema oldSchema, Schema newSchema) {
        List<Finding> out = new ArrayList<>();
        if (plan == null || oldSchema == null || newSchema == null) {
            return out;
        }
        for (TableMapping m : plan.tables()) {
            out.addAll(StaticChecks.catalog(plan, m, oldSchema, newSchema));
        }
        return out;
    }

    /**
     * The full check's findings (each once), then the quick ones of a subject it did not speak of
     * (same table, column and severity: the check's, which counts the rows and names their keys, is
     * kept), each once; problems first, then warnings, then notes, in the order found.
     */
    public static List<Finding> merge(List<Finding> checked, List<Finding> quick) {
        List<Finding> out = new ArrayList<>();
        for (Finding f : checked) {
            if (!out.contains(f)) {
                out.add(f);
            }
        }
        for (Finding f : quick) {
            if (!out.contains(f) && checked.stream().noneMatch(f::sameSubject)) {
                out.add(f);
            }
        }
        out.sort(Comparator.comparing(Finding::severity));
        return out;
    }

    /**
     * The findings of {@code report} (the full check of {@code checkedPlan}) of every table whose
     * mapping in {@code now} is still the one checked: editing one table keeps the dry run's word on
     * the others. Empty without a report.
     */
    public static List<Finding> stillChecked(CheckReport report, Plan checkedPlan, Plan now) {
        List<Finding> out = new ArrayList<>();
        if (report == null || checkedPlan == null || now == null) {
            return out;
        }
        for (CheckReport.TableReport tr : report.tables()) {
            Optional<TableMapping> mapping = mapping(now, tr.target());
            if (mapping.isPresent() && mapping.equals(mapping(checkedPlan, tr.target()))) {
                out.addAll(tr.findings());
            }
        }
        return out;
    }

    private static Optional<TableMapping> mapping(Plan p, String target) {
        return p.tables().stream().filter(t -> t.target().toString().equals(target)).findFirst();
    }
}
