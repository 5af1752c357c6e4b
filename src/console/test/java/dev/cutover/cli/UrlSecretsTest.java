package dev.cutover.cli;

import dev.cutover.testing.NeedsServers;
import dev.cutover.testing.Tee;
import dev.cutover.cli.Logging;
import dev.cutover.testing.TestRedis;
import dev.cutover.ui.connections.ConnectionProfile;
import dev.cutover.ui.connections.ConnectionTester;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Point 11 of the hardening: a table of malformed and odd URLs, each holding a marker password, fed
 * to every command that takes a URL ({@code --old}, {@code --new}, {@code --redis}, {@code --server},
 * found by walking the command tree) and to the console's connection test. The marker must be in
 * no output: stdout, stderr (the command's and the process's), the log file, any file written
 * under the log and data folders.
 */
@NeedsServers
class UrlSecretsTest {
    static final String MARKER = "PW-MARKER-5529";
    /** Commands that run until stopped once connected: fed only bad URLs. */
    private static final List<String> LONG_RUNNING = List.of("watch", "worker", "demo", "demo-e2e", "load", "demo-data");
    private static final List<String> URL_OPTIONS = List.of("--old", "--new", "--redis", "--server");
    private static PrintStream stderrBefore;
    private static PrintStream stdoutBefore;
    private static final ByteArrayOutputStream processOutput = new ByteArrayOutputStream();
    private static Path plan;
    private static Instant start;
    private static ExecutorService pool;

    static Stream<String> urls() {
        return Stream.of(
                "jdbc:postgresql://127.0.0.1:1/db?user=u&password=" + MARKER,
                "postgresql://u:" + MARKER + "@127.0.0.1:1/db",
                "postgres://u:" + MARKER + "@127.0.0.1/db",
                "jdbc:postgresql://u:" + MARKER + "@127.0.0.1:99999/db",
                "jdbc:postgresql://127.0.0.1:99999/db?user=u&password=" + MARKER,
                "jdbc:postgresql://127.0.0.1:1/db?user=u&password=" + MARKER + "%ZZ",
                "jdbc:postgresql://127.0.0.1:1/db?sslpassword=" + MARKER + "&user=u",
                "jdbc:postgresql://[::1:1/db?password=" + MARKER,
                "host=127.0.0.1 port=1 user=u password=" + MARKER,
                "redis://:" + MARKER + "@127.0.0.1:1",
                "redis://user:pa@ss-" + MARKER + "@127.0.0.1:1",
                "rediss://user:" + MARKER + "@127.0.0.1:1",
                "redis://" + MARKER + "@127.0.0.1:1",
                "redis://:" + MARKER + "@127.0.0.1:99999",
                "redis://:" + MARKER + "@[::1:1",
                "u:" + MARKER + "@@::/%%");
    }

    /** Every command path (e.g. {@code [plan, check]}) with at least one URL option. */
    static List<List<String>> commandsWithUrls() {
        List<List<String>> out = new ArrayList<>();
        walk(CutoverCommand.commandLine(), new ArrayList<>(), out);
        return out;
    }

    private static void walk(CommandLine cl, List<String> path, List<List<String>> out) {
        if (URL_OPTIONS.stream().anyMatch(o -> cl.getCommandSpec().findOption(o) != null)) {
            out.add(List.copyOf(path));
        }
        cl.getSubcommands().forEach((name, sub) -> {
            if (!sub.getCommandSpec().name().equals(name)) {
                return; // an alias
            }
            List<String> p = new ArrayList<>(path);
            p.add(name);
            walk(sub, p, out);
        });
    }

    @BeforeAll
    static void capture() throws IOException {
        start = Instant.now().minusSeconds(1);
        pool = Executors.newCachedThreadPool();
        stderrBefore = System.err;
        stdoutBefore = System.out;
        System.setErr(new PrintStream(new Tee(stderrBefore, processOutput), true, StandardCharsets.UTF_8));
        System.setOut(new PrintStream(new Tee(stdoutBefore, processOutput), true, StandardCharsets.UTF_8));
        plan = Files.createTempFile("urlsecrets", ".json");
        Files.writeString(plan, """
                {"version": 1, "name": "urlsecrets", "tables": [
                  {"source": {"schema": "public", "table": "t"}, "target": {"schema": "public", "table": "t"},
                   "key": ["id"], "columns": [{"target": "id", "expr": "id"}]}]}
                """);
    }

    @AfterAll
    static void restore() throws IOException {
        pool.shutdownNow();
        System.setErr(stderrBefore);
        System.setOut(stdoutBefore);
        Files.deleteIfExists(plan);
    }

    @ParameterizedTest
    @MethodSource("urls")
    @Timeout(300)
    void noCommandEchoesThePassword(String url) throws Exception {
        List<List<String>> commands = commandsWithUrls();
        assertThat(commands).as("commands with URL options").hasSizeGreaterThan(8);
        {
            for (List<String> command : commands) {
                CommandLine.Model.CommandSpec spec = spec(command);
                List<String> args = new ArrayList<>(command);
                for (String o : URL_OPTIONS) {
                    if (spec.findOption(o) != null) {
                        args.addAll(List.of(o, url));
                    }
                }
                if (spec.findOption("--plan") != null) {
                    args.addAll(List.of("--plan", plan.toString()));
                }
                String output = runCommand(pool, args);
                assertThat(output).as("output of cutover %s", String.join(" ", args)).doesNotContain(MARKER)
                        .contains("cutover: ").contains("status 2");
            }
        }
        if (!url.startsWith("redis")) {
            // the database URL behind a reachable Redis, so commands that check --redis first reach it too
            for (List<String> command : commands) {
                CommandLine.Model.CommandSpec spec = spec(command);
                if (LONG_RUNNING.contains(command.get(0)) || spec.findOption("--old") == null) {
                    continue;
                }
                List<String> args = new ArrayList<>(command);
                args.addAll(List.of("--old", url));
                if (spec.findOption("--new") != null) {
                    args.addAll(List.of("--new", url));
                }
                if (spec.findOption("--redis") != null) {
                    args.addAll(List.of("--redis", TestRedis.sharedUrl()));
                }
                if (spec.findOption("--plan") != null) {
                    args.addAll(List.of("--plan", plan.toString()));
                }
                assertThat(runCommand(pool, args)).as("output of cutover %s", String.join(" ", args)).doesNotContain(MARKER);
            }
        }
        assertThat(ConnectionTester.postgres(ConnectionProfile.Role.OLD, url).text()).doesNotContain(MARKER);
        assertThat(ConnectionTester.redis(url).text()).doesNotContain(MARKER);
        assertThat(processOutput.toString(StandardCharsets.UTF_8)).as("stdout and stderr of the process").doesNotContain(MARKER);
        assertNoFileHolds(Logging.logDir());
        assertNoFileHolds(Path.of(System.getProperty("user.home"), ".local", "share", "cutover"));
        assertNoFileHolds(Path.of(System.getProperty("user.home"), ".config", "cutover"));
    }

    /** Runs a command in this process (60 s at most); its stdout, stderr and exit status as one text. */
    private static String runCommand(ExecutorService pool, List<String> args) throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Future<Integer> run = pool.submit(() -> CutoverCommand.run(args.toArray(String[]::new),
                new PrintWriter(out, true), new PrintWriter(err, true)));
        try {
            int status = run.get(60, TimeUnit.SECONDS);
            return out + "\n" + err + "\nstatus " + status;
        } catch (TimeoutException e) {
            run.cancel(true);
            throw new AssertionError("cutover " + String.join(" ", args) + " did not end on a bad URL");
        }
    }

    private static CommandLine.Model.CommandSpec spec(List<String> command) {
        CommandLine cl = CutoverCommand.commandLine();
        for (String c : command) {
            cl = cl.getSubcommands().get(c);
        }
        return cl.getCommandSpec();
    }

    /** No file under {@code dir} written during this test holds the marker. */
    static void assertNoFileHolds(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                FileTime t = Files.getLastModifiedTime(f);
                if (t.toInstant().isAfter(start) && Files.isReadable(f)) {
                    assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1)).as("file %s", f)
                            .doesNotContain(MARKER);
                }
            }
        }
    }

}
