package dev.cutover.route;

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
        assertThat(router.stats().mirrorFailures()).isZero();
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
        Router router = f.track(f.builder().replay(false).mirrorThreads(1, 1000).build());
        RouterFixture.awaitVersion(router, f.set(Phase.DUAL_WRITE).version());
        try (Connection lock = DriverManager.getConnection(f.newDb.url()); Statement s = lock.createStatement()) {
            lock.setAutoCommit(false);
            s.execute("LOCK TABLE orders IN EXCLUSIVE MODE");
            for (long id = 1; id <= 100; id++) {
                BigDecimal amount = id == 42 ? new BigDecimal("42.42") : new BigDecimal(id + ".10");
                router.write(PUT, id % 7, id, id % 7, amount, "ground");
            }
            Thread.sleep(200); // the lane is waiting on its first write, the other 99 queued behind it
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
}
