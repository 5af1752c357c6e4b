package dev.cutover.capture;

import dev.cutover.testing.NeedsServers;
import dev.cutover.sql.SyncSql;
import dev.cutover.testing.TestDb;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The check sync makes before it re-reads a batch's keys (SyncSql.INVISIBLE_XIDS): a transaction
 * that a new snapshot does not see yet is counted, one it sees is not. The race it closes (the
 * walsender sends a commit before the committing backend leaves the running set) cannot be timed
 * in a test; what can be shown is that the check tells the states apart, including ids at or past
 * the snapshot's xmax, which need the 32-bit id widened the right way.
 */
@NeedsServers
class TransactionVisibilityTest {
    @Test
    void runningAndFutureTransactionsAreInvisibleCommittedOnesVisible() throws Exception {
        try (TestDb db = TestDb.create("xidvis").exec("CREATE TABLE t (id int PRIMARY KEY)");
             Connection writer = db.connect(); Connection reader = db.connect()) {
            writer.setAutoCommit(false);
            long running;
            try (Statement st = writer.createStatement()) {
                st.execute("INSERT INTO t VALUES (1)");
                try (ResultSet rs = st.executeQuery("SELECT pg_current_xact_id()::text::bigint % 4294967296")) {
                    rs.next();
                    running = rs.getLong(1);
                }
            }
            assertThat(invisible(reader, running)).as("a transaction still running").isEqualTo(1);
            assertThat(invisible(reader, (running + 1000) % 4294967296L)).as("an id not assigned yet (past xmax)").isEqualTo(1);
            writer.commit();
            assertThat(invisible(reader, running)).as("the same transaction once committed").isZero();
            long older = (running + 4294967296L - 1) % 4294967296L;
            assertThat(invisible(reader, older)).as("an older, finished id").isZero();
            assertThat(invisible(reader, running, (running + 1000) % 4294967296L)).as("one of two not visible").isEqualTo(1);
        }
    }

    private static long invisible(Connection c, long... xids) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SyncSql.INVISIBLE_XIDS)) {
            ps.setArray(1, c.createArrayOf("bigint", java.util.Arrays.stream(xids).boxed().toArray(Long[]::new)));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
