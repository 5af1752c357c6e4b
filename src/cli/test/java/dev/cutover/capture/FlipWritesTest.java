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
        assertThat(ok.out()).contains("no --redis: the phase is not checked or moved and no audit entry is written")
                .contains("SWITCH NOW: point the application's writes at the new database.")
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
    void withRedisTheFlipIsThePhaseMoveGuardedAndAuditedAfterSwitchNow() throws Exception {
        String redis = dev.cutover.testing.TestRedis.sharedUrl();
        // sync ran and stopped: its status says "stopped", which refuses 'cutover phase' but not the flip (it catches up itself)
        assertThat(p.run("sync", "--until-caught-up", "--redis", redis).status()).isZero();
        p.old.exec("INSERT INTO users VALUES (1, 'a', NULL)");

        // (a) refused before anything is blocked, by the guards of the move to new_primary
        CliRun early = p.run("flip-writes", "--to", "new", "--redis", redis);
        assertThat(early.status()).as(early.out() + early.err()).isEqualTo(1);
        assertThat(early.err()).contains("nothing blocked: migration " + p.name + ": cannot move from planning to new_primary")
                .contains("backfill complete: no backfill has run").contains("(to move anyway: --override --reason")
                .doesNotContain("SWITCH NOW");
        assertThat(early.out()).doesNotContain("blocked (");
        p.old.exec("UPDATE users SET name = 'b' WHERE id = 1"); // the old side still takes writes
        for (String phase : List.of("backfill", "dual_write", "shadow_read", "traffic_shift")) {
            CliRun r = p.run("phase " + phase, "--redis", redis, "--override", "--reason", "test", "--flip-timeout", "0s");
            assertThat(r.status()).as(phase + ": " + r.out() + r.err()).isZero();
        }
        try (dev.cutover.control.RedisLink link = dev.cutover.control.RedisLink.open(redis)) {
            var store = new dev.cutover.control.ControlStore(link, p.name);
            int audited = store.audit(100).size();
            // the same guards as 'cutover phase new_primary', but the stopped sync's is met by the flip's own catch-up
            CliRun phase = p.run("phase", "--redis", redis);
            assertThat(phase.out()).contains("next: new_primary (refused now").contains("✗ change capture caught up: cutover sync is stopped")
                    .contains("✗ verification clean and fresh")
                    // no router ever reported and sync is in use: the router's guards say they do not apply
                    .contains("✓ reads fully shifted: read shift (read_percent ")
                    .contains("): not applicable - no router has reported for migration " + p.name
                            + "; writes follow by sync, exact verification is the evidence");
            CliRun refused = p.run("flip-writes", "--to", "new", "--redis", redis);
            assertThat(refused.status()).as(refused.out() + refused.err()).isEqualTo(1);
            assertThat(refused.err()).contains("cannot move from traffic_shift to new_primary").contains("verification clean and fresh")
                    .doesNotContain("reads fully shifted").doesNotContain("shadow mismatch rate").doesNotContain("change capture caught up");
            assertThat(store.audit(100)).as("a refusal changes nothing").hasSize(audited);
            assertThat(p.run("flip-writes", "--to", "new", "--redis", redis, "--override").err())
                    .contains("--override needs --reason");

            // (b), (c): with an override, flipped, then the phase recorded and one audit entry written
            CliRun toNew = p.run("flip-writes", "--to", "new", "--redis", redis, "--override", "--reason", "no verification in this test");
            assertThat(toNew.status()).as(toNew.out() + toNew.err()).isZero();
            assertThat(toNew.out()).contains("phase traffic_shift → new_primary (guards overridden, audited); recorded after SWITCH NOW")
                    .contains("✓ change capture caught up: met by the flip itself");
            String out = toNew.out();
            assertThat(out.indexOf("audited as flip_writes")).as(out).isGreaterThan(out.indexOf("SWITCH NOW"));
            assertThat(out).containsPattern("phase traffic_shift → new_primary \\(version [0-9]+, write target new_primary\\), audited as"
                    + " flip_writes; override audited: .*verification clean and fresh");
            var state = store.read();
            assertThat(state.phase()).isEqualTo(dev.cutover.control.Phase.NEW_PRIMARY);
            assertThat(state.writeTarget()).isEqualTo(dev.cutover.control.WriteTarget.NEW_PRIMARY);
            List<dev.cutover.control.AuditEntry> entries = store.audit(100);
            assertThat(entries).hasSize(audited + 1);
            dev.cutover.control.AuditEntry e = entries.get(entries.size() - 1);
            assertThat(e.action()).isEqualTo("flip_writes");
            assertThat(e.from()).isEqualTo("traffic_shift");
            assertThat(e.to()).isEqualTo("new_primary");
            assertThat(e.who()).isEqualTo(dev.cutover.control.Actor.current().who());
            assertThat(e.override()).isTrue();
            assertThat(e.why()).matches("flip-writes --to new: write pause [0-9]+ ms \\(block [0-9]+ ms \\+ catch-up [0-9]+ ms, [0-9]+"
                    + " changes\\); no verification in this test");
            assertThat(p.run("phase", "--redis", redis).out()).contains("phase new_primary (write target new_primary");
            assertThat(p.actualUsers()).containsExactly("1|B|NULL");

            // the reverse stream, now allowed; then the flip back is the rollback, recorded and audited the same way
            p.neu.exec("UPDATE users SET first_name = 'C' WHERE id = 1");
            CliRun rev = p.run("sync", "--reverse", "--until-caught-up", "--redis", redis);
            assertThat(rev.status()).as(rev.out() + rev.err()).isZero();
            CliRun back = p.run("flip-writes", "--to", "old", "--redis", redis);
            assertThat(back.status()).as(back.out() + back.err()).isZero();
            assertThat(back.out()).contains("phase new_primary → traffic_shift (no guard); recorded after SWITCH NOW")
                    .contains("SWITCH NOW: point the application's writes at the old database.")
                    .containsPattern("phase new_primary → traffic_shift \\(version [0-9]+, write target dual_write\\), audited as flip_writes");
            assertThat(store.read().phase()).isEqualTo(dev.cutover.control.Phase.TRAFFIC_SHIFT);
            entries = store.audit(100);
            assertThat(entries).hasSize(audited + 2);
            e = entries.get(entries.size() - 1);
            assertThat(e.action()).isEqualTo("flip_writes");
            assertThat(e.from()).isEqualTo("new_primary");
            assertThat(e.to()).isEqualTo("traffic_shift");
            assertThat(e.override()).isFalse();
            assertThat(e.why()).startsWith("flip-writes --to old: write pause ");
            assertThat(SyncPair.rows(p.old, "SELECT id, name FROM users")).containsExactly("1|c");

            // --undo that lifts a block is audited too, the phase kept
            CliRun undo = p.run("flip-writes", "--to", "new", "--undo", "--redis", redis);
            assertThat(undo.out()).contains("write block on the new database lifted")
                    .contains("audited as flip_writes").contains("phase traffic_shift kept: lifting a block moves no writes");
            entries = store.audit(100);
            assertThat(entries).hasSize(audited + 3);
            assertThat(entries.get(entries.size() - 1).why()).isEqualTo("flip-writes --undo --to new: write block on the new database lifted");
        }
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
