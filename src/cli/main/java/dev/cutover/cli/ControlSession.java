package dev.cutover.cli;

import dev.cutover.control.ControlPlane;
import dev.cutover.control.ControlView;
import dev.cutover.control.ControlStore;
import dev.cutover.control.GuardSettings;
import dev.cutover.control.Guards;
import dev.cutover.control.RedisLink;
import dev.cutover.control.VerifiedPair;
import dev.cutover.pg.Db;
import dev.cutover.pg.DbIdentity;

/**
 * What the control commands share: the Redis link of {@code --redis}, the migration's store
 * (remembering the last state seen on this machine, so a lost Redis state is noticed) and the
 * control plane with the guard settings of the command line. The guards know the databases
 * ({@code --old}, {@code --new}) and the plan ({@code --plan}) this command is given, so that a
 * verification counts only for the databases and plan it verified.
 */
final class ControlSession implements AutoCloseable {
    final String migration;
    final RedisLink link;
    final ControlStore store;
    final ControlPlane plane;
    private VerifiedPair here;

    ControlSession(Connections connections, PlanOptions plan, GuardSettings settings) {
        this.migration = plan.migration();
        String url = connections.redisUrl();
        Db oldDb = connections.oldDbIfGiven();
        Db newDb = connections.newDbIfGiven();
        this.link = RedisLink.open(url);
        this.store = ControlStore.standard(link, url, migration, newDb);
        this.plane = new ControlPlane(store, new Guards(store, settings, System::currentTimeMillis, () -> {
            if (here == null) { // once per command: identified when a verification guard is first evaluated
                here = new VerifiedPair(oldDb == null ? null : DbIdentity.of(oldDb), newDb == null ? null : DbIdentity.of(newDb),
                        plan.hasPlan() ? VerifiedPair.planHash(plan.plan()) : null);
            }
            return here;
        }));
    }

    /** Added to a lost-state message: the printed restore command needs this command's connections. */
    static final String RESTORE_WITH = " (with the same --redis and --new as this command)";

    /**
     * Refuses to start a migration's state (version 0 to 1) without the witness: a machine that
     * never saw the state could otherwise start over on an empty Redis.
     */
    void requireWitnessToStart(ControlView view) {
        if (store.witness() == null && view.state().version() == 0) {
            throw new UserError("migration " + migration + " has no control state in Redis; starting it (or telling that Redis lost it)"
                    + " needs the new database, where the witness of the state is kept: give --new URL or CUTOVER_NEW_URL");
        }
    }

    /** After a change: one warning line when the witness could not be written. */
    void warnWitness(java.io.PrintWriter err) {
        if (store.witness() != null && store.witnessProblem() != null) {
            err.println("cutover: WARNING: the control-state witness was not updated: " + store.witnessProblem());
        }
    }

    @Override
    public void close() {
        link.close();
    }
}
