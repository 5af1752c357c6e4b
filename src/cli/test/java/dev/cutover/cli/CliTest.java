package dev.cutover.cli;

import dev.cutover.testing.NeedsServers;
import dev.cutover.testing.TestDb;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line as a user meets it: exit statuses and one-line errors. */
@NeedsServers
class CliTest {
    static TestDb oldDb;
    static TestDb newDb;

    record Run(int status, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = CutoverCommand.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(status, out.toString(), err.toString());
    }

    @BeforeAll
    static void dbs() {
        oldDb = TestDb.create("cli_old").exec("""
                CREATE TABLE "order" (id bigint PRIMARY KEY, "Total" numeric(10,2), note text);
                INSERT INTO "order" SELECT g, g / 100.0, CASE WHEN g % 10 = 0 THEN 'x' END FROM generate_series(1, 500) g;
                """);
        newDb = TestDb.createNew("cli_new").exec("""
                CREATE TABLE "order" (id bigint PRIMARY KEY, total_cents bigint NOT NULL, note text NOT NULL);
                """);
    }

    @AfterAll
    static void drop() {
        oldDb.close();
        newDb.close();
    }

    static Path plan(Path dir, String noteExpr) throws Exception {
        Path f = dir.resolve("plan.json");
        Files.writeString(f, """
                {"version": 1, "name": "cli", "tables": [
                  {"source": {"schema": "public", "table": "order"}, "target": {"schema": "public", "table": "order"},
                   "key": ["id"],
                   "columns": [{"target": "id", "expr": "id"},
                               {"target": "total_cents", "expr": "(\\"Total\\" * 100)::bigint"},
                               {"target": "note", "expr": "%s"}],
                   "reverse": [{"target": "Total", "expr": "total_cents / 100.0"}]}
                ]}
                """.formatted(noteExpr));
        return f;
    }

    @Test
    void cleanPlanExitsZero(@TempDir Path dir) throws Exception {
        Run r = run("plan", "check", "--plan", plan(dir, "coalesce(note, '')").toString(), "--old", oldDb.url(), "--new", newDb.url());
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).contains("public.order -> public.order  (dry run: 500 rows)").contains("clean: 0 problems");
        assertThat(r.status()).isZero();
    }

    @Test
    void problemsExitOneWithKeys(@TempDir Path dir) throws Exception {
        Run r = run("plan", "check", "--plan", plan(dir, "note").toString(), "--old", oldDb.url(), "--new", newDb.url());
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.out()).contains("PROBLEM  [note] 450 rows would put NULL into NOT NULL column \"note\"")
                .contains("{\"id\":1}");
    }

    @Test
    void jsonOutput(@TempDir Path dir) throws Exception {
        Run r = run("plan", "check", "--json", "--plan", plan(dir, "note").toString(), "--old", oldDb.url(), "--new", newDb.url());
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.out()).contains("\"kind\" : \"null_into_not_null\"").contains("\"rows\" : 450");
    }

    @Test
    void statementInsteadOfExpressionChangesNothing(@TempDir Path dir) throws Exception {
        Run r = run("plan", "check", "--plan", plan(dir, "1; DROP TABLE \\\"order\\\"").toString(), "--old", oldDb.url(), "--new", newDb.url());
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err().strip()).startsWith("cutover: " + dir.resolve("plan.json") + ": tables[0].columns[2].expr: expression for public.order.\"note\" refused: ';' at position 2")
                .doesNotContain("\n");
        oldDb.exec("SELECT 1 FROM \"order\" LIMIT 1"); // still there
    }

    @Test
    void errorsAreOneLine(@TempDir Path dir) throws Exception {
        Run missing = run("plan", "check", "--plan", dir.resolve("nope.json").toString(), "--old", oldDb.url(), "--new", newDb.url());
        assertThat(missing.status()).isEqualTo(2);
        assertThat(missing.err()).isEqualTo("cutover: " + dir.resolve("nope.json") + ": plan file not found\n");

        Run unreachable = run("plan", "check", "--plan", plan(dir, "note").toString(),
                "--old", "jdbc:postgresql://127.0.0.1:1/x?user=postgres&password=secret&connectTimeout=2", "--new", newDb.url());
        assertThat(unreachable.status()).isEqualTo(2);
        assertThat(unreachable.err()).startsWith("cutover: cannot connect to the old database at jdbc:postgresql://127.0.0.1:1/x?user=postgres&password=***")
                .doesNotContain("secret").hasLineCount(1);

        Run noDb = run("plan", "check", "--plan", plan(dir, "note").toString(),
                "--old", TestDb.adminUrl().replace("/postgres", "/no_such_db_cutover"), "--new", newDb.url());
        assertThat(noDb.err()).contains("database \"no_such_db_cutover\" does not exist").hasLineCount(1);

        Run badUrl = run("plan", "check", "--plan", plan(dir, "note").toString(), "--old", "postgres://x", "--new", newDb.url());
        assertThat(badUrl.err()).isEqualTo("cutover: the old database URL must start with jdbc:postgresql:// (got postgres://x)\n");

        Run noCommand = run("frobnicate");
        assertThat(noCommand.status()).isEqualTo(2);
        assertThat(noCommand.err()).hasLineCount(1);
    }

    @Test
    void versionAndHelp() {
        assertThat(run("--version").out()).startsWith("cutover ");
        assertThat(run("--help").out()).contains("plan");
    }
}
