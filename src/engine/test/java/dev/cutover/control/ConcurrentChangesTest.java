package dev.cutover.control;

import dev.cutover.testing.NeedsServers;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Several consoles changing one migration at once: every change lands or conflicts, none is lost. */
@NeedsServers
class ConcurrentChangesTest {

    @Test
    void concurrentWritersNeverLoseAnUpdate() throws Exception {
        int writers = 6;
        int changesEach = 25;
        try (ControlFixture f = new ControlFixture("concurrent")) {
            AtomicInteger conflicts = new AtomicInteger();
            ConcurrentLinkedQueue<Long> versions = new ConcurrentLinkedQueue<>();
            ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int id = w;
                // each writer has its own connection, like separate consoles
                Thread t = new Thread(() -> {
                    try (RedisLink link = RedisLink.open(dev.cutover.testing.TestRedis.sharedUrl())) {
                        ControlPlane plane = new ControlPlane(new ControlStore(link, f.migration), ControlFixture.FAST);
                        Actor me = new Actor("console" + id, "host" + id);
                        go.await();
                        int done = 0;
                        while (done < changesEach) {
                            ControlState seen = plane.store().read();
                            // read-modify-write: add one thousandth to the sample rate
                            double next = Math.round(seen.shadowSampleRate() * 1000 + 1) / 1000.0;
                            try {
                                versions.add(plane.setSampleRate(seen, next, me, "writer " + id).version());
                                done++;
                            } catch (ConflictException e) {
                                conflicts.incrementAndGet();
                            }
                        }
                    } catch (Throwable e) {
                        errors.add(e);
                    }
                });
                t.start();
                threads.add(t);
            }
            go.countDown();
            for (Thread t : threads) {
                t.join(120_000);
            }
            assertThat(errors).isEmpty();
            int total = writers * changesEach;
            ControlState end = f.store.read();
            assertThat(end.version()).isEqualTo(total);
            // every increment survived: 150 changes of +0.001 each
            assertThat(end.shadowSampleRate()).isEqualTo(total / 1000.0);
            Set<Long> unique = new TreeSet<>(versions);
            assertThat(unique).hasSize(total).first().isEqualTo(1L);
            assertThat(f.store.audit(1000)).hasSize(total)
                    .extracting(AuditEntry::version).isSorted().doesNotHaveDuplicates();
            assertThat(conflicts.get()).as("with six writers some attempts must have conflicted").isPositive();
        }
    }
}
