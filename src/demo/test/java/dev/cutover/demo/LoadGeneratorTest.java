package dev.cutover.demo;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LoadGeneratorTest {

    @Test
    void countsEveryRequestAndEveryErrorPerSegmentAndPerSecond() throws Exception {
        AtomicLong calls = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        List<LoadGenerator.Second> seconds = Collections.synchronizedList(new ArrayList<>());
        LoadGenerator load = new LoadGenerator(400, 4, seq -> {
            calls.incrementAndGet();
            if (seq % 10 == 3 || seq % 10 == 4) {
                failures.incrementAndGet();
                throw new IllegalStateException("request " + (seq % 2 == 0 ? "even" : "odd") + " refused\nsecond line");
            }
            Thread.sleep(1);
        });
        load.onSecond(seconds::add);
        load.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> calls.get() >= 200);
        load.segment("second part");
        long atSwitch = calls.get();
        await().atMost(Duration.ofSeconds(30)).until(() -> calls.get() >= atSwitch + 200);
        // a whole second of the second part reported (the per-second callback runs at each second's end)
        int reported = seconds.size();
        await().atMost(Duration.ofSeconds(30)).until(() -> seconds.size() >= reported + 2);
        load.close();

        assertThat(load.requests()).isEqualTo(calls.get());
        assertThat(load.errors()).isEqualTo(failures.get()).isPositive();
        assertThat(load.shed()).isZero();
        // one-line messages, grouped
        assertThat(load.errorMessages()).containsOnlyKeys("IllegalStateException: request even refused",
                "IllegalStateException: request odd refused");
        assertThat(load.errorMessages().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(failures.get());
        List<LoadGenerator.Segment> segments = load.segments();
        assertThat(segments).extracting(LoadGenerator.Segment::label).containsExactly("start", "second part");
        assertThat(segments.stream().mapToLong(LoadGenerator.Segment::requests).sum()).isEqualTo(calls.get());
        assertThat(segments.stream().mapToLong(LoadGenerator.Segment::errors).sum()).isEqualTo(failures.get());
        for (LoadGenerator.Segment s : segments) {
            assertThat(s.p50us()).isLessThanOrEqualTo(s.p99us());
            assertThat(s.p99us()).isLessThanOrEqualTo(s.maxUs());
            assertThat(s.p50us()).isGreaterThanOrEqualTo(1000);   // every successful request slept 1 ms
        }
        assertThat(seconds).isNotEmpty();
        assertThat(seconds.stream().mapToLong(LoadGenerator.Second::requests).sum()).isLessThanOrEqualTo(calls.get());
        assertThat(seconds.get(seconds.size() - 1).line()).contains("req/s", "p50", "p99", "errors");
    }

    @Test
    void aFullBacklogShedsRequestsInsteadOfQueueingForever() throws Exception {
        AtomicLong calls = new AtomicLong();
        // one worker, each request takes 200 ms, 2,000 due per second: the backlog (2 s of requests) fills
        LoadGenerator load = new LoadGenerator(2000, 1, seq -> {
            calls.incrementAndGet();
            Thread.sleep(200);
        });
        load.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> load.shed() > 0);
        load.close();
        assertThat(load.shed()).isPositive();
        assertThat(load.errors()).isZero();
        assertThat(load.requests()).isEqualTo(calls.get());
    }

    @Test
    void refusesANonPositiveRate() {
        assertThatThrownBy(() -> new LoadGenerator(0, 1, seq -> { })).hasMessageContaining("rate must be positive");
    }
}
