package dev.cutover.verify;

import dev.cutover.pg.Db;
import dev.cutover.plan.TableRef;
import dev.cutover.sql.Direction;
import dev.cutover.sql.Flow;
import dev.cutover.sql.VerifySql;
import dev.cutover.testing.TestDb;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The row hash of both hash functions, evaluated by PostgreSQL over the value pairs that naive hashes confuse. */
class RowHashTest {
    private static TestDb db;

    @BeforeAll
    static void create() {
        db = TestDb.create("rowhash");
    }

    @AfterAll
    static void drop() {
        db.close();
    }

    private static String hash(VerifySql.Hash h, String a, String b) throws Exception {
        Flow f = new Flow(Direction.FORWARD, new TableRef("public", "x"), new TableRef("public", "x"), List.of(), List.of());
        String expr = new VerifySql(f, h).rowHash(List.of(a, b));
        try (Connection c = new Db("test database", db.url()).connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT (" + expr + ")::text")) {
            rs.next();
            return rs.getString(1);
        }
    }

    @ParameterizedTest
    @EnumSource(VerifySql.Hash.class)
    void separatorsNullsQuotesAndSpacesAllHashDifferently(VerifySql.Hash h) throws Exception {
        assertThat(hash(h, "'a|b'", "'c'")).isNotEqualTo(hash(h, "'a'", "'b|c'"));
        assertThat(hash(h, "'a,b'", "'c'")).isNotEqualTo(hash(h, "'a'", "'b,c'"));
        assertThat(hash(h, "NULL::text", "'x'")).isNotEqualTo(hash(h, "''::text", "'x'"));
        assertThat(hash(h, "NULL::text", "'x'")).isNotEqualTo(hash(h, "'NULL'::text", "'x'"));
        assertThat(hash(h, "'\"\"'::text", "'x'")).isNotEqualTo(hash(h, "''::text", "'x'"));
        assertThat(hash(h, "'a '::text", "'x'")).isNotEqualTo(hash(h, "'a'::text", "'x'"));
        assertThat(hash(h, "'(1,2)'::text", "NULL::text")).isNotEqualTo(hash(h, "'(1'::text", "'2)'::text"));
        assertThat(hash(h, "'a'", "'b'")).isEqualTo(hash(h, "'a'", "'b'"));
    }

    @ParameterizedTest
    @EnumSource(VerifySql.Hash.class)
    void timestampsHashAsInstants(VerifySql.Hash h) throws Exception {
        assertThat(hash(h, "'2024-03-01 12:00:00+02'::timestamptz", "1"))
                .isEqualTo(hash(h, "'2024-03-01 10:00:00+00'::timestamptz", "1"))
                .isNotEqualTo(hash(h, "'2024-03-01 12:00:00+00'::timestamptz", "1"));
    }
}
