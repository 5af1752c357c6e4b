package dev.cutover.verify;

import dev.cutover.testing.NeedsServers;
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
@NeedsServers
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
        assertThat(hash(h, "'a|b'::text", "'c'::text")).isNotEqualTo(hash(h, "'a'::text", "'b|c'::text"));
        assertThat(hash(h, "'a,b'::text", "'c'::text")).isNotEqualTo(hash(h, "'a'::text", "'b,c'::text"));
        assertThat(hash(h, "NULL::text", "'x'::text")).isNotEqualTo(hash(h, "''::text", "'x'::text"));
        assertThat(hash(h, "NULL::text", "'x'::text")).isNotEqualTo(hash(h, "'NULL'::text", "'x'::text"));
        assertThat(hash(h, "'\"\"'::text", "'x'::text")).isNotEqualTo(hash(h, "''::text", "'x'::text"));
        assertThat(hash(h, "'a '::text", "'x'::text")).isNotEqualTo(hash(h, "'a'::text", "'x'::text"));
        assertThat(hash(h, "'(1,2)'::text", "NULL::text")).isNotEqualTo(hash(h, "'(1'::text", "'2)'::text"));
        assertThat(hash(h, "'a'::text", "'b'::text")).isEqualTo(hash(h, "'a'::text", "'b'::text"));
    }

    @ParameterizedTest
    @EnumSource(VerifySql.Hash.class)
    void timestampsHashAsInstants(VerifySql.Hash h) throws Exception {
        assertThat(hash(h, "'2024-03-01 12:00:00+02'::timestamptz", "1::int"))
                .isEqualTo(hash(h, "'2024-03-01 10:00:00+00'::timestamptz", "1::int"))
                .isNotEqualTo(hash(h, "'2024-03-01 12:00:00+00'::timestamptz", "1::int"));
    }

    /** The chunk hash of {@code rows} (each a VALUES row of the table {@code (k bigint, v <type>)}) with a flow of that type. */
    private static String chunk(VerifySql.Hash h, String type, String... rows) throws Exception {
        Flow f = new Flow(Direction.FORWARD, new TableRef("public", "x"), new TableRef("public", "x"),
                List.of(new Flow.Projected("k", "k", "bigint", "bigint", "bigint"), new Flow.Projected("v", "v", type, type, type)),
                List.of());
        VerifySql sql = new VerifySql(f, h);
        String values = sql.rowHash(h == VerifySql.Hash.RECORD ? sql.recordValues(sql.toValues()) : sql.toValues());
        try (Connection c = new Db("test database", db.url()).connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT sum(" + values + ")::text FROM (VALUES " + String.join(", ", rows)
                     + ") AS src(k, v)")) {
            rs.next();
            return rs.getString(1);
        }
    }

    @ParameterizedTest
    @EnumSource(VerifySql.Hash.class)
    void twoRowsSwappingAValueChangeTheChunkHash(VerifySql.Hash h) throws Exception {
        // the record hash alone is linear in its columns: without the outer hash, the sums of these
        // two pairs of rows are equal (keys 1 and 5 were picked so that no 64-bit wrap-around tells them apart)
        assertThat(chunk(h, "text", "(1::bigint, 'x'::text)", "(5, 'y')"))
                .isNotEqualTo(chunk(h, "text", "(1::bigint, 'y'::text)", "(5, 'x')"));
    }

    @ParameterizedTest
    @EnumSource(VerifySql.Hash.class)
    void numericScaleAndSignedZeroCountAsTheirText(VerifySql.Hash h) throws Exception {
        assertThat(chunk(h, "numeric", "(1::bigint, 1.0::numeric)")).isNotEqualTo(chunk(h, "numeric", "(1::bigint, 1.00::numeric)"));
        assertThat(chunk(h, "double precision", "(1::bigint, '0'::float8)"))
                .isNotEqualTo(chunk(h, "double precision", "(1::bigint, '-0'::float8)"));
        assertThat(chunk(h, "interval", "(1::bigint, '1 day'::interval)"))
                .isNotEqualTo(chunk(h, "interval", "(1::bigint, '24 hours'::interval)"));
    }

    @ParameterizedTest
    @EnumSource(VerifySql.Hash.class)
    void textHashesByItsBytesWhateverTheColumnsCollation(VerifySql.Hash h) throws Exception {
        try (Connection c = new Db("test database", db.url()).connect(); Statement s = c.createStatement()) {
            s.execute("CREATE COLLATION IF NOT EXISTS case_blind (provider = icu, locale = 'und-u-ks-level2', deterministic = false)");
        }
        assertThat(chunk(h, "text", "(1::bigint, 'a'::text COLLATE case_blind)"))
                .isNotEqualTo(chunk(h, "text", "(1::bigint, 'A'::text COLLATE case_blind)"));
    }
}
