package dev.cutover.cli;

import picocli.CommandLine.Command;

/** {@code cutover worker}: joins a backfill run as an extra worker process (another machine); needs --redis. */
@Command(name = "worker", mixinStandardHelpOptions = true,
        description = {"Joins the backfill run of a plan as an extra worker (e.g. on another machine).",
                "Workers share chunk leases in Redis; a worker that dies has its chunk taken over when its lease expires."})
public final class WorkerCommand extends BackfillRunCommand {
    @Override
    boolean joining() {
        return true;
    }
}
