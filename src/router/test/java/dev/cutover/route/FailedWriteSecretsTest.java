package dev.cutover.route;

import dev.cutover.testing.NeedsServers;
import dev.cutover.testing.Tee;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import dev.cutover.cli.Logging;
import dev.cutover.control.Phase;
import dev.cutover.testing.TestRedis;
import io.lettuce.core.KeyScanArgs;
import io.lettuce.core.Range;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Point 3 of the hardening: a mirror write the new side refuses for a check and a NOT NULL
 * constraint, on a row whose non-key column holds a marker. The failed-write entries keep SQLSTATE,
 * table and constraint; the marker is nowhere in Redis (every key of the migration), the log file
 * or stderr — with the router, its replay and Cutover's loggers at DEBUG.
 */
@NeedsServers
class FailedWriteSecretsTest {
    private final String marker = "SSN-MARKER-" + UUID.randomUUID().toString().substring(0, 8);
    private RouterFixture f;
    private PrintStream stderrBefore;
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private Level levelBefore;

    @BeforeEach
    void setUp() throws Exception {
        f = new RouterFixture("fwsecret", TestRedis.sharedUrl());
        stderrBefore = System.err;
        System.setErr(new PrintStream(new Tee(stderrBefore, stderr), true, StandardCharsets.UTF_8));
        var cutover = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger("dev.cutover");
        levelBefore = cutover.getLevel();
        cutover.setLevel(Level.DEBUG);
    }

    @AfterEach
    void tearDown() throws Exception {
        ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger("dev.cutover").setLevel(levelBefore);
        System.setErr(stderrBefore);
        f.close();
    }

    @Test
    void checkAndNotNullViolationsAreQueuedWithoutTheRowsValues() throws Exception {
        f.newDb.exec("ALTER TABLE orders ADD CONSTRAINT no_ssn CHECK (shipping_method NOT LIKE 'SSN-%')");
        Router router = f.router(); // replay on: it retries the entries and logs why it cannot
        RouterFixture.awaitVersion(router, f.set(Phase.DUAL_WRITE).version());

        // a check violation, alone and in a batch of mirrors
        router.write(RouterFixture.PLACE, 1L, 1L, 1L, new BigDecimal("1.25"), marker);
        for (long id = 2; id <= 4; id++) {
            router.write(RouterFixture.PLACE, id, id, id, new BigDecimal("2.50"), marker + "-" + id);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> errors().size() >= 4);

        // a NOT NULL violation: the failing row holds the marker too
        f.newDb.exec("ALTER TABLE orders DROP CONSTRAINT no_ssn; ALTER TABLE orders ADD COLUMN note text NOT NULL");
        router.write(RouterFixture.PLACE, 5L, 5L, 5L, new BigDecimal("5.00"), marker);
        await().atMost(Duration.ofSeconds(20)).until(() -> errors().size() >= 5);
        // the replay worker tried and failed (and logged it) at least once for the NOT NULL row
        await().atMost(Duration.ofSeconds(20)).until(() -> logFile().contains("replay of orders"));
        assertThat(router.awaitQuiet(Duration.ofSeconds(10))).isTrue();

        String everything = String.join("\n", redisDump());
        assertThat(everything).contains("not mirrored"); // the dump did read the stream
        assertThat(everything).doesNotContain(marker);
        List<String> errors = errors();
        assertThat(errors).anySatisfy(e -> assertThat(e).contains("SQLSTATE 23514").contains("constraint no_ssn")
                .contains("table public.orders"));
        assertThat(errors).anySatisfy(e -> assertThat(e).contains("SQLSTATE 23502").contains("column note"));
        assertThat(logFile()).contains("orders").doesNotContain(marker);
        assertThat(stderr.toString(StandardCharsets.UTF_8)).doesNotContain(marker);
        assertThat(f.count(f.oldDb)).isEqualTo(5); // the first side has them all: it is the mirror that failed
    }

    private List<String> errors() {
        List<String> out = new ArrayList<>();
        for (StreamMessage<String, String> m : f.redis().xrange(f.keys.failedWrites(), Range.create("-", "+"))) {
            out.add(m.getBody().getOrDefault("error", ""));
        }
        return out;
    }

    private String logFile() throws Exception {
        Path log = Logging.logDir().resolve("cutover.log");
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    /** Every key of the migration, whatever its type, as text. */
    private List<String> redisDump() {
        RedisCommands<String, String> r = f.redis();
        List<String> out = new ArrayList<>();
        ScanIterator<String> keys = ScanIterator.scan(r, KeyScanArgs.Builder.matches(f.keys.prefix() + "*").limit(500));
        while (keys.hasNext()) {
            String k = keys.next();
            out.add(k);
            switch (r.type(k)) {
                case "string" -> out.add(r.get(k));
                case "hash" -> out.add(r.hgetall(k).toString());
                case "list" -> out.add(r.lrange(k, 0, -1).toString());
                case "set" -> out.add(r.smembers(k).toString());
                case "zset" -> out.add(r.zrange(k, 0, -1).toString());
                case "stream" -> r.xrange(k, Range.create("-", "+")).forEach(m -> out.add(m.getBody().toString()));
                default -> out.add("?" + k);
            }
        }
        return out;
    }

}
