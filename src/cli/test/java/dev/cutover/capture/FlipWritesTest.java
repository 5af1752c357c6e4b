package dev.cutover.capture;

import dev.cutover.app.WriteFlip;
import dev.cutover.testing.CliRun;
import dev.cutover.testing.NeedsServers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The write flip without the router, under a writing application: a plain-JDBC writer that inserts,
 * updates and deletes users on the side it is pointed at, retries a write the block refuses
 * (SQLSTATE 25006) once told to switch, and remembers every write the database acknowledged. Writes
 * move old → new and back; after each flip and the next stream's catch-up, every acknowledged write
 * is on the side writes went to and both sides hold the same rows through the plan.
 */
@NeedsServers
class FlipWritesTest {
    SyncPair p;
    Writer writer;

    @BeforeEach
    void setUp() {
        p = new SyncPair("flip");
    }

    @AfterEach
    void tearDown() throws Exception {
        if (writer != null) {
            writer.stop();
        }
        p.close();
    }

    @Test
    void writesMoveToTheNewDatabaseAndBackUnderLoadWithNoAcknowledgedWriteLost() throws Exception {
        assertThat(p.run("sync", "--until-caught-up").status()).isZero(); // the forward slot: the new side follows from here
        writer = new Writer(p.old.url(), p.neu.url());
        writer.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> writer.acknowledged.get() >= 300);

        List<String> lines = new ArrayList<>();
        WriteFlip flip = new WriteFlip(p.oldDb(), p.newDb(), p.parsed());
        WriteFlip.Result toNew = flip.flip(WriteFlip.Side.NEW, lines::add, () -> writer.switchTo(true));
        assertThat(toNew.pauseMillis()).isGreaterThanOrEqualTo(toNew.catchUpMillis());
        System.out.println("flip to new under load: " + toNew);
        assertThat(lines).anyMatch(l -> l.contains("blocked")).anyMatch(l -> l.contains("_rev created on the new database"));
        assertThat(new SyncSlot(p.oldDb(), p.parsed()).info()).as("the spent forward slot is dropped").isNull();
        long atFlip = writer.acknowledged.get();
        await().atMost(Duration.ofSeconds(60)).until(() -> writer.acknowledged.get() >= atFlip + 300);

        // a write that still goes to the old side is refused, with where writes went; reads go on
        try (Connection c = DriverManager.getConnection(p.old.url())) {
            assertThatThrownBy(() -> c.createStatement().execute("UPDATE users SET name = 'late' WHERE id = 1"))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("25006"))
                    .hasMessageContaining("cutover: writes to public.users have moved to the new database");
            assertThat(c.createStatement().executeQuery("SELECT count(*) FROM users").next()).isTrue();
        }
        writer.stop();
        CliRun rev = p.run("sync", "--reverse", "--until-caught-up");
        assertThat(rev.status()).as(rev.out() + rev.err()).isZero();
        assertThat(p.actualUsers()).as("new side: every acknowledged write").isEqualTo(writer.expected());
        assertThat(p.expectedUsers()).as("old side, through the plan, the same rows").isEqualTo(p.actualUsers());

        // and back: the reverse stream carried the new side's writes, now the old side takes them again
        writer = new Writer(p.old.url(), p.neu.url(), writer);
        writer.switchTo(true);
        writer.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> writer.acknowledged.get() >= 300);
        WriteFlip.Result back = flip.flip(WriteFlip.Side.OLD, lines::add, () -> writer.switchTo(false));
        assertThat(back.droppedSlot()).endsWith("_rev");
        long atBack = writer.acknowledged.get();
        await().atMost(Duration.ofSeconds(60)).until(() -> writer.acknowledged.get() >= atBack + 300);
        writer.stop();
        CliRun fwd = p.run("sync", "--until-caught-up");
        assertThat(fwd.status()).as(fwd.out() + fwd.err()).isZero();
        assertThat(p.expectedUsers()).as("old side: every acknowledged write").isEqualTo(writer.expected());
        assertThat(p.actualUsers()).as("new side follows again").isEqualTo(p.expectedUsers());
        assertThat(new dev.cutover.capture.WriteBlock(p.newDb(), p.parsed(), dev.cutover.sql.Direction.REVERSE).blocked())
                .as("the new side is blocked after the flip back").hasSize(2);
        assertThat(flip.undo(WriteFlip.Side.NEW)).isTrue();
    }

    @Test
    void theCommandRefusesWhileASyncStreamsAndWithoutASlotAndUndoLiftsABlock() throws Exception {
        CliRun none = p.run("flip-writes", "--to", "new");
        assertThat(none.status()).isEqualTo(2);
        assertThat(none.err()).contains("there is no slot " + p.slot() + " on the old database").contains("run 'cutover sync' first");
        assertThat(p.run("sync", "--until-caught-up").status()).isZero();
        p.old.exec("INSERT INTO users VALUES (1, 'a', NULL)");
        // a catch-up inside the pause that takes longer than allowed: given up, the block lifted, nothing dropped
        CliRun slow = p.run("flip-writes", "--to", "new", "--max-pause", "1ms");
        assertThat(slow.status()).isEqualTo(2);
        assertThat(slow.err()).contains("did not finish within the longest pause allowed (1 ms; --max-pause)")
                .contains("the block on the old database is lifted again: writes go there as before");
        p.old.exec("UPDATE users SET name = 'a' WHERE id = 1"); // the old side takes writes again
        assertThat(new SyncSlot(p.oldDb(), p.parsed()).info()).as("the forward slot is kept").isNotNull();
        CliRun ok = p.run("flip-writes", "--to", "new");
        assertThat(ok.status()).as(ok.out() + ok.err()).isZero();
        assertThat(ok.out()).contains("SWITCH NOW: point the application's writes at the new database.")
                .containsPattern("write pause [0-9,]+ ms \\(block [0-9,]+ ms \\+ catch-up [0-9,]+ ms, 0 changes\\)")
                .contains("next: cutover sync --reverse");
        assertThat(p.actualUsers()).containsExactly("1|A|NULL");
        CliRun undo = p.run("flip-writes", "--to", "old", "--undo");
        assertThat(undo.out()).contains("write block on the old database lifted");
        p.old.exec("UPDATE users SET name = 'b'"); // takes writes again
        assertThat(p.run("flip-writes", "--to", "old", "--undo").out()).contains("no write block on the old database");
        CliRun bad = p.run("flip-writes", "--to", "sideways");
        assertThat(bad.status()).isEqualTo(2);
        assertThat(bad.err()).contains("--to must be new or old, got sideways");
    }

    @Test
    void theSideWritesMoveToHandsOutIdsPastEveryCopiedRow() throws Exception {
        for (var db : List.of(p.old, p.neu)) {
            db.exec("ALTER TABLE users ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY");
        }
        assertThat(p.run("sync", "--until-caught-up").status()).isZero();
        p.old.exec("INSERT INTO users (name) SELECT 'u' || g FROM generate_series(1, 5) g");
        List<String> lines = new ArrayList<>();
        WriteFlip flip = new WriteFlip(p.oldDb(), p.newDb(), p.parsed());
        flip.flip(WriteFlip.Side.NEW, lines::add, () -> { });
        assertThat(lines).anyMatch(l -> l.matches("sequence public\\.users_id_seq on the new database moved from 0 to 5 \\(next id 6\\)"));
        p.neu.exec("INSERT INTO users (first_name) VALUES ('SIX')"); // the application's first insert on the new side
        assertThat(p.run("sync", "--reverse", "--until-caught-up").status()).isZero();
        lines.clear();
        flip.flip(WriteFlip.Side.OLD, lines::add, () -> { });
        p.old.exec("INSERT INTO users (name) VALUES ('seven')"); // and back on the old side: the old sequence moved past 6
        assertThat(p.run("sync", "--until-caught-up").status()).isZero();
        assertThat(SyncPair.rows(p.old, "SELECT id, name FROM users ORDER BY id"))
                .containsExactly("1|u1", "2|u2", "3|u3", "4|u4", "5|u5", "6|six", "7|seven");
        assertThat(p.actualUsers()).isEqualTo(p.expectedUsers());
    }

    @Test
    void aSignalDuringThePauseLiftsTheBlockAndKeepsTheSlot() throws Exception {
        assertThat(p.run("sync", "--until-caught-up").status()).isZero(); // the slot first, then the row, so sync brings it
        p.old.exec("INSERT INTO users VALUES (5, 'five', NULL)");
        assertThat(p.run("sync", "--until-caught-up").status()).isZero();
        // the reverse slot made beforehand: making one waits for every transaction in flight, the holder's below too
        assertThat(p.run("sync", "--reverse", "--until-caught-up").status()).isZero();
        java.nio.file.Path log = dev.cutover.testing.CliProcess.log();
        Process flip;
        try (Connection writer = DriverManager.getConnection(p.old.url()); Connection holder = DriverManager.getConnection(p.neu.url())) {
            // on the new side, row 5 held: applying a change to it will wait, inside the pause
            holder.setAutoCommit(false);
            holder.createStatement().execute("SELECT * FROM users WHERE id = 5 FOR UPDATE");
            // on the old side, a write in flight: the block waits for it, and its change comes after the last catch-up
            writer.setAutoCommit(false);
            writer.createStatement().execute("UPDATE users SET name = 'cinq' WHERE id = 5");
            flip = dev.cutover.testing.CliProcess.start(log, "flip-writes", "--plan", p.plan.toString(), "--old", p.old.url(),
                    "--new", p.neu.url(), "--to", "new", "--max-pause", "120s", "--lock-timeout", "30s");
            await().atMost(Duration.ofSeconds(60)).until(() -> SyncPair.rows(p.old,
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%cutover_writes_moved%'").equals(List.of("1")));
            writer.commit(); // the block goes in; the pause's catch-up now waits on row 5 of the new side, in a database call
            await().atMost(Duration.ofSeconds(60)).until(() -> dev.cutover.testing.CliProcess.read(log).contains("the pause starts"));
            await().atMost(Duration.ofSeconds(60)).until(() -> SyncPair.rows(p.neu,
                    "SELECT count(*) > 0 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()").equals(List.of("t")));
            flip.destroy(); // SIGTERM, with the flip stuck in a database call that no interrupt ends
            assertThat(flip.waitFor(60, TimeUnit.SECONDS)).isTrue();
            holder.rollback();
        }
        assertThat(dev.cutover.testing.CliProcess.read(log)).containsPattern("stopped (\\(a signal or a cancel\\)|by a signal); the block on the old"
                        + " database is lifted again")
                .doesNotContain("SWITCH NOW");
        p.old.exec("INSERT INTO users VALUES (9, 'nine', NULL)"); // the old side takes writes again
        assertThat(new SyncSlot(p.oldDb(), p.parsed()).info()).as("the forward slot is kept: nothing written meanwhile is lost").isNotNull();
        assertThat(p.run("sync", "--until-caught-up").status()).isZero();
        assertThat(p.actualUsers()).containsExactly("5|CINQ|NULL", "9|NINE|NULL");
    }

    @Test
    void movingToCleanupDropsTheIdleSlotsAndPublications() throws Exception {
        assertThat(p.run("sync", "--until-caught-up").status()).isZero();
        assertThat(p.run("sync", "--reverse", "--until-caught-up").status()).isZero();
        String redis = dev.cutover.testing.TestRedis.sharedUrl();
        assertThat(p.run("status", "--redis", redis).out()).contains("writes follow by: nothing live (no router heartbeat, no running sync)");
        dev.cutover.app.SyncRun running = new dev.cutover.app.SyncRun(p.oldDb(), p.newDb(), p.parsed(),
                dev.cutover.app.SyncRun.Settings.forward(redis));
        running.start(null, rep -> { }, e -> { });
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> p.run("status", "--redis", redis).out().contains("writes follow by: sync"));
            CliRun busy = p.run("flip-writes", "--to", "new");
            assertThat(busy.status()).isEqualTo(2);
            assertThat(busy.err()).contains("a sync process streams from slot " + p.slot()).contains("stop it first (Ctrl-C)");
        } finally {
            running.stop();
            assertThat(running.awaitEnd(30_000)).isTrue();
        }
        CliRun r = null;
        for (String phase : List.of("backfill", "dual_write", "shadow_read", "traffic_shift", "new_primary", "cleanup")) {
            r = p.run("phase " + phase, "--redis", redis, "--override", "--reason", "test", "--flip-timeout", "0s");
            assertThat(r.status()).as(phase + ": " + r.out() + r.err()).isZero();
        }
        assertThat(r.out()).contains("cleanup: replication slot " + p.slot() + " dropped, publication dropped")
                .contains("cleanup: replication slot " + p.slot() + "_rev dropped, publication dropped");
        assertThat(new SyncSlot(p.oldDb(), p.parsed()).info()).isNull();
        assertThat(SyncPair.rows(p.neu, "SELECT count(*) FROM pg_replication_slots WHERE slot_name LIKE 'cutover%'")).containsExactly("0");
    }

    /** The application: one thread, plain JDBC, autocommit; a refused write waits for the switch and is retried. */
    static final class Writer {
        final String oldUrl;
        final String newUrl;
        final AtomicLong acknowledged = new AtomicLong();
        final Map<Long, String> ack; // id → lower-case name, as acknowledged
        volatile boolean toNew;
        volatile boolean running = true;
        long nextId;
        Thread thread;
        volatile Throwable failure;

        Writer(String oldUrl, String newUrl) {
            this.oldUrl = oldUrl;
            this.newUrl = newUrl;
            this.ack = new TreeMap<>();
            this.nextId = 1;
        }

        Writer(String oldUrl, String newUrl, Writer before) {
            this.oldUrl = oldUrl;
            this.newUrl = newUrl;
            this.ack = before.ack;
            this.nextId = before.nextId;
        }

        void switchTo(boolean neu) {
            toNew = neu;
        }

        void start() {
            thread = new Thread(this::loop, "app-writer");
            thread.start();
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join(TimeUnit.SECONDS.toMillis(30));
            assertThat(failure).isNull();
        }

        List<String> expected() {
            List<String> out = new ArrayList<>();
            ack.forEach((id, name) -> out.add(id + "|" + name.toUpperCase(java.util.Locale.ROOT) + "|NULL"));
            return out;
        }

        private void loop() {
            Connection c = null;
            boolean connectedToNew = false;
            try {
                while (running) {
                    if (c == null || connectedToNew != toNew) {
                        if (c != null) {
                            c.close();
                        }
                        connectedToNew = toNew;
                        c = DriverManager.getConnection(connectedToNew ? newUrl : oldUrl);
                    }
                    ThreadLocalRandom r = ThreadLocalRandom.current();
                    int kind = ack.size() < 20 ? 0 : r.nextInt(10);
                    long id = kind < 5 ? nextId : new ArrayList<>(ack.keySet()).get(r.nextInt(ack.size()));
                    String name = "n" + r.nextInt(1_000_000);
                    String nameColumn = connectedToNew ? "first_name" : "name";
                    String value = connectedToNew ? name.toUpperCase(java.util.Locale.ROOT) : name;
                    String sql = kind < 5 ? "INSERT INTO users (id, " + nameColumn + ") VALUES (?, ?)"
                            : kind < 9 ? "UPDATE users SET " + nameColumn + " = ? WHERE id = ?" : "DELETE FROM users WHERE id = ?";
                    try (PreparedStatement ps = c.prepareStatement(sql)) {
                        if (kind < 5) {
                            ps.setLong(1, id);
                            ps.setString(2, value);
                        } else if (kind < 9) {
                            ps.setString(1, value);
                            ps.setLong(2, id);
                        } else {
                            ps.setLong(1, id);
                        }
                        ps.executeUpdate();
                    } catch (SQLException e) {
                        if (!"25006".equals(e.getSQLState())) {
                            throw e;
                        }
                        // the block: wait for the switch (the operator's SWITCH NOW), then write there
                        boolean was = connectedToNew;
                        while (running && toNew == was) {
                            LockSupport.parkNanos(1_000_000);
                        }
                        continue;
                    }
                    if (kind < 5) {
                        ack.put(id, name);
                        nextId++;
                    } else if (kind < 9) {
                        ack.put(id, name);
                    } else {
                        ack.remove(id);
                    }
                    acknowledged.incrementAndGet();
                }
            } catch (Throwable e) {
                failure = e;
            } finally {
                try {
                    if (c != null) {
                        c.close();
                    }
                } catch (SQLException ignored) {
                    // closing
                }
            }
        }
    }
}
