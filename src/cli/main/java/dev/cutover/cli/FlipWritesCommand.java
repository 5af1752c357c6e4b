package dev.cutover.cli;

import dev.cutover.app.WriteFlip;
import dev.cutover.plan.Plan;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code cutover flip-writes}: moves the side that takes writes, for an application without the router (docs/sync.md). */
@Command(name = "flip-writes", mixinStandardHelpOptions = true,
        description = {"Moves writes to the other database for an application without the router, with change capture (docs/sync.md,",
                "\"The write flip\"): catches up, makes the next stream's slot, blocks writes on the side they leave (a trigger",
                "refusing them with SQLSTATE 25006), catches up to the block, drops the spent slot, then says SWITCH NOW",
                "and the pause it caused. Stop 'cutover sync' first: flip-writes streams itself. --undo lifts a block.",
                "Exit status: 0 flipped (or undone), 2 error (any block it made is lifted again)."})
public final class FlipWritesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    Connections connections;

    @Mixin
    PlanOptions planOptions;

    @Option(names = "--to", required = true, paramLabel = "new|old",
            description = "where writes go: new (after the forward stream), or old (back, after the reverse stream); with --undo: the side to let writes through again")
    String to;

    @Option(names = "--undo", description = "lift the write block on the --to side (disables, then drops its triggers) and do nothing else")
    boolean undo;

    @Option(names = "--max-pause", paramLabel = "TIME", converter = DurationConverter.class,
            description = "give up (and lift the block) when the catch-up inside the pause takes longer (default: ${DEFAULT-VALUE})")
    Duration maxPause = Duration.ofSeconds(30);

    @Option(names = "--lock-timeout", paramLabel = "TIME", converter = DurationConverter.class,
            description = "how long the block waits for writers in flight per try, 5 tries (default: ${DEFAULT-VALUE})")
    Duration lockTimeout = Duration.ofSeconds(2);

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Plan plan = planOptions.plan();
        WriteFlip.Side side;
        try {
            side = WriteFlip.Side.parse(to);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
        if (maxPause.isZero() || maxPause.isNegative() || lockTimeout.isZero() || lockTimeout.isNegative()) {
            throw new UserError("--max-pause and --lock-timeout must be more than 0");
        }
        WriteFlip flip = new WriteFlip(connections.oldDb(), connections.newDb(), plan, lockTimeout.toMillis(), 5, maxPause.toMillis());
        String name = "flip-writes " + plan.name();
        if (undo) {
            boolean lifted = flip.undo(side);
            out.println(name + ": " + (lifted ? "write block on the " + side.words() + " lifted: it takes writes again"
                    : "no write block on the " + side.words()));
            return ExitCodes.OK;
        }
        // Ctrl-C or SIGTERM during the flip: interrupt it, so that a block it made is lifted before the JVM ends
        Thread flipping = Thread.currentThread();
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        WriteFlip.Result r;
        WriteFlip.Side leaving = side == WriteFlip.Side.NEW ? WriteFlip.Side.OLD : WriteFlip.Side.NEW;
        try (StopHook hook = new StopHook(() -> {
            flipping.interrupt(); // a wait for the stream ends at once and the flip lifts its block itself
            try {
                // a database call does not hear an interrupt: then, unless the flip is already past the point of no
                // return (dropping the spent slot), cancel it and lift the block from here
                if (!done.await(5, java.util.concurrent.TimeUnit.SECONDS) && flip.cancel()) {
                    boolean lifted = flip.undo(leaving);
                    spec.commandLine().getErr().println("cutover: flip-writes " + plan.name() + " stopped by a signal"
                            + (lifted ? "; the block on the " + leaving.words() + " is lifted again: writes go there as before" : ""));
                    spec.commandLine().getErr().flush();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                spec.commandLine().getErr().println("cutover: flip-writes " + plan.name() + " stopped by a signal; the block on the "
                        + leaving.words() + " could NOT be lifted (" + Errors.describe(e) + "): run 'cutover flip-writes --undo --to "
                        + leaving.name().toLowerCase(Locale.ROOT) + "'");
                spec.commandLine().getErr().flush();
            }
        })) {
            r = flip.flip(side, line -> {
                out.println(name + ": " + line);
                out.flush();
            }, () -> {
                out.println("SWITCH NOW: point the application's writes at the " + side.words() + ".");
                out.flush();
            });
        } catch (RuntimeException e) {
            // said here, before the stop hook lets a signalled JVM end
            spec.commandLine().getErr().println("cutover: " + Errors.describe(e));
            spec.commandLine().getErr().flush();
            return ExitCodes.ERROR;
        } finally {
            done.countDown();
        }
        if (connections.redisGiven() && WriteFlip.forgetSpentStream(connections.redisUrl(), plan.name(), side)) {
            out.println(name + ": the dropped stream's status removed from Redis (the phase guards no longer wait for it)");
        }
        out.printf(Locale.ROOT, "%s: write pause %,d ms (block %,d ms + catch-up %,d ms, %,d changes); slot %s dropped%s%n", name,
                r.pauseMillis(), r.blockMillis(), r.catchUpMillis(), r.changesInPause(), r.droppedSlot(),
                r.liftedBlockOnTarget() ? "; the " + side.words() + "'s write block (from the earlier flip) lifted" : "");
        out.println("until the application switches, its writes to the " + (side == WriteFlip.Side.NEW ? "old" : "new")
                + " database fail with SQLSTATE 25006 (read_only_sql_transaction), reads go on");
        out.println("next: " + r.nextCommand() + " --plan … --old … --new … — it starts at slot " + r.nextSlot()
                + ", made before the pause, so no write is lost while it is not running");
        out.flush();
        return ExitCodes.OK;
    }
}
