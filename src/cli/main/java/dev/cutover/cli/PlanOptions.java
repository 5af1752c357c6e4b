package dev.cutover.cli;

import dev.cutover.plan.Plan;
import dev.cutover.plan.PlanFile;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code --plan F} or {@code --migration NAME}: which migration a command is about (a picocli mixin). */
public final class PlanOptions {
    @Option(names = "--plan", paramLabel = "FILE", description = "the plan file (its name names the migration)")
    Path planFile;

    @Option(names = "--migration", paramLabel = "NAME", description = "the migration's name, when no plan file is needed")
    String migration;

    private Plan plan;

    /** The plan; required. */
    public Plan plan() {
        if (planFile == null) {
            throw new UserError("this command needs --plan FILE");
        }
        if (plan == null) {
            plan = PlanFile.read(planFile);
        }
        return plan;
    }

    public boolean hasPlan() {
        return planFile != null;
    }

    /** The migration name: --migration, else the plan's name. */
    public String migration() {
        if (migration != null) {
            if (planFile != null && !plan().name().equals(migration)) {
                throw new UserError("--migration " + migration + " does not match the plan's name " + plan().name());
            }
            return migration;
        }
        if (planFile != null) {
            return plan().name();
        }
        throw new UserError("name the migration with --plan FILE or --migration NAME");
    }
}
