package dev.cutover.demo;

import dev.cutover.testing.NeedsServers;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The change-capture proof at CI size: the sample application writing the old database with plain
 * JDBC (no router), backfill --with-sync killed and resumed, sync under the faults (the new
 * database's sessions killed and paused, the sync process killed, Redis restarted), writes flipped
 * to the new database with flip-writes and back again, on real PostgreSQL databases (wal_level
 * logical, old and new on two servers) and a private Redis. No failed request, no verify
 * difference, every acknowledged write in the new database.
 */
@NeedsServers
class SyncEndToEndTest {

    @Test
    void theMigrationWithSyncAndAFlipThereAndBackUnderLoadLosesNothing() throws Exception {
        ProofRun p = ProofRun.run("e2esync", true);
        assertThat(p.result.faults()).as(p.why).hasSize(5);
        assertThat(p.result.flips()).as(p.why).hasSize(2).allMatch(f -> f.matches("to (new|old): write pause [0-9,]+ ms .*"));
        assertThat(p.result.segments()).extracting(LoadGenerator.Segment::label).as(p.why)
                .contains("dual_write", "flip to new", "on new", "flip to old", "rolled back");
        assertThat(p.text).as(p.why).contains("SWITCH NOW: point the application's writes at the new database.")
                .contains("SWITCH NOW: point the application's writes at the old database.")
                // flip-writes is the phase move: new_primary after SWITCH NOW, traffic_shift on the way back
                .containsPattern("phase dual_write → new_primary \\(version [0-9]+, write target new_primary\\), audited as flip_writes")
                .containsPattern("phase new_primary → traffic_shift \\(version [0-9]+, write target dual_write\\), audited as flip_writes")
                // guarded, not overridden: no router ever reported, so the router's guards say they do not apply
                .contains("phase dual_write → new_primary (guards pass); recorded after SWITCH NOW")
                .contains("shadow reads: not applicable - no router has reported for migration ")
                .contains("read shift (read_percent 0): not applicable - no router has reported for migration ")
                .contains("== no guard overridden")
                .doesNotContain("override audited");
        assertThat(p.result.overrides()).as(p.why).isEmpty();
    }
}
