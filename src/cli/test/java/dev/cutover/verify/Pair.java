package dev.cutover.verify;

import dev.cutover.cli.CutoverCommand;
import dev.cutover.pg.Db;
import dev.cutover.plan.Plan;
import dev.cutover.plan.PlanFile;
import dev.cutover.sql.Direction;
import dev.cutover.testing.TestDb;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** An old and a new test database plus a plan file, and a way to run cutover commands against them. */
final class Pair implements AutoCloseable {
    final TestDb old;
    final TestDb neu;
    final Path dir;
    Path plan;

    Pair(String label) {
        this(label, null, null);
    }

    Pair(String label, String oldOptions, String newOptions) {
        old = TestDb.create(label + "_old", oldOptions);
        neu = TestDb.create(label + "_new", TestDb.Server.NEW, newOptions);
        try {
            dir = Files.createTempDirectory("cutover-verify");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Pair plan(String json) {
        try {
            plan = Files.writeString(dir.resolve("plan.json"), json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    record Run(int status, String out, String err) {
    }

    /** Runs {@code cutover <command> --plan P --old O --new N <args>}. */
    Run run(String command, String... args) {
        List<String> all = new ArrayList<>(List.of(command.split(" ")));
        all.addAll(List.of("--plan", plan.toString(), "--old", old.url(), "--new", neu.url()));
        all.addAll(List.of(args));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = CutoverCommand.run(all.toArray(new String[0]), new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(status, out.toString(), err.toString());
    }

    Plan parsed() {
        return PlanFile.read(plan);
    }

    Db oldDb() {
        return new Db("old database", old.url());
    }

    Db newDb() {
        return new Db("new database", neu.url());
    }

    /** Verifies through the engine API. */
    VerifyReport verify(VerifyOptions options) {
        return new Verifier(parsed(), oldDb(), newDb(), options, VerifyListener.NONE).verify();
    }

    VerifyReport verify(Direction d) {
        return verify(VerifyOptions.defaults(d));
    }

    /** A one-table identity plan over {@code table} (quoted names allowed) with these columns and key. */
    static String identityPlan(String name, String table, List<String> key, List<String> columns) {
        StringBuilder cols = new StringBuilder();
        for (String c : columns) {
            cols.append(cols.length() == 0 ? "" : ",").append("{\"target\":").append(json(c)).append(",\"expr\":")
                    .append(json(dev.cutover.plan.SqlNames.quote(c))).append('}');
        }
        StringBuilder keys = new StringBuilder();
        for (String k : key) {
            keys.append(keys.length() == 0 ? "" : ",").append(json(k));
        }
        return "{\"version\":1,\"name\":" + json(name) + ",\"tables\":[{\"source\":{\"schema\":\"public\",\"table\":"
                + json(table) + "},\"target\":{\"schema\":\"public\",\"table\":" + json(table) + "},\"key\":[" + keys
                + "],\"columns\":[" + cols + "],\"dropped\":[]}]}";
    }

    private static String json(String s) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(s);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try {
            neu.close();
        } finally {
            try {
                old.close();
            } finally {
                deleteTree(dir); // the plan and CSV files of the test: the machine is left as it was
            }
        }
    }

    private static void deleteTree(Path root) {
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException e) {
            // already gone
        }
    }
}
