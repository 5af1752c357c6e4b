package dev.cutover.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cutover backfill}: copies old → new through the plan, resumably (exit 0 every selected table complete, 2 error). */
@Command(name = "backfill", mixinStandardHelpOptions = true,
        description = {"Copies every source row into the new schema through the plan's transforms.",
                "Key-ordered chunks, throttled and resumable (run it again after a stop or crash); rows already in the",
                "target are never overwritten.",
                "With --redis, other machines can join the run with 'cutover worker'.",
                "Exit status: 0 every selected table complete, 2 a table failed, the run stopped before the end, or bad input."})
public final class BackfillCommand extends BackfillRunCommand {
    @Option(names = "--restart", description = "forget the tables' previous runs and copy again from the start")
    boolean restart;

    @Option(names = "--with-sync", description = "create the sync slot and publication first, so that 'cutover sync' afterwards brings every change made during the backfill (docs/sync.md)")
    boolean withSync;

    @Override
    boolean withSync() {
        return withSync;
    }

    @Override
    boolean joining() {
        return false;
    }

    @Override
    boolean restart() {
        return restart;
    }
}
