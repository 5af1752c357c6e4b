package dev.cutover.cli;

import dev.cutover.control.ControlPlane;
import dev.cutover.control.ControlStore;
import dev.cutover.control.GuardSettings;
import dev.cutover.control.LastSeenCache;
import dev.cutover.control.RedisLink;

/**
 * What the control commands share: the Redis link of {@code --redis}, the migration's store
 * (remembering the last state seen on this machine, so a lost Redis state is noticed) and the
 * control plane with the guard settings of the command line.
 */
final class ControlSession implements AutoCloseable {
    final String migration;
    final RedisLink link;
    final ControlStore store;
    final ControlPlane plane;

    ControlSession(Connections connections, PlanOptions plan, GuardSettings settings) {
        this.migration = plan.migration();
        String url = connections.redisUrl();
        this.link = RedisLink.open(url);
        this.store = new ControlStore(link, migration, LastSeenCache.standard(url, migration));
        this.plane = new ControlPlane(store, settings);
    }

    @Override
    public void close() {
        link.close();
    }
}
