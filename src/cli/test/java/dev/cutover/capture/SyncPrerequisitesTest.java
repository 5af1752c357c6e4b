package dev.cutover.capture;

import dev.cutover.testing.NeedsServers;
import dev.cutover.testing.CliRun;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code cutover plan check --sync}: each prerequisite of sync met or reported with its fix. */
@NeedsServers
class SyncPrerequisitesTest {
    SyncPair p;
    String role;

    @BeforeEach
    void setUp() {
        p = new SyncPair("syncpre");
        role = "cutover_syncpre_" + UUID.randomUUID().toString().substring(0, 8);
    }

    @AfterEach
    void tearDown() throws Exception {
        p.close();
        try (var c = java.sql.DriverManager.getConnection(dev.cutover.testing.TestDb.adminUrl()); var s = c.createStatement()) {
            s.execute("DROP ROLE IF EXISTS " + role);
        }
    }

    @Test
    void aPlainUserAndATableWithoutIdentityAreReportedWithTheirFixes() throws Exception {
        p.old.exec("CREATE ROLE " + role + " LOGIN PASSWORD 'pw'; GRANT SELECT ON users, orders TO " + role + ";"
                + " ALTER TABLE orders REPLICA IDENTITY NOTHING");
        CliRun r = CliRun.run("plan", "check", "--sync", "--plan", p.plan.toString(), "--old", p.old.urlAs(role, "pw"), "--new", p.neu.url());
        assertThat(r.status()).as(r.out() + r.err()).isEqualTo(1);
        assertThat(r.out()).contains("ok       wal_level = logical")
                .contains("ok       a free replication slot")
                .contains("ok       a free WAL sender")
                .contains("PROBLEM  the REPLICATION attribute: user " + role + " may not stream changes")
                .contains("fix: ALTER ROLE \"" + role + "\" REPLICATION; Amazon RDS/Aurora: GRANT rds_replication")
                .contains("PROBLEM  owns the source tables (to publish them): not owned by " + role + ": public.users, public.orders")
                .contains("PROBLEM  a replica identity with the plan's key on each source table: the replica identity of public.orders (NOTHING)")
                .contains("sync: not ready");
        // read-only: the check created nothing
        assertThat(SyncPair.rows(p.old, "SELECT count(*) FROM pg_publication WHERE pubname = '" + p.slot() + "'")).containsExactly("0");

        p.old.exec("ALTER TABLE orders REPLICA IDENTITY DEFAULT");
        CliRun ok = CliRun.run("plan", "check", "--sync", "--json", "--plan", p.plan.toString(), "--old", p.old.url(), "--new", p.neu.url());
        assertThat(ok.out()).contains("\"sync\":[").doesNotContain("\"ok\":false");
        CliRun human = CliRun.run("plan", "check", "--sync", "--plan", p.plan.toString(), "--old", p.old.url(), "--new", p.neu.url());
        assertThat(human.out()).contains("sync: ready").doesNotContain("PROBLEM  the REPLICATION");
    }
}
