package dev.cutover.backfill;

import dev.cutover.testing.NeedsServers;
import dev.cutover.testing.CliRun;
import dev.cutover.cli.CutoverCommand;
import dev.cutover.testing.TestDb;
import dev.cutover.testing.TestRedis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A source key that is not unique stops backfill, verify and repair before they start, naming the
 * table and the first duplicate keys, and leaves the new database as it was: copied by key, two
 * rows under one key would land as one (the backfill once said "complete, 4 rows" with 3 landed)
 * and a repair would flip the row between them for ever.
 */
@NeedsServers
class DuplicateKeyRefusalTest {
    private static final String OLD_ROWS = "INSERT INTO orders SELECT g, jsonb_build_object('shipping_method', 'ground', 'priority', '1'), "
            + "g * 1.25, 'x' FROM generate_series(1, 20) g;"
            + "INSERT INTO orders VALUES (7, '{\"shipping_method\": \"zeppelin\", \"priority\": \"2\"}', 99.5, 'secret-flag'), "
            + "(3, '{\"shipping_method\": \"zeppelin\", \"priority\": \"3\"}', 12.5, 'secret-flag');";

    private static String[] args(String cmd, Path plan, TestDb old, TestDb neu) {
        return new String[] {cmd, "--plan", plan.toString(), "--old", old.url(), "--new", neu.url(), "--latency-limit", "0",
                "--progress", "none"};
    }


    private static CliRun run(String... args) {
        return CliRun.run(args);
    }

    private static void assertUntouched(TestDb neu) throws Exception {
        assertThat(Orders.count(neu, "SELECT count(*) FROM pg_namespace WHERE nspname = 'cutover'")).isZero();
        assertThat(Orders.count(neu, "SELECT count(*) FROM orders")).isZero();
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void backfillVerifyAndRepairRefuseADuplicatedSourceKeyAndTouchNothing() throws Exception {
        String migration = TestRedis.uniqueMigration("dupkey");
        try (TestDb old = TestDb.create("dupkey_old"); TestDb neu = TestDb.create("dupkey_new")) {
            old.exec("CREATE TABLE orders (id bigint NOT NULL, metadata jsonb, total_amount double precision, legacy_flags text);" + OLD_ROWS);
            neu.exec("CREATE TABLE orders (id bigint PRIMARY KEY, shipping_method text, priority int, total_cents bigint)");
            Path plan = Files.createTempFile("cutover-plan", ".json");
            plan.toFile().deleteOnExit();
            Files.writeString(plan, Orders.planJson(migration, Orders.CENTS));
            for (String cmd : new String[] {"backfill", "verify", "repair"}) {
                CliRun r = run(args(cmd, plan, old, neu));
                assertThat(r.status()).as(cmd + ": " + r.out() + r.err()).isEqualTo(2);
                assertThat(r.err()).as(cmd).isEqualTo("cutover: " + cmd + " refused: the key (id) of public.orders in the old database "
                        + "is not unique: 2 key values occur more than once (first: {\"id\":3}, {\"id\":7}); remove the duplicates or give "
                        + "the plan a unique key (plan check reports them as duplicate_key)" + System.lineSeparator());
                assertThat(r.out() + r.err()).as(cmd).doesNotContain("zeppelin").doesNotContain("secret-flag").doesNotContain("99.5");
                assertUntouched(neu);
            }
        }
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aUniqueIndexOverANullableKeyIsNoProofNullKeysRepeat() throws Exception {
        String migration = TestRedis.uniqueMigration("dupnull");
        try (TestDb old = TestDb.create("dupnull_old"); TestDb neu = TestDb.create("dupnull_new")) {
            old.exec("CREATE TABLE orders (id bigint UNIQUE, metadata jsonb, total_amount double precision, legacy_flags text);"
                    + "INSERT INTO orders SELECT g, '{}', g, 'x' FROM generate_series(1, 10) g;"
                    + "INSERT INTO orders VALUES (NULL, '{}', 1, 'x'), (NULL, '{}', 2, 'x');");
            neu.exec("CREATE TABLE orders (id bigint PRIMARY KEY, shipping_method text, priority int, total_cents bigint)");
            Path plan = Files.createTempFile("cutover-plan", ".json");
            plan.toFile().deleteOnExit();
            Files.writeString(plan, Orders.planJson(migration, Orders.CENTS));
            CliRun r = run(args("backfill", plan, old, neu));
            assertThat(r.status()).as(r.out() + r.err()).isEqualTo(2);
            assertThat(r.err()).startsWith("cutover: backfill refused: the key (id) of public.orders in the old database is not unique: "
                    + "1 key values occur more than once (first: {\"id\":null})").hasLineCount(1);
            assertUntouched(neu);
            // with the NULLs gone the unique index proves the key and the backfill runs
            old.exec("DELETE FROM orders WHERE id IS NULL; ALTER TABLE orders ALTER COLUMN id SET NOT NULL");
            CliRun ok = run(args("backfill", plan, old, neu));
            assertThat(ok.status()).as(ok.out() + ok.err()).isZero();
            assertThat(Orders.count(neu, "SELECT count(*) FROM orders")).isEqualTo(10);
        }
    }
}
