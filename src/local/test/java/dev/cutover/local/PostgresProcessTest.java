package dev.cutover.local;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Tag("servers") // starts real servers (the engine's NeedsServers is not on this module's class path)
@Timeout(180)
class PostgresProcessTest {
    @TempDir
    Path tmp;

    @Test
    void aServerOfItsOwnNeedsItsGeneratedPasswordKeepsItsClusterAndStops() throws Exception {
        Path dir = tmp.resolve("pg");
        long pid;
        int port;
        try (PostgresProcess pg = PostgresProcess.start(dir, Map.of("fsync", "off", "wal_level", "logical"))) {
            port = pg.port();
            pid = pg.pid();
            assertThat(pid).isPositive();
            try (Connection c = DriverManager.getConnection(pg.adminUrl()); ResultSet rs = c.createStatement()
                    .executeQuery("SELECT current_setting('wal_level'), current_setting('fsync'), current_user, "
                            + "pg_encoding_to_char(encoding) FROM pg_database WHERE datname = 'postgres'")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("logical");
                assertThat(rs.getString(2)).isEqualTo("off");
                assertThat(rs.getString(3)).isEqualTo("cutover");
                assertThat(rs.getString(4)).isEqualTo("UTF8");
                c.createStatement().execute("CREATE DATABASE kept");
            }
            String base = "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=cutover";
            assertThatThrownBy(() -> DriverManager.getConnection(base).close()).isInstanceOf(SQLException.class)
                    .hasMessageContaining("password");
            assertThatThrownBy(() -> DriverManager.getConnection(base + "&password=wrong").close())
                    .isInstanceOf(SQLException.class).hasMessageContaining("password authentication failed");
            Path pw = dir.resolve("password");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(pw))).isEqualTo("rw-------");
            assertThat(Files.readString(pw).strip()).isEqualTo(pg.password()).hasSizeGreaterThanOrEqualTo(20);
        }
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(portOpen(port)).isFalse();

        // the same folder again: the same cluster (the database made above is there), the same password
        try (PostgresProcess pg = PostgresProcess.start(dir, Map.of())) {
            try (Connection c = DriverManager.getConnection(pg.url("kept")); ResultSet rs = c.createStatement()
                    .executeQuery("SELECT current_database()")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("kept");
            }
            pg.stopAndDelete();
            assertThat(dir).doesNotExist();
            assertThat(pg.dataDir()).doesNotExist();
        }
    }

    @Test
    void aServerLeftRunningByAKilledProcessIsStoppedBeforeTheClusterStartsAgain() throws Exception {
        Path dir = tmp.resolve("pg");
        PostgresProcess first = PostgresProcess.start(dir, Map.of());
        long leftover = first.pid();
        // as if this JVM had been killed: the server runs on, nobody stops it
        try (PostgresProcess second = PostgresProcess.start(dir, Map.of())) {
            assertThat(ProcessHandle.of(leftover).map(ProcessHandle::isAlive).orElse(false)).isFalse();
            try (Connection c = DriverManager.getConnection(second.adminUrl())) {
                assertThat(c.isValid(5)).isTrue();
            }
            second.stopAndDelete();
        }
        first.stop();
    }

    private static boolean portOpen(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
