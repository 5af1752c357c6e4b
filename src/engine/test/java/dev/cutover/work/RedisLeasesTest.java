package dev.cutover.work;

import dev.cutover.testing.NeedsServers;
import dev.cutover.control.ControlKeys;
import dev.cutover.testing.TestRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@NeedsServers
class RedisLeasesTest {

    @Test
    void aLiveWorkersLeaseIsRenewedAndADeadOnesExpires() throws Exception {
        ControlKeys keys = new ControlKeys(TestRedis.uniqueMigration("leases"));
        RedisClient client = RedisClient.create(TestRedis.sharedUrl());
        try (StatefulRedisConnection<String, String> ca = client.connect(); StatefulRedisConnection<String, String> cb = client.connect()) {
            RedisLeases a = new RedisLeases(ca.sync(), id -> keys.workLease("verify", id), "a", 300);
            RedisLeases b = new RedisLeases(cb.sync(), id -> keys.workLease("verify", id), "b", 300);
            assertThat(a.tryAcquire("public.t:1")).isTrue();
            assertThat(b.tryAcquire("public.t:1")).isFalse();
            // for three TTLs: still held because a renews it
            org.awaitility.Awaitility.await().during(java.time.Duration.ofSeconds(1)).atMost(java.time.Duration.ofSeconds(3))
                    .pollInterval(java.time.Duration.ofMillis(50)).until(() -> !b.tryAcquire("public.t:1"));
            assertThat(b.holder("public.t:1")).isEqualTo("a");
            b.release("public.t:1"); // not b's: no effect
            assertThat(b.holder("public.t:1")).isEqualTo("a");

            ca.close(); // a dies: no more renewals
            org.awaitility.Awaitility.await("b takes the expired lease").atMost(java.time.Duration.ofSeconds(10))
                    .pollInterval(java.time.Duration.ofMillis(50)).until(() -> b.tryAcquire("public.t:1"));
            assertThat(b.holder("public.t:1")).isEqualTo("b");
            b.release("public.t:1");
            assertThat(b.holder("public.t:1")).isNull();
            a.close();
            b.close();
        } finally {
            client.shutdown();
        }
    }

    @Test
    void localLeasesKeepThreadsOffEachOthersChunks() {
        LocalLeases l = new LocalLeases("w");
        assertThat(l.tryAcquire("x:1")).isTrue();
        assertThat(l.tryAcquire("x:1")).isFalse();
        l.release("x:1");
        assertThat(l.tryAcquire("x:1")).isTrue();
        assertThat(l.shared()).isFalse();
    }
}
