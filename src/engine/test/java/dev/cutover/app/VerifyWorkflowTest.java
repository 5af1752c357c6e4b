package dev.cutover.app;

import dev.cutover.testing.NeedsServers;
import dev.cutover.control.ControlKeys;
import dev.cutover.control.ControlKeys.Verify;
import dev.cutover.control.Guards;
import dev.cutover.control.Phase;
import dev.cutover.pg.Db;
import dev.cutover.plan.Plan;
import dev.cutover.plan.PlanFile;
import dev.cutover.sql.Direction;
import dev.cutover.testing.TestDb;
import dev.cutover.testing.TestRedis;
import dev.cutover.verify.Repairer;
import dev.cutover.verify.ResultStore;
import dev.cutover.verify.VerifyListener;
import dev.cutover.verify.VerifyOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The workflow both front ends call, over real databases and Redis: the direction from the phase,
 * verify-and-record (stored with its identity, summary published), repair recorded so the guard's
 * verification goes stale, and the CSV written owner-only by an atomic replace.
 */
@NeedsServers
class VerifyWorkflowTest {
    private static final String T = "CREATE TABLE a (id int PRIMARY KEY, v text); INSERT INTO a SELECT g, 'v' || g FROM generate_series(1, 500) g;";

    @TempDir
    Path dir;

    private TestDb old;
    private TestDb neu;
    private String migration;
    private RedisClient client;
    private StatefulRedisConnection<String, String> redis;
    private ControlKeys keys;
    private VerifyWorkflow workflow;

    @BeforeEach
    void setUp() {
        migration = TestRedis.uniqueMigration("workflow");
        keys = new ControlKeys(migration);
        old = TestDb.create("wf_old").exec(T);
        neu = TestDb.create("wf_new", TestDb.Server.NEW).exec(T + "UPDATE a SET v = 'changed' WHERE id = 7; DELETE FROM a WHERE id = 9;");
        Plan plan = PlanFile.parse("""
                {"version": 1, "name": "%s", "tables": [
                 {"source": {"schema": "public", "table": "a"}, "target": {"schema": "public", "table": "a"}, "key": ["id"],
                  "columns": [{"target": "id", "expr": "id"}, {"target": "v", "expr": "v"}], "dropped": []}]}""".formatted(migration),
                "plan.json");
        client = RedisClient.create(TestRedis.sharedUrl());
        redis = client.connect();
        workflow = new VerifyWorkflow(plan, new Db("old database", old.url()), new Db("new database", neu.url()), TestRedis.sharedUrl());
    }

    @AfterEach
    void tearDown() {
        redis.sync().del(keys.verify(), keys.phase());
        redis.close();
        client.shutdown();
        old.close();
        neu.close();
    }

    @Test
    void theDirectionFollowsThePhase() {
        assertThat(VerifyWorkflow.fromPhase(null, migration).direction()).isEqualTo(Direction.FORWARD);
        assertThat(workflow.direction().why()).isEqualTo("no phase set in Redis yet");
        redis.sync().set(keys.phase(), Phase.NEW_PRIMARY.wireName());
        assertThat(workflow.direction()).isEqualTo(new VerifyWorkflow.Chosen(Direction.REVERSE, "phase new_primary"));
        assertThat(VerifyWorkflow.given("Reverse").direction()).isEqualTo(Direction.REVERSE);
        assertThatThrownBy(() -> VerifyWorkflow.given("sideways")).hasMessage("--direction must be forward or reverse (got sideways)");
    }

    @Test
    void verifyRecordsWithItsIdentityAndARepairMakesItStale() throws Exception {
        Path csv = dir.resolve("found.csv");
        Files.writeString(csv, "old content");
        Files.setPosixFilePermissions(csv, PosixFilePermissions.fromString("rw-r--r--"));
        VerifyWorkflow.Recorded found = workflow.verifyAndRecord(VerifyOptions.defaults(Direction.FORWARD), VerifyListener.NONE,
                VerifyWorkflow.Live.NONE, 10, csv);
        assertThat(found.report().differences()).isEqualTo(2);
        assertThat(found.listed()).hasSize(2);
        assertThat(found.written()).isEqualTo(2);
        assertThat(found.summaryPublished()).isTrue();
        assertThat(Files.readAllLines(csv)).hasSize(3).first().isEqualTo("table,key,kind,columns,source_row,target_row");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(csv))).isEqualTo("rw-------");
        assertThat(redis.sync().hgetall(keys.verify())).containsEntry(Verify.CLEAN, "false").containsEntry(Verify.DIFFERENCES, "2")
                .containsEntry(Verify.PLAN_HASH, found.pair().planHash()).doesNotContainKey(Verify.REPAIRED_AT);
        assertThat(ResultStore.latest(new Db("new database", neu.url()), migration).orElseThrow().differences()).isEqualTo(2);

        // repair one chosen difference: recorded, and the guard now calls the verification stale
        Repairer.Selected one = workflow.repairSelected(List.of(found.listed().get(0)), Direction.FORWARD);
        assertThat(one.upserted() + one.deleted()).isEqualTo(1);
        long repairedAt = Long.parseLong(redis.sync().hget(keys.verify(), Verify.REPAIRED_AT));
        assertThat(repairedAt).isGreaterThan(Long.parseLong(redis.sync().hget(keys.verify(), Verify.AT)));
        try (VerificationFreshness f = new VerificationFreshness(TestRedis.sharedUrl(), migration)) {
            assertThat(f.staleness()).get(org.assertj.core.api.InstanceOfAssertFactories.STRING).startsWith("a repair changed rows");
        }

        // a repair in the wrong direction is refused, changing nothing
        redis.sync().set(keys.phase(), Phase.NEW_PRIMARY.wireName());
        assertThatThrownBy(() -> workflow.repairSelected(found.listed(), Direction.FORWARD))
                .hasMessageContaining("verify again before repairing");
        redis.sync().del(keys.phase());

        // repair then verify: clean, and the new verification is after the repair, so it holds
        VerifyWorkflow.RepairedAndVerified both = workflow.repairThenVerify(VerifyOptions.defaults(Direction.FORWARD),
                VerifyListener.NONE, VerifyListener.NONE, new RunControls(), 0);
        assertThat(both.repaired().upserted() + both.repaired().deleted()).isEqualTo(1);
        assertThat(both.verified().report().identical()).isTrue();
        assertThat(redis.sync().hget(keys.verify(), Verify.CLEAN)).isEqualTo("true");
        try (VerificationFreshness f = new VerificationFreshness(TestRedis.sharedUrl(), migration)) {
            assertThat(f.staleness()).isEmpty();
        }
        assertThat(Guards.VERIFICATION).isEqualTo("verification clean and fresh");
    }

    @Test
    void aCsvInAMissingFolderIsRefusedBeforeAnythingRuns() {
        Path nowhere = dir.resolve("missing/found.csv");
        assertThatThrownBy(() -> workflow.verifyAndRecord(VerifyOptions.defaults(Direction.FORWARD), VerifyListener.NONE,
                VerifyWorkflow.Live.NONE, 0, nowhere)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(nowhere + ": the folder " + nowhere.getParent() + " does not exist");
        assertThat(redis.sync().exists(keys.verify())).isZero();
    }
}
