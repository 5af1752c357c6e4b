package dev.cutover.verify;

import dev.cutover.cli.CutoverCommand;
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
        neu = TestDb.create(label + "_new", newOptions);
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

    @Override
    public void close() {
        try {
            neu.close();
        } finally {
            old.close();
        }
    }
}
