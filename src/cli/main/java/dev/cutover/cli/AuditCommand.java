package dev.cutover.cli;

import dev.cutover.control.AuditEntry;
import dev.cutover.control.GuardSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code cutover audit}: the audit log of the control state, newest last. */
@Command(name = "audit", description = "Print the audit log of the control state (who, when, what from what to what, why), newest last.")
public final class AuditCommand implements Callable<Integer> {
    @Mixin
    Connections connections;
    @Mixin
    PlanOptions plan;
    @Option(names = "--json", description = "one JSON object per line")
    boolean json;
    @Option(names = "--limit", paramLabel = "N", description = "the newest N entries (default 1000)")
    int limit = 1000;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (limit < 1) {
            throw new UserError("--limit must be at least 1, was " + limit);
        }
        try (ControlSession s = new ControlSession(connections, plan, GuardSettings.defaults())) {
            List<AuditEntry> entries = s.store.audit(limit);
            PrintWriter out = spec.commandLine().getOut();
            for (AuditEntry e : entries) {
                out.println(json ? ControlText.auditJson(e).toString() : ControlText.audit(e));
            }
            if (entries.isEmpty() && !json) {
                out.println(s.migration + ": no changes recorded");
            }
            out.flush();
            return ExitCodes.OK;
        }
    }
}
