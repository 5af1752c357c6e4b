package dev.cutover.check;

import dev.cutover.testing.NeedsServers;
import dev.cutover.pg.Db;
import dev.cutover.testing.TestDb;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The connections of the plan check, its dry run and the console's expression preview are
 * read-only at the session level, and the probe pattern (explicit READ ONLY transaction, rolled
 * back) keeps them so even when an expression calls set_config. The lexer is bypassed here on
 * purpose: this is the layer under it.
 */
@NeedsServers
@Timeout(60)
class ReadOnlySessionTest {

    @Test
    void setConfigInsideAProbeCannotMakeTheSessionWritable() throws Exception {
        try (TestDb db = TestDb.create("readonly").exec("CREATE TABLE canary (id int); INSERT INTO canary VALUES (1);")) {
            try (Connection c = new Db("old database", db.url()).connectReadOnly(); Statement s = c.createStatement()) {
                c.setAutoCommit(false);
                s.execute("SET TRANSACTION READ ONLY");
                s.executeQuery("SELECT set_config('default_transaction_read_only', 'off', false) FROM canary").close();
                c.rollback(); // what every probe does: the rollback undoes the session setting too
                assertThat(show(s, "default_transaction_read_only")).isEqualTo("on");

                s.execute("SET TRANSACTION READ ONLY");
                s.executeQuery("SELECT 1").close();
                assertThatThrownBy(() -> s.executeQuery("SELECT set_config('transaction_read_only', 'off', true)"))
                        .hasMessageContaining("must be set before any query");
                c.rollback();

                // a transaction nobody declared read-only is read-only all the same
                assertThatThrownBy(() -> s.execute("DROP TABLE canary")).hasMessageContaining("read-only transaction");
                c.rollback();
                c.setAutoCommit(true);
                assertThatThrownBy(() -> s.execute("DELETE FROM canary")).hasMessageContaining("read-only transaction");
            }
            assertThat(count(db)).isEqualTo(1);
        }
    }

    @Test
    void optionsInTheUrlCannotTurnItOff() throws Exception {
        try (TestDb db = TestDb.create("readonly_url").exec("CREATE TABLE canary (id int); INSERT INTO canary VALUES (1);")) {
            String url = db.url() + (db.url().contains("?") ? "&" : "?") + "options=-c%20default_transaction_read_only%3Doff";
            try (Connection c = new Db("old database", url).connectReadOnly(); Statement s = c.createStatement()) {
                assertThat(show(s, "default_transaction_read_only")).isEqualTo("on");
                assertThatThrownBy(() -> s.execute("DELETE FROM canary")).hasMessageContaining("read-only transaction");
            }
            try (Connection c = new Db("old database", db.url()).connect(); Statement s = c.createStatement()) {
                assertThat(show(s, "default_transaction_read_only")).isEqualTo("off"); // the ordinary connections are not affected
            }
            assertThat(count(db)).isEqualTo(1);
        }
    }

    private static String show(Statement s, String setting) throws Exception {
        try (ResultSet rs = s.executeQuery("SHOW " + setting)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static int count(TestDb db) throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM canary")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
