package dev.cutover.cli;

import dev.cutover.check.CheckReport;
import dev.cutover.check.PlanChecker;
import dev.cutover.check.ReportFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code cutover plan check --plan F}: exit 0 clean, 1 problems found, 2 could not run. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Check the plan against both live schemas and dry-run every transform over every source row.",
                "Reads only. Exit 0 clean, 1 problems or warnings found, 2 could not run."})
public final class PlanCheckCommand implements Callable<Integer> {
    @Mixin
    PlanOptions plan;

    @Mixin
    Connections connections;

    @Option(names = "--json", description = "print the report as JSON")
    boolean json;

    @Option(names = "--chunk-rows", defaultValue = "10000", description = "rows per dry-run statement (default ${DEFAULT-VALUE})")
    int chunkRows;

    @Option(names = "--sync", description = "also check what 'cutover sync' needs from the old database's server (docs/sync.md)")
    boolean sync;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        var p = plan.plan();
        var checker = new PlanChecker(connections.oldDb(), connections.newDb()).chunkRows(chunkRows);
        boolean tty = System.console() != null && !json;
        if (tty) {
            checker.onProgress((table, rows, est) -> {
                System.err.printf("\r  dry run %s: %,d / ~%,d rows", table, rows, Math.max(rows, est));
                System.err.flush();
            });
        }
        CheckReport report = checker.check(p);
        if (tty) {
            System.err.print("\r\033[K");
        }
        var out = spec.commandLine().getOut();
        if (!sync) {
            out.print(json ? ReportFormat.json(report) : ReportFormat.human(report));
            out.flush();
            return report.clean() ? ExitCodes.OK : ExitCodes.FOUND;
        }
        var items = dev.cutover.capture.SyncPrerequisites.check(connections.oldDb(), p);
        boolean syncOk = items.stream().allMatch(dev.cutover.capture.SyncPrerequisites.Item::ok);
        if (json) {
            try {
                var o = (com.fasterxml.jackson.databind.node.ObjectNode) ControlText.JSON.readTree(ReportFormat.json(report));
                var arr = o.putArray("sync");
                for (var i : items) {
                    var io = arr.addObject();
                    io.put("what", i.what());
                    io.put("ok", i.ok());
                    io.put("found", i.found());
                    io.put("fix", i.ok() ? null : i.fix());
                }
                out.println(o.toString());
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        } else {
            out.print(ReportFormat.human(report));
            out.println("sync prerequisites (old database)");
            for (var i : items) {
                out.println("  " + (i.ok() ? "ok       " : "PROBLEM  ") + i.what() + ": " + i.found());
                if (!i.ok()) {
                    out.println("           fix: " + i.fix());
                }
            }
            out.println(syncOk ? "sync: ready" : "sync: not ready");
        }
        out.flush();
        return report.clean() && syncOk ? ExitCodes.OK : ExitCodes.FOUND;
    }
}
