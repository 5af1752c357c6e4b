package dev.cutover.pg;

import dev.cutover.testing.NeedsServers;
import dev.cutover.plan.TableRef;
import dev.cutover.testing.TestDb;
import org.junit.jupiter.api.Test;

import java.sql.Connection;

import static org.assertj.core.api.Assertions.assertThat;

@NeedsServers
class SchemaReaderTest {
    @Test
    void readsTablesColumnsKeysAndDependents() throws Exception {
        try (TestDb db = TestDb.create("schema").exec("""
                CREATE SCHEMA "Sales";
                CREATE TABLE "Sales"."User" (id bigint PRIMARY KEY, "E Mail" varchar(80) NOT NULL UNIQUE,
                                             n numeric(12,2) DEFAULT 0, g text GENERATED ALWAYS AS (lower("E Mail")) STORED);
                CREATE TABLE "Sales"."order" (a int, b text COLLATE "C", user_id bigint REFERENCES "Sales"."User"(id),
                                              PRIMARY KEY (a, b));
                CREATE UNIQUE INDEX order_user ON "Sales"."order" (user_id);
                CREATE VIEW "Sales".v AS SELECT * FROM "Sales"."order";
                INSERT INTO "Sales"."User" (id, "E Mail") SELECT g, 'x' || g FROM generate_series(1, 100) g;
                ANALYZE;
                """); Connection c = db.connect()) {
            Schema s = SchemaReader.read(c);
            assertThat(s.serverVersion()).isNotBlank();
            Schema.Table user = s.table(new TableRef("Sales", "User")).orElseThrow();
            assertThat(user.primaryKey()).containsExactly("id");
            assertThat(user.isUnique(java.util.List.of("E Mail"))).isTrue();
            assertThat(user.rowEstimate()).isEqualTo(100);
            Schema.Column mail = user.column("E Mail").orElseThrow();
            assertThat(mail.type()).isEqualTo("character varying(80)");
            assertThat(mail.baseType()).isEqualTo("character varying");
            assertThat(mail.maxLength()).isEqualTo(80);
            assertThat(mail.notNull()).isTrue();
            assertThat(user.column("n").orElseThrow().defaultExpr()).isEqualTo("0");
            assertThat(user.column("n").orElseThrow().numericScale()).isEqualTo(2);
            assertThat(user.column("g").orElseThrow().generated()).isTrue();

            Schema.Table order = s.table(new TableRef("Sales", "order")).orElseThrow();
            assertThat(order.primaryKey()).containsExactly("a", "b");
            assertThat(order.column("b").orElseThrow().collation()).isEqualTo("C");
            assertThat(order.foreignKeys()).singleElement()
                    .satisfies(fk -> assertThat(fk.references()).isEqualTo(new TableRef("Sales", "User")));
            assertThat(order.isUnique(java.util.List.of("user_id"))).isTrue();
            assertThat(order.indexes()).extracting(Schema.Index::name).contains("order_user");
            assertThat(order.dependentViews()).containsExactly(new TableRef("Sales", "v"));
        }
    }
}
