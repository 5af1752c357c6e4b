package dev.cutover.app;

import dev.cutover.capture.SyncSlot;
import dev.cutover.pg.Db;
import dev.cutover.plan.Plan;
import dev.cutover.sql.Direction;

import java.util.ArrayList;
import java.util.List;

/**
 * Slot hygiene at the end of a migration (docs/sync.md): on the move to {@code cleanup}, the sync
 * slots and publications of the plan (forward on the old database, reverse on the new one) are
 * dropped where no process streams from them — an abandoned slot keeps WAL until the disk is full.
 * One that is still streamed from is named with what to do. The command line and the console both
 * call this after the phase moved.
 */
public final class SyncCleanup {
    private SyncCleanup() {
    }

    /** One line per slot found (none when the plan never used sync); {@code oldDb} or {@code newDb} may be null (not given). */
    public static List<String> dropIdleSlots(Db oldDb, Db newDb, Plan plan) {
        List<String> out = new ArrayList<>();
        if (oldDb != null) {
            drop(new SyncSlot(oldDb, plan, Direction.FORWARD), "cutover sync", out);
        }
        if (newDb != null) {
            drop(new SyncSlot(newDb, plan, Direction.REVERSE), "cutover sync --reverse", out);
        }
        return out;
    }

    private static void drop(SyncSlot slot, String command, List<String> out) {
        try {
            SyncSlot.Info info = slot.info();
            if (info == null) {
                return;
            }
            if (info.active()) {
                out.add("replication slot " + slot.slot() + " is still streamed from (server process " + info.activePid()
                        + "): stop that '" + command + "', then '" + command + " --drop' — it keeps WAL until dropped");
                return;
            }
            SyncSlot.Dropped d = slot.drop();
            out.add("replication slot " + slot.slot() + (d.slot() ? " dropped" : " gone") + (d.publication() ? ", publication dropped" : ""));
        } catch (RuntimeException e) {
            out.add("replication slot " + slot.slot() + " not dropped: " + e.getMessage() + "; drop it with '" + command + " --drop'");
        }
    }
}
