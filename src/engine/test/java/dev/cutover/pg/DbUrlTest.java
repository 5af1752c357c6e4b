package dev.cutover.pg;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** "Same server, other database" over the URL forms of the secrets tests (cli/UrlSecretsTest) and a few more. */
class DbUrlTest {
    private static final String PW = "s3cr3t-Pw";

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "jdbc:postgresql://127.0.0.1:1/db?user=u&password=s3cr3t-Pw|db|jdbc:postgresql://127.0.0.1:1/postgres?user=u&password=s3cr3t-Pw",
        "postgresql://u:s3cr3t-Pw@127.0.0.1:1/db|db|postgresql://u:s3cr3t-Pw@127.0.0.1:1/postgres",
        "postgres://u:s3cr3t-Pw@127.0.0.1/db|db|postgres://u:s3cr3t-Pw@127.0.0.1/postgres",
        "jdbc:postgresql://u:s3cr3t-Pw@127.0.0.1:99999/db|db|jdbc:postgresql://u:s3cr3t-Pw@127.0.0.1:99999/postgres",
        "jdbc:postgresql://127.0.0.1:1/db?sslpassword=s3cr3t-Pw&user=u|db|jdbc:postgresql://127.0.0.1:1/postgres?sslpassword=s3cr3t-Pw&user=u",
        "jdbc:postgresql://u:pa%2Fss%3F@h/db?x=1|db|jdbc:postgresql://u:pa%2Fss%3F@h/postgres?x=1",
        "jdbc:postgresql://[::1]:5432/my_db|my_db|jdbc:postgresql://[::1]:5432/postgres",
        "jdbc:postgresql://h1:5432,h2:5433/app?targetServerType=primary|app|jdbc:postgresql://h1:5432,h2:5433/postgres?targetServerType=primary",
        "jdbc:postgresql://h/app?sslrootcert=/etc/ssl/root.crt&options=-c%20search_path=a/b|app|jdbc:postgresql://h/postgres?sslrootcert=/etc/ssl/root.crt&options=-c%20search_path=a/b",
        "jdbc:postgresql://localhost/old_db|old_db|jdbc:postgresql://localhost/postgres",
    })
    void theDatabaseIsReadAndReplacedKeepingServerUserAndParameters(String url, String database, String onPostgres) {
        assertThat(DbUrl.database(url)).isEqualTo(database);
        assertThat(DbUrl.withDatabase(url, "postgres")).isEqualTo(onPostgres);
        assertThat(DbUrl.withDatabase(onPostgres, database)).isEqualTo(url);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "jdbc:postgresql://127.0.0.1:5432|jdbc:postgresql://127.0.0.1:5432/other",
        "jdbc:postgresql://127.0.0.1:5432/|jdbc:postgresql://127.0.0.1:5432/other",
        "jdbc:postgresql://127.0.0.1:5432?user=u|jdbc:postgresql://127.0.0.1:5432/other?user=u",
    })
    void aUrlWithoutADatabaseGetsOne(String url, String withOther) {
        assertThat(DbUrl.withDatabase(url, "other")).isEqualTo(withOther);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "jdbc:postgresql://127.0.0.1:5432/?user=u&password=" + PW,
        "postgresql://u:" + PW + "@127.0.0.1:5432",
        "jdbc:postgresql:db?password=" + PW,
    })
    void aUrlNamingNoDatabaseIsRefusedWithoutItsPassword(String url) {
        assertThatThrownBy(() -> DbUrl.database(url)).isInstanceOf(DbException.class)
                .hasMessageContaining("URL must name a").hasMessageNotContaining(PW);
    }
}
