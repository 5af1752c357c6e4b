package dev.cutover.control;

import dev.cutover.testing.NeedsServers;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The routing-key set in Redis stays bounded by age and size, and holds no routing key in clear. */
@NeedsServers
class SeenRoutingKeysTest {

    @Test
    void theSetIsTrimmedByAgeAndSizeAndHoldsNoTenantIds() {
        try (ControlFixture f = new ControlFixture("seen-keys")) {
            try {
                long now = System.currentTimeMillis();
                long old = now - SeenRoutingKeys.RETENTION.toMillis() - 60_000;
                SeenRoutingKeys.write(f.link.sync(), f.keys, List.of(SeenRoutingKeys.member("s", 17, "tenant-old")), old);
                SeenRoutingKeys.write(f.link.sync(), f.keys, List.of(SeenRoutingKeys.member("s", 42, "tenant-42"),
                        SeenRoutingKeys.member("s", 9999, "tenant-top")), now - 20 * 60_000);
                SeenRoutingKeys.write(f.link.sync(), f.keys, List.of(SeenRoutingKeys.member("s", 42, "tenant-42")), now);
                List<String> all = f.link.sync().zrange(f.keys.routingKeys(), 0, -1);
                assertThat(all).as("older than the retention: gone").hasSize(2)
                        .allMatch(m -> m.matches("s:\\d{4}:[0-9a-f]{12}"))
                        .noneMatch(m -> m.contains("tenant"));
                assertThat(f.link.sync().pttl(f.keys.routingKeys())).isBetween(1L, SeenRoutingKeys.RETENTION.toMillis());

                SeenRoutingKeys.Seen last15 = SeenRoutingKeys.read(f.link.sync(), f.keys, "s", Duration.ofMinutes(15), now);
                assertThat(last15.count()).as("tenant-top was last seen 20 min ago").isEqualTo(1);
                assertThat(last15.buckets()).containsExactly(42);
                SeenRoutingKeys.Seen lastHour = SeenRoutingKeys.read(f.link.sync(), f.keys, "s", Duration.ofHours(1), now);
                assertThat(lastHour.count()).isEqualTo(2);
                assertThat(lastHour.moving(0, 1)).isEqualTo(1);   // bucket 42 < 100
                assertThat(lastHour.moving(1, 50)).isZero();      // [100, 5000)
                assertThat(lastHour.moving(100, 50)).isEqualTo(1); // bucket 9999 ≥ 5000

                List<String> many = new ArrayList<>();
                for (int i = 0; i < SeenRoutingKeys.MAX_KEYS + 500; i++) {
                    many.add(SeenRoutingKeys.member("s", i % 10_000, "k" + i));
                }
                SeenRoutingKeys.write(f.link.sync(), f.keys, many, now + 1);
                assertThat(f.link.sync().zcard(f.keys.routingKeys())).isEqualTo(SeenRoutingKeys.MAX_KEYS);
                SeenRoutingKeys.Seen full = SeenRoutingKeys.read(f.link.sync(), f.keys, "s", Duration.ofMinutes(15), now + 1);
                assertThat(full.capped()).isTrue();
                assertThat(full.count()).isEqualTo(SeenRoutingKeys.MAX_KEYS);
            } finally {
                f.link.sync().del(f.keys.routingKeys());
            }
        }
    }

    @Test
    void aBucketOutsideTheSplitIsRefused() {
        assertThatThrownBy(() -> SeenRoutingKeys.member("s", 10_000, "k")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sticky bucket 10000");
    }
}
