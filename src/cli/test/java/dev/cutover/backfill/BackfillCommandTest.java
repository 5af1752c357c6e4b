package dev.cutover.backfill;

import dev.cutover.testing.NeedsServers;
import dev.cutover.cli.CutoverCommand;
import dev.cutover.testing.TestRedis;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

@NeedsServers
class BackfillCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return CutoverCommand.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    @Test
    void runsABackfillShowingPlainProgressLinesWhenNotOnATerminal() throws Exception {
        String migration = TestRedis.uniqueMigration("bf-cli");
        try (Orders o = new Orders("bf_cli", migration, 1500)) {
            Path plan = Cli.plan(o, migration);
            int code = run("backfill", "--plan", plan.toString(), "--old", o.old.url(), "--new", o.neu.url(), "--workers", "1",
                    "--latency-limit", "0");
            assertThat(code).as(err.toString()).isZero();
            assertThat(out.toString()).contains("no --redis").containsPattern("backfill: 100\\.0% 1,500/1,500 rows, [0-9,]+ rows/s, ETA 0:00; public.orders complete 100.0%")
                    .contains("public.orders: complete, 1,500 rows").contains("backfill complete").doesNotContain("\r");
            assertThat(err.toString()).isEmpty();
            assertThat(o.actual()).isEqualTo(o.expected());
        }
    }

    @Test
    void badInputIsOneLineAndExitTwo() throws Exception {
        String migration = TestRedis.uniqueMigration("bf-bad");
        try (Orders o = new Orders("bf_bad", migration, 10)) {
            Path plan = Cli.plan(o, migration);
            String[] conn = {"--plan", plan.toString(), "--old", o.old.url(), "--new", o.neu.url()};
            assertThat(run(concat(new String[] {"backfill", "--on-error", "maybe"}, conn))).isEqualTo(2);
            assertThat(err.toString()).isEqualTo("cutover: --on-error must be stop or skip, got maybe" + System.lineSeparator());
            err.getBuffer().setLength(0);
            assertThat(run(concat(new String[] {"backfill", "--table", "nope"}, conn))).isEqualTo(2);
            assertThat(err.toString()).isEqualTo("cutover: plan " + migration + " has no table nope" + System.lineSeparator());
            err.getBuffer().setLength(0);
            assertThat(run(concat(new String[] {"backfill", "--workers", "0"}, conn))).isEqualTo(2);
            assertThat(err.toString()).isEqualTo("cutover: --workers must be between 1 and 64, got 0" + System.lineSeparator());
            err.getBuffer().setLength(0);
            assertThat(run(concat(new String[] {"worker"}, conn))).isEqualTo(2);
            assertThat(err.toString()).startsWith("cutover: worker needs --redis");
            err.getBuffer().setLength(0);
            o.neu.exec("DROP TABLE orders; CREATE TABLE orders (id bigint, shipping_method text, priority int, total_cents bigint)");
            assertThat(run(concat(new String[] {"backfill"}, conn))).isEqualTo(2);
            assertThat(err.toString()).isEqualTo("cutover: new table public.orders has no primary key or unique constraint on (id); "
                    + "backfill needs one to never overwrite rows already there" + System.lineSeparator());
            assertThat(Orders.count(o.neu, "SELECT count(*) FROM orders")).isZero();
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] r = new String[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
