package dev.cutover.demo;

import dev.cutover.testing.NeedsServers;
import dev.cutover.io.PrivateFiles;
import dev.cutover.pg.Db;
import dev.cutover.pg.DbException;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The demo's own servers: two PostgreSQL and a Redis in a folder, reused, surviving a killed run, removed by reset. */
@NeedsServers
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class DemoServersTest {

    @Test
    void ownServersAreSeparateReusedRecoveredAfterAKilledRunAndReset(@TempDir Path tmp) throws Exception {
        Path home = tmp.resolve("data/cutover/demo");
        List<Long> firstPids;
        String oldPort;
        DemoServers first = DemoServers.start(home);
        try {
            assertThat(Files.getPosixFilePermissions(home)).isEqualTo(PrivateFiles.OWNER_DIR);
            assertThat(Files.getPosixFilePermissions(home.resolve("redis/password"))).isEqualTo(PrivateFiles.OWNER_FILE);
            assertThat(first.oldServerUrl()).isNotEqualTo(first.newServerUrl());
            assertThat(serverPort(first.oldServerUrl())).isNotEqualTo(serverPort(first.newServerUrl()));
            try (Connection c = new Db("old", first.oldServerUrl()).connect(); Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE kept_between_runs");
            }
            assertThat(redisPing(first.redisUrl())).isEqualTo("PONG");
            assertThatThrownBy(() -> redisPing(first.redisSafeUrl())).as("Redis wants the password").isInstanceOf(RedisException.class);
            firstPids = first.pids();
            oldPort = serverPort(first.oldServerUrl());
        } finally {
            first.close();
        }
        assertThat(firstPids).allSatisfy(pid -> assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).as("pid %d", pid).isEmpty());

        // the next run reuses the clusters (the database is still there) ...
        DemoServers second = DemoServers.start(home);
        List<Long> secondPids = second.pids();
        assertThat(databases(second.oldServerUrl())).contains("kept_between_runs");
        // ... and this one is "killed": never closed. The next run must stop what it left running
        // (postmaster.pid and redis.pid name live processes) and start anyway.
        assertThat(oldPort).isNotNull();
        DemoServers third = DemoServers.start(home);
        try {
            assertThat(secondPids).allSatisfy(pid ->
                    assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).as("left-over pid %d", pid).isEmpty());
            assertThat(databases(third.oldServerUrl())).contains("kept_between_runs");
            assertThat(redisPing(third.redisUrl())).isEqualTo("PONG");
        } finally {
            third.close();
        }

        // a run killed again, then --reset: nothing running, nothing left
        DemoServers fourth = DemoServers.start(home);
        List<Long> fourthPids = fourth.pids();
        assertThat(DemoServers.reset(home)).isTrue();
        assertThat(home).doesNotExist();
        await().atMost(30, TimeUnit.SECONDS).untilAsserted(() -> assertThat(fourthPids).allSatisfy(pid ->
                assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).as("pid %d after reset", pid).isEmpty()));
        assertThat(DemoServers.reset(home)).isFalse();
    }

    @Test
    void givenDatabasesMustBeTheDemosToBeDropped() {
        PrintWriter out = new PrintWriter(new StringWriter());
        assertThatThrownBy(() -> DemoSetup.ofDatabases("jdbc:postgresql://127.0.0.1:5432/orders?user=app&password=secret",
                "jdbc:postgresql://127.0.0.1:5432/cutover_demo_new?user=app", out))
                .isInstanceOf(DbException.class)
                .hasMessage("the demo drops and recreates the databases it is given, so their names must start with cutover_demo"
                        + " (got orders in jdbc:postgresql://127.0.0.1:5432/orders?user=app&password=***); with --keep-data it uses"
                        + " them as they are");
        DemoSetup ok = DemoSetup.ofDatabases("jdbc:postgresql://a:5432/cutover_demo_old", "jdbc:postgresql://b:5433/cutover_demo_x?user=u", out);
        assertThat(ok.newDb().url()).isEqualTo("jdbc:postgresql://b:5433/cutover_demo_x?user=u");
        assertThat(DemoSetup.withDatabase("jdbc:postgresql://b:5433/cutover_demo_x?user=u", "postgres"))
                .isEqualTo("jdbc:postgresql://b:5433/postgres?user=u");
    }

    private static String serverPort(String url) {
        return url.replaceAll("^jdbc:postgresql://127\\.0\\.0\\.1:(\\d+)/.*$", "$1");
    }

    private static List<String> databases(String url) throws Exception {
        try (Connection c = new Db("server", url).connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT datname FROM pg_database ORDER BY 1")) {
            List<String> names = new java.util.ArrayList<>();
            while (rs.next()) {
                names.add(rs.getString(1));
            }
            return names;
        }
    }

    private static String redisPing(String url) {
        RedisClient client = RedisClient.create(url);
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            return c.sync().ping();
        } finally {
            client.shutdown();
        }
    }
}
