package dev.cutover.demo;

import dev.cutover.control.ControlStore;
import dev.cutover.control.RedisLink;
import dev.cutover.control.WriteTarget;

import java.io.PrintWriter;

/**
 * The operator's "SWITCH NOW" for the sample application of {@code demo --sync}, which writes with
 * plain JDBC and has no router to tell it: it follows the control state's {@code write_target} in
 * Redis, which a write flip records only after SWITCH NOW (when every write the old side accepted
 * is on the new one), and points the application at the new database from {@code new_primary} on,
 * at the old one before. Writes the flip's block refused meanwhile wait for this switch
 * ({@link DirectSides}) and land on the side writes moved to. A real application switches its
 * connection string, or a pooler's target is switched; the demo does it here, so that the console's
 * flip can be walked with the sample running. Polls every 200 ms on a daemon thread; Redis away
 * costs nothing but the wait (the application keeps its side).
 */
final class WriteTargetFollower implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(WriteTargetFollower.class);

    private final Thread thread;
    private volatile boolean closed;

    WriteTargetFollower(String redisUrl, String migration, DirectSides app, PrintWriter out) {
        thread = new Thread(() -> {
            RedisLink link = null;
            while (!closed) {
                try {
                    if (link == null) {
                        link = RedisLink.open(redisUrl);
                    }
                    WriteTarget t = new ControlStore(link, migration).read().writeTarget();
                    boolean toNew = t == WriteTarget.NEW_PRIMARY || t == WriteTarget.NEW_ONLY;
                    if (toNew != app.onNew()) {
                        app.switchTo(toNew);
                        out.println("demo: the sample application now writes to the " + (toNew ? "new" : "old") + " database (write_target "
                                + t.wireName() + " in Redis: the flip's SWITCH NOW)");
                        out.flush();
                    }
                } catch (RuntimeException e) {
                    LOG.debug("cannot read the write target: {}", e.getMessage());
                    if (link != null) {
                        link.close();
                        link = null;
                    }
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    break;
                }
            }
            if (link != null) {
                link.close();
            }
        }, "demo-write-target");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
