package dev.cutover.cli;

import dev.cutover.control.ControlStore;
import dev.cutover.control.FlipWait;
import picocli.CommandLine.Option;

import java.time.Duration;

/** Which routers count as live for a write-target change's acknowledgement (a picocli mixin). */
public final class FlipOptions {
    @Option(names = "--router-live", paramLabel = "AGE", converter = DurationConverter.class,
            description = "a router whose heartbeat is younger than this is live and must acknowledge a write-target change (default 5s)")
    Duration routerLive = FlipWait.DEFAULT_LIVE_WITHIN;

    FlipWait flipWait(ControlStore store) {
        if (routerLive.isNegative() || routerLive.isZero()) {
            throw new UserError("--router-live must be positive, was " + routerLive);
        }
        return new FlipWait(store, routerLive);
    }
}
