package dev.cutover.demo;

import dev.cutover.testing.NeedsServers;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The end-to-end proof at CI size: the whole sample migration, plan check to cleanup, under a
 * fixed-rate load with the four faults, on real PostgreSQL databases and a private Redis. The
 * application must see no failed request, verify no difference, and every acknowledged write
 * must be in the new database.
 */
@NeedsServers
class EndToEndTest {

    @Test
    void theWholeMigrationUnderLoadWithFaultsLosesNothing() throws Exception {
        ProofRun p = ProofRun.run("e2e", false);
        assertThat(p.result.faults()).as(p.why).hasSize(4);
        assertThat(p.result.segments()).extracting(LoadGenerator.Segment::label).as(p.why)
                .contains("dual_write", "traffic 25%", "new_primary", "cleanup");
    }
}
