package dev.cutover.verify;

import dev.cutover.testing.NeedsServers;
import dev.cutover.sql.Direction;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every kind of difference, found exactly (no more, no less), on text, uuid and composite keys with
 * quoted mixed-case names; chunks and leaves are small so that the bisection really runs.
 */
@NeedsServers
class DifferenceKindsTest {

    /** kind + key JSON + columns, the identity of a reported difference. */
    private static Set<String> found(VerifyReport r) {
        return r.firstDifferences().stream()
                .map(d -> d.kind().wireName() + " " + d.key() + " " + String.join(";", d.columns()))
                .collect(Collectors.toSet());
    }

    private static VerifyOptions small(int workers) {
        return VerifyOptions.defaults(Direction.FORWARD).withChunkRows(40).withLeafRows(3).withWorkers(workers);
    }

    @Test
    void textKeyWithQuotedMixedCaseNames() throws Exception {
        try (Pair p = new Pair("kinds_text")) {
            String ddl = "CREATE TABLE \"Customer List\" (\"Code\" text PRIMARY KEY, \"Full Name\" text, \"note\" text, \"Score\" int);";
            String rows = "INSERT INTO \"Customer List\" SELECT 'c' || lpad(g::text, 4, '0'), 'name ' || g, 'n' || g, g "
                    + "FROM generate_series(1, 500) g;";
            p.old.exec(ddl + rows);
            p.neu.exec(ddl + rows
                    + "DELETE FROM \"Customer List\" WHERE \"Code\" IN ('c0007', 'c0300');"
                    + "INSERT INTO \"Customer List\" VALUES ('c0007x', 'extra', NULL, 1), ('zzz', 'extra', NULL, 2);"
                    + "UPDATE \"Customer List\" SET \"Full Name\" = 'name 99 ' WHERE \"Code\" = 'c0099';"      // trailing space
                    + "UPDATE \"Customer List\" SET \"note\" = NULL WHERE \"Code\" = 'c0100';"
                    + "UPDATE \"Customer List\" SET \"Full Name\" = 'name', \"note\" = '101|n101' WHERE \"Code\" = 'c0101';");
            p.old.exec("UPDATE \"Customer List\" SET \"note\" = NULL WHERE \"Code\" = 'c0200';"
                    + "UPDATE \"Customer List\" SET \"Full Name\" = 'name|101' WHERE \"Code\" = 'c0101';"
                    + "UPDATE \"Customer List\" SET \"note\" = 'NULL' WHERE \"Code\" = 'c0250';");
            p.neu.exec("UPDATE \"Customer List\" SET \"note\" = '' WHERE \"Code\" = 'c0200';"
                    + "UPDATE \"Customer List\" SET \"note\" = NULL WHERE \"Code\" = 'c0250';"
                    + "UPDATE \"Customer List\" SET \"Full Name\" = 'name', \"note\" = '101|n101' WHERE \"Code\" = 'c0101';");
            p.plan(Pair.identityPlan("kinds-text", "Customer List", List.of("Code"), List.of("Code", "Full Name", "note", "Score")));
            Set<String> expected = Set.of(
                    "missing_in_target {\"Code\":\"c0007\"} ", "missing_in_target {\"Code\":\"c0300\"} ",
                    "extra_in_target {\"Code\":\"c0007x\"} ", "extra_in_target {\"Code\":\"zzz\"} ",
                    "different {\"Code\":\"c0099\"} Full Name", "different {\"Code\":\"c0100\"} note",
                    "different {\"Code\":\"c0101\"} Full Name;note", "different {\"Code\":\"c0200\"} note",
                    "different {\"Code\":\"c0250\"} note");
            VerifyReport one = p.verify(small(1));
            assertThat(found(one)).isEqualTo(expected);
            assertThat(one.tables()).containsExactly(new TableReport("Customer List", 502, 2, 2, 5));
            assertThat(found(p.verify(small(3)))).isEqualTo(expected);

            Path csv = p.dir.resolve("diff.csv");
            Pair.Run run = p.run("verify", "--chunk-rows", "40", "--csv", csv.toString());
            assertThat(run.status()).isEqualTo(1);
            assertThat(run.err()).isEmpty();
            assertThat(run.out()).contains("DIFFERENCES: 9 in 502 rows compared");
            List<String> lines = Files.readAllLines(csv);
            assertThat(lines).hasSize(10).first().isEqualTo("table,key,kind,columns,source_row,target_row");
            assertThat(lines).contains("Customer List,\"{\"\"Code\"\":\"\"c0101\"\"}\",different,Full Name;note,"
                    + "\"{\"\"Code\"\":\"\"c0101\"\",\"\"Full Name\"\":\"\"name|101\"\",\"\"note\"\":\"\"n101\"\",\"\"Score\"\":101}\","
                    + "\"{\"\"Code\"\":\"\"c0101\"\",\"\"Full Name\"\":\"\"name\"\",\"\"note\"\":\"\"101|n101\"\",\"\"Score\"\":101}\"",
                    "Customer List,\"{\"\"Code\"\":\"\"zzz\"\"}\",extra_in_target,,,\"{\"\"Code\"\":\"\"zzz\"\",\"\"Full Name\"\":\"\"extra\"\",\"\"note\"\":null,\"\"Score\"\":2}\"");
        }
    }

    @Test
    void uuidKey() {
        try (Pair p = new Pair("kinds_uuid")) {
            String ddl = "CREATE TABLE items (id uuid PRIMARY KEY, payload jsonb, qty numeric(10,2));";
            String rows = "INSERT INTO items SELECT md5('k' || g)::uuid, jsonb_build_object('g', g), g FROM generate_series(1, 300) g;";
            p.old.exec(ddl + rows);
            p.neu.exec(ddl + rows
                    + "DELETE FROM items WHERE id = md5('k5')::uuid;"
                    + "INSERT INTO items VALUES ('00000000-0000-0000-0000-000000000001', '{}', 1);"
                    + "UPDATE items SET payload = '{\"g\": \"6\"}' WHERE id = md5('k6')::uuid;"
                    + "UPDATE items SET qty = 7.01 WHERE id = md5('k7')::uuid;");
            p.plan(Pair.identityPlan("kinds-uuid", "items", List.of("id"), List.of("id", "payload", "qty")));
            assertThat(found(p.verify(small(2)))).containsExactlyInAnyOrder(
                    "missing_in_target {\"id\":\"" + md5uuid("k5") + "\"} ",
                    "extra_in_target {\"id\":\"00000000-0000-0000-0000-000000000001\"} ",
                    "different {\"id\":\"" + md5uuid("k6") + "\"} payload",
                    "different {\"id\":\"" + md5uuid("k7") + "\"} qty");
        }
    }

    @Test
    void compositeKeyAcrossManyChunks() {
        try (Pair p = new Pair("kinds_comp")) {
            String ddl = "CREATE TABLE \"OrderLines\" (\"OrderId\" bigint, \"Line No\" int, sku text, PRIMARY KEY (\"OrderId\", \"Line No\"));";
            String rows = "INSERT INTO \"OrderLines\" SELECT o, l, 'sku-' || o || '-' || l FROM generate_series(1, 150) o, generate_series(1, 4) l;";
            p.old.exec(ddl + rows);
            p.neu.exec(ddl + rows
                    + "DELETE FROM \"OrderLines\" WHERE (\"OrderId\", \"Line No\") IN ((1, 1), (150, 4));"
                    + "INSERT INTO \"OrderLines\" VALUES (0, 9, 'x'), (75, 5, 'x'), (999, 1, 'x');"
                    + "UPDATE \"OrderLines\" SET sku = NULL WHERE (\"OrderId\", \"Line No\") = (80, 2);");
            p.plan(Pair.identityPlan("kinds-comp", "OrderLines", List.of("OrderId", "Line No"), List.of("OrderId", "Line No", "sku")));
            Set<String> expected = Set.of(
                    "missing_in_target {\"OrderId\":1,\"Line No\":1} ", "missing_in_target {\"OrderId\":150,\"Line No\":4} ",
                    "extra_in_target {\"OrderId\":0,\"Line No\":9} ", "extra_in_target {\"OrderId\":75,\"Line No\":5} ",
                    "extra_in_target {\"OrderId\":999,\"Line No\":1} ", "different {\"OrderId\":80,\"Line No\":2} sku");
            assertThat(found(p.verify(small(1)))).isEqualTo(expected);
            assertThat(found(p.verify(small(2).withChunkRows(7)))).isEqualTo(expected);
        }
    }

    @Test
    void anEmptySourceTableStillFindsTheRowsOnlyTheTargetHas() {
        try (Pair p = new Pair("kinds_empty")) {
            String ddl = "CREATE TABLE t (id int PRIMARY KEY, v text);";
            p.old.exec(ddl);
            p.neu.exec(ddl);
            p.plan(Pair.identityPlan("kinds-empty", "t", List.of("id"), List.of("id", "v")));
            VerifyReport both = p.verify(small(2));
            assertThat(both.clean()).isTrue();
            assertThat(both.tables()).containsExactly(new TableReport("t", 0, 0, 0, 0));

            p.neu.exec("INSERT INTO t SELECT g, 'only in target' FROM generate_series(1, 100) g");
            VerifyReport extra = p.verify(small(2));
            assertThat(extra.tables()).containsExactly(new TableReport("t", 100, 0, 100, 0));
            assertThat(extra.firstDifferences()).allMatch(d -> d.kind() == Difference.Kind.EXTRA_IN_TARGET).hasSize(100);
        }
    }

    private static String md5uuid(String s) throws RuntimeException {
        try {
            byte[] d = java.security.MessageDigest.getInstance("MD5").digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            String hex = java.util.HexFormat.of().formatHex(d);
            return hex.substring(0, 8) + "-" + hex.substring(8, 12) + "-" + hex.substring(12, 16) + "-" + hex.substring(16, 20)
                    + "-" + hex.substring(20);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
