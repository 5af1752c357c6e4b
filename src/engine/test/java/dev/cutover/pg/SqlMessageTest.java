package dev.cutover.pg;

import dev.cutover.testing.NeedsServers;
import dev.cutover.testing.TestDb;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The one sanitiser of database errors: real server errors on rows that hold a marker value, and
 * the message Cutover records keeps SQLSTATE, table, column and constraint but never the marker.
 */
@NeedsServers
class SqlMessageTest {
    private static final String MARKER = "SSN-MARKER-7731";
    private static TestDb db;

    @BeforeAll
    static void create() {
        db = TestDb.create("sqlmsg").exec("""
                CREATE TABLE parent (id bigint PRIMARY KEY);
                CREATE TABLE people (
                  id bigint PRIMARY KEY,
                  ssn text NOT NULL CONSTRAINT ssn_shape CHECK (ssn NOT LIKE 'SSN-%'),
                  email text UNIQUE,
                  age integer,
                  code varchar(3),
                  parent_id bigint REFERENCES parent(id)
                );
                INSERT INTO people (id, ssn, email) VALUES (1, 'ok', 'SSN-MARKER-7731@example.com');
                CREATE FUNCTION shout() RETURNS trigger LANGUAGE plpgsql AS $$
                  BEGIN IF NEW.code = 'zzz' THEN RAISE EXCEPTION 'rejected %', NEW.ssn; END IF; RETURN NEW; END $$;
                CREATE TRIGGER shout BEFORE INSERT ON people FOR EACH ROW EXECUTE FUNCTION shout();
                """);
    }

    @AfterAll
    static void drop() {
        db.close();
    }

    private static SQLException fail(String sql) {
        try (Connection c = new Db("new database", db.url()).connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            return e;
        }
        throw new AssertionError("no error from " + sql);
    }

    @Test
    void checkViolationKeepsConstraintAndTableButNotTheRow() {
        SQLException e = fail("INSERT INTO people (id, ssn) VALUES (2, '" + MARKER + "')");
        assertThat(e.getMessage()).as("pgjdbc with logServerErrorDetail=false").doesNotContain(MARKER);
        assertThat(Sql.message(e)).doesNotContain(MARKER).contains("check constraint \"ssn_shape\"")
                .contains("SQLSTATE 23514").contains("table public.people").contains("constraint ssn_shape");
    }

    @Test
    void notNullViolationNamesTheColumnNotTheRow() {
        SQLException e = fail("INSERT INTO people (id, ssn, email) VALUES (3, NULL, '" + MARKER + "x')");
        assertThat(Sql.message(e)).doesNotContain(MARKER).contains("SQLSTATE 23502").contains("column ssn")
                .contains("table public.people");
    }

    @Test
    void uniqueViolationDropsTheKeyDetail() {
        SQLException e = fail("INSERT INTO people (id, ssn, email) VALUES (4, 'ok', '" + MARKER + "@example.com')");
        assertThat(Sql.message(e)).doesNotContain(MARKER).contains("SQLSTATE 23505").contains("constraint people_email_key");
    }

    @Test
    void foreignKeyViolationDropsTheKeyDetail() {
        SQLException e = fail("INSERT INTO people (id, ssn, parent_id) VALUES (77310, 'ok', 77319)");
        assertThat(Sql.message(e)).doesNotContain("77319").contains("SQLSTATE 23503").contains("people_parent_id_fkey");
    }

    @Test
    void dataErrorsLoseTheValueTheyQuote() {
        SQLException syntax = fail("INSERT INTO people (id, ssn, age) VALUES (5, 'ok', '" + MARKER + "')");
        assertThat(Sql.message(syntax)).doesNotContain(MARKER).startsWith("invalid input syntax for type integer")
                .contains("SQLSTATE 22P02");
        SQLException range = fail("INSERT INTO people (id, ssn, age) VALUES (6, 'ok', 77319999999)");
        assertThat(Sql.message(range)).doesNotContain("77319999999").contains("SQLSTATE 22003");
        SQLException tooLong = fail("INSERT INTO people (id, ssn, code) VALUES (7, 'ok', '" + MARKER + "')");
        assertThat(Sql.message(tooLong)).doesNotContain(MARKER).contains("value too long for type character varying(3)");
    }

    @Test
    void anErrorRaisedByATriggerIsNamedNotQuoted() {
        SQLException e = fail("INSERT INTO people (id, ssn, code) VALUES (8, '" + MARKER.replace("SSN-", "X-") + "', 'zzz')");
        assertThat(Sql.message(e)).doesNotContain("MARKER-7731").contains("SQLSTATE P0001");
    }

    @Test
    void aBatchIsReportedByTheFailingStatementWithoutItsParameters() throws SQLException {
        for (boolean throughDb : new boolean[] {true, false}) {
            // through Db (logServerErrorDetail=false) and on a plain connection as an application's pool gives it
            try (Connection c = throughDb ? new Db("new database", db.url()).connect() : db.connect();
                 PreparedStatement ps = c.prepareStatement("INSERT INTO people (id, ssn) VALUES (?, ?)")) {
                ps.setLong(1, 10);
                ps.setString(2, "fine");
                ps.addBatch();
                ps.setLong(1, 11);
                ps.setString(2, MARKER);
                ps.addBatch();
                BatchUpdateException e = catchThrowableOfType(BatchUpdateException.class, ps::executeBatch);
                assertThat(Sql.message(e)).doesNotContain(MARKER).contains("SQLSTATE 23514").contains("ssn_shape");
                if (throughDb) {
                    assertThat(e.getMessage()).doesNotContain(MARKER);
                }
            }
        }
    }

    @Test
    void errorsAboutNamesKeepTheirWords() {
        SQLException e = fail("SELECT no_such_column FROM people");
        assertThat(Sql.message(e)).isEqualTo("column \"no_such_column\" does not exist");
    }
}
