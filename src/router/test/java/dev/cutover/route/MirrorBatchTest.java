package dev.cutover.route;

import dev.cutover.testing.NeedsServers;
import dev.cutover.control.ControlKeys;
import dev.cutover.control.Phase;
import dev.cutover.testing.TestRedis;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Mirror writes that queue up behind a slow new database are run in batches, one transaction for
 * each run a lane finds waiting, and a write that fails inside a batch is queued alone.
 */
@NeedsServers
class MirrorBatchTest {
    /** An upsert of an order that returns no rows (its key is its first parameter), so its mirrors can be batched. */
    static final WriteOp PUT = WriteOp.named("put_order").table("orders").keyParams(1)
            .oldSql("INSERT INTO orders (id, tenant_id, total_amount, metadata, created_at) "
                    + "VALUES (?, ?, ?, jsonb_build_object('shipping_method', ?::text), '2024-01-01T00:00:00Z') "
                    + "ON CONFLICT (id) DO UPDATE SET tenant_id = EXCLUDED.tenant_id, total_amount = EXCLUDED.total_amount, "
                    + "metadata = EXCLUDED.metadata")
            .newSql("INSERT INTO orders (id, tenant_id, total_cents, shipping_method, created_at) "
                    + "VALUES (?, ?, round(?::numeric * 100)::bigint, ?, '2024-01-01T00:00:00Z') "
                    + "ON CONFLICT (id) DO UPDATE SET tenant_id = EXCLUDED.tenant_id, total_cents = EXCLUDED.total_cents, "
                    + "shipping_method = EXCLUDED.shipping_method");

    private RouterFixture f;

    @BeforeEach
    void setUp() throws Exception {
        f = new RouterFixture("mbatch", TestRedis.sharedUrl());
    }

    @AfterEach
    void tearDown() throws Exception {
        f.close();
    }

    @Test
    void aBacklogBehindALockIsMirroredInBatchesNotACommitEach() throws Exception {
        Router router = f.track(f.builder().replay(false).build());
        RouterFixture.awaitVersion(router, f.set(Phase.DUAL_WRITE).version());
        long before;
        try (Connection lock = DriverManager.getConnection(f.newDb.url()); Statement s = lock.createStatement()) {
            lock.setAutoCommit(false);
            s.execute("LOCK TABLE orders IN EXCLUSIVE MODE"); // the mirrors wait; reads would not
            for (long id = 1; id <= 400; id++) {
                router.write(PUT, id % 7, id, id % 7, new BigDecimal(id + ".10"), id % 2 == 0 ? "ground" : "air");
            }
            before = f.transactionIdsOnNew();
            lock.commit();
        }
        assertThat(router.awaitQuiet(Duration.ofSeconds(20))).isTrue();
        assertThat(router.stats().mirrorFailures()).as(() -> "queued: " + f.redis().xrange(f.keys.failedWrites(), Range.create("-", "+"))
                .stream().map(m -> m.getBody().get(ControlKeys.FailedWrite.ERROR)).distinct().toList()).isZero();
        assertThat(router.stats().mirrored()).isEqualTo(400);
        assertThat(f.queueDepth()).isZero();
        assertThat(f.count(f.newDb)).isEqualTo(400);
        assertThat(f.converged()).as("old and new equal through the mapping").isTrue();
        // a transaction per mirror write would take 400 transaction ids or more; the 4 lanes' runs of up to 64 a few dozen
        assertThat(f.transactionIdsOnNew() - before).isLessThan(60);
    }

    @Test
    void aWriteThatFailsInsideABatchIsQueuedAloneAndTheOthersAreMirrored() throws Exception {
        f.newDb.exec("ALTER TABLE orders ADD CONSTRAINT no_4242 CHECK (total_cents <> 4242)");
        Router router = oneLaneInDualWrite();
        try (Connection lock = DriverManager.getConnection(f.newDb.url()); Statement s = lock.createStatement()) {
            lock.setAutoCommit(false);
            s.execute("LOCK TABLE orders IN EXCLUSIVE MODE");
            for (long id = 1; id <= 100; id++) {
                BigDecimal amount = id == 42 ? new BigDecimal("42.42") : new BigDecimal(id + ".10");
                router.write(PUT, id % 7, id, id % 7, amount, "ground");
            }
            awaitMirrorWaitingOnALock(); // the lane is waiting on its first write, the other 99 queued behind it
            lock.commit();
        }
        assertThat(router.awaitQuiet(Duration.ofSeconds(20))).isTrue();
        assertThat(router.stats().mirrorFailures()).isEqualTo(1);
        assertThat(router.stats().mirrored()).isEqualTo(99);
        assertThat(f.count(f.oldDb)).isEqualTo(100);
        assertThat(f.count(f.newDb)).isEqualTo(99);
        List<StreamMessage<String, String>> queued = f.redis().xrange(f.keys.failedWrites(), Range.create("-", "+"));
        assertThat(queued).hasSize(1);
        assertThat(queued.get(0).getBody().get(ControlKeys.FailedWrite.KEY)).isEqualTo("{\"id\":42}");
        assertThat(queued.get(0).getBody().get(ControlKeys.FailedWrite.ERROR)).contains("no_4242");
    }

    @Test
    void aConnectionKilledDuringABatchQueuesEveryWriteOfItWithTheCauseNotTheStatement() throws Exception {
        Router router = oneLaneInDualWrite(1, 60);
        try (Connection first = DriverManager.getConnection(f.newDb.url()); Statement a = first.createStatement();
             Connection inBatch = DriverManager.getConnection(f.newDb.url()); Statement b = inBatch.createStatement()) {
            first.setAutoCommit(false);
            a.execute("SELECT 1 FROM orders WHERE id = 1 FOR UPDATE");
            inBatch.setAutoCommit(false);
            b.execute("SELECT 1 FROM orders WHERE id = 60 FOR UPDATE");
            router.write(PUT, 1L, 1L, 1L, new BigDecimal("1.20"), "air");  // the lane runs it alone and waits on row 1
            awaitMirrorWaitingOnALock();
            for (long id = 2; id <= 70; id++) {  // queued behind it: one batch, which will wait on row 60
                if (id <= 50 || id >= 60) {
                    router.write(PUT, id % 7, id, id % 7, new BigDecimal(id + ".20"), "air");
                }
            }
            first.commit();
            awaitOnNew("SELECT 1 FROM orders WHERE id = 1 AND total_cents = 120"); // the lone write has run
            long pid = awaitMirrorWaitingOnALock();
            try (Connection admin = DriverManager.getConnection(f.newDb.url()); Statement k = admin.createStatement()) {
                k.execute("SELECT pg_terminate_backend(" + pid + ")");
            }
            assertThat(router.awaitQuiet(Duration.ofSeconds(10))).isTrue();
            inBatch.commit();
        }
        assertThat(router.stats().mirrorFailures()).isEqualTo(60);
        List<StreamMessage<String, String>> queued = f.redis().xrange(f.keys.failedWrites(), Range.create("-", "+"));
        assertThat(queued).hasSize(60);
        assertThat(queued).allSatisfy(m -> assertThat(m.getBody().get(ControlKeys.FailedWrite.ERROR))
                .contains("terminating connection").doesNotContain("INSERT INTO").doesNotContain("air"));
        assertThat(f.count(f.newDb)).as("the batch was rolled back as a whole").isEqualTo(2);
    }

    @Test
    void afterTheFlipToNewPrimaryAnOlderMirrorStillInALaneDoesNotOverwriteTheFirstNewWrite() throws Exception {
        Router router = oneLaneInDualWrite(1, 99);
        Thread secondWrite;
        try (Connection held = DriverManager.getConnection(f.newDb.url()); Statement s = held.createStatement()) {
            held.setAutoCommit(false);
            s.execute("SELECT 1 FROM orders WHERE id = 99 FOR UPDATE");
            router.write(PUT, 1L, 99L, 1L, new BigDecimal("99.50"), "ground"); // its mirror holds the lane up
            router.write(PUT, 1L, 1L, 1L, new BigDecimal("1.11"), "ground");   // old first; its mirror waits behind
            RouterFixture.awaitVersion(router, f.set(Phase.NEW_PRIMARY).version());
            secondWrite = new Thread(() -> {
                try {
                    router.write(PUT, 1L, 1L, 1L, new BigDecimal("2.22"), "air"); // new first now
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            secondWrite.start();
            // it waits inside the router for the older mirror (the row lock holds that mirror as long as this test wants)
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> waitingForOlderMirrors(secondWrite));
            assertThat(secondWrite.isAlive()).as("the new-first write waits for the older mirror to the new database").isTrue();
            held.commit();
        }
        secondWrite.join(10_000);
        assertThat(secondWrite.isAlive()).isFalse();
        assertThat(router.awaitQuiet(Duration.ofSeconds(10))).isTrue();
        assertThat(router.stats().mirrorFailures()).isZero();
        try (Connection c = DriverManager.getConnection(f.newDb.url()); Statement s = c.createStatement();
             var rs = s.executeQuery("SELECT total_cents, shipping_method FROM orders WHERE id = 1")) {
            rs.next();
            assertThat(rs.getLong(1)).as("the last acknowledged write's amount on the new database").isEqualTo(222);
            assertThat(rs.getString(2)).isEqualTo("air");
        }
        assertThat(f.converged()).as("old and new equal through the mapping").isTrue();
    }

    /** A router with one mirror lane following dual_write, replay off; the orders {@code ids} written and mirrored first. */
    private Router oneLaneInDualWrite(long... ids) throws Exception {
        Router router = f.track(f.builder().replay(false).mirrorThreads(1, 1000).build());
        RouterFixture.awaitVersion(router, f.set(Phase.DUAL_WRITE).version());
        for (long id : ids) {
            router.write(PUT, 1L, id, 1L, new BigDecimal(id + ".00"), "ground");
        }
        assertThat(router.awaitQuiet(Duration.ofSeconds(5))).isTrue();
        return router;
    }

    private void awaitOnNew(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(f.newDb.url()); Statement s = c.createStatement()) {
            org.awaitility.Awaitility.await("a row for " + sql).atMost(Duration.ofSeconds(10)).until(() -> {
                try (var rs = s.executeQuery(sql)) {
                    return rs.next();
                }
            });
        }
    }

    /** True while {@code t} is inside the router's wait for older mirrors to the side it writes first. */
    private static boolean waitingForOlderMirrors(Thread t) {
        return java.util.Arrays.stream(t.getStackTrace()).anyMatch(e -> e.getClassName().equals(MirrorWriter.class.getName())
                && e.getMethodName().equals("awaitNonePendingTo"));
    }

    /** The pid of the new database's session that waits for a row lock while running a mirror write. */
    private long awaitMirrorWaitingOnALock() throws Exception {
        try (Connection c = DriverManager.getConnection(f.newDb.url()); Statement s = c.createStatement()) {
            return org.awaitility.Awaitility.await("a mirror write waiting on a row lock").atMost(Duration.ofSeconds(10)).until(() -> {
                try (var rs = s.executeQuery("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                        + "AND wait_event_type = 'Lock' AND query LIKE 'INSERT INTO orders%'")) {
                    return rs.next() ? rs.getLong(1) : null;
                }
            }, java.util.Objects::nonNull);
        }
    }
}
