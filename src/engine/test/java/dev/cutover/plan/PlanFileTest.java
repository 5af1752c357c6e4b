package dev.cutover.plan;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PlanFileTest {
    static final String DESIGN_EXAMPLE = """
            {
              "version": 1,
              "name": "saas-orders",
              "tables": [
                {
                  "source": {"schema": "public", "table": "orders"},
                  "target": {"schema": "public", "table": "orders"},
                  "key": ["id"],
                  "columns": [
                    {"target": "id",              "expr": "id"},
                    {"target": "shipping_method", "expr": "metadata->>'shipping_method'"},
                    {"target": "priority",        "expr": "(metadata->>'priority')::int"},
                    {"target": "total_cents",     "expr": "round(total_amount * 100)::bigint"}
                  ],
                  "dropped": ["legacy_flags"],
                  "reverse": [
                    {"target": "metadata",     "expr": "jsonb_build_object('shipping_method', shipping_method, 'priority', priority::text)"},
                    {"target": "total_amount", "expr": "total_cents / 100.0"}
                  ]
                }
              ]
            }
            """;

    @Test
    void readsTheDesignExample() {
        Plan p = PlanFile.parse(DESIGN_EXAMPLE, "plan.json");
        assertThat(p.name()).isEqualTo("saas-orders");
        TableMapping t = p.tables().get(0);
        assertThat(t.key()).containsExactly("id");
        assertThat(t.targetKey()).containsExactly("id");
        assertThat(t.columns()).hasSize(4);
        assertThat(t.dropped()).containsExactly("legacy_flags");
        assertThat(t.effectiveReverse()).containsKeys("id", "metadata", "total_amount");
    }

    @Test
    void roundTripIsLosslessAndStable(@TempDir Path dir) throws Exception {
        Plan p = PlanFile.parse(DESIGN_EXAMPLE, "plan.json");
        Path f = dir.resolve("plan.json");
        PlanFile.write(p, f);
        byte[] first = Files.readAllBytes(f);
        Plan again = PlanFile.read(f);
        assertThat(again).isEqualTo(p);
        PlanFile.write(again, f);
        assertThat(Files.readAllBytes(f)).isEqualTo(first);
        assertThat(new String(first)).endsWith("}\n").contains("\"expr\"");
    }

    @Test
    void keepsIdentifiersExactly() {
        String json = DESIGN_EXAMPLE.replace("\"table\": \"orders\"}", "\"table\": \"Order Lines\"}")
                .replace("{\"target\": \"id\",              \"expr\": \"id\"}", "{\"target\": \"id\", \"expr\": \"id\"}, {\"target\": \"Note Text\", \"expr\": \"\\\"Note Text\\\"\"}");
        Plan p = PlanFile.parse(json, "plan.json");
        assertThat(p.tables().get(0).source().table()).isEqualTo("Order Lines");
        assertThat(p.tables().get(0).column("Note Text")).isPresent();
        assertThat(PlanFile.parse(PlanFile.toJson(p), "again")).isEqualTo(p);
    }

    @Test
    void badJsonNamesFileAndPosition() {
        assertThatThrownBy(() -> PlanFile.parse("{\"version\": 1,\n \"name\": }", "p.json"))
                .isInstanceOf(PlanException.class)
                .hasMessageStartingWith("p.json: not valid JSON at line 2");
    }

    @Test
    void unknownVersion() {
        assertThatThrownBy(() -> PlanFile.parse(DESIGN_EXAMPLE.replace("\"version\": 1", "\"version\": 7"), "p.json"))
                .hasMessage("p.json: version: unsupported plan version 7 (this Cutover reads version 1)");
    }

    @Test
    void missingField() {
        assertThatThrownBy(() -> PlanFile.parse(DESIGN_EXAMPLE.replace("\"key\": [\"id\"],", ""), "p.json"))
                .hasMessage("p.json: tables[0].key: missing");
    }

    @Test
    void duplicateTargetColumn() {
        String json = DESIGN_EXAMPLE.replace("{\"target\": \"priority\",", "{\"target\": \"shipping_method\",");
        assertThatThrownBy(() -> PlanFile.parse(json, "p.json"))
                .hasMessage("p.json: tables[0].columns[2].target: duplicate target column \"shipping_method\"");
    }

    @Test
    void keyMustBeMappedUnchanged() {
        String json = DESIGN_EXAMPLE.replace("\"expr\": \"id\"}", "\"expr\": \"id + 1\"}");
        assertThatThrownBy(() -> PlanFile.parse(json, "p.json"))
                .hasMessageStartingWith("p.json: tables[0].key[0]: key column \"id\" must be mapped unchanged");
    }

    @Test
    void unknownFieldIsATypoNotSilence() {
        String json = DESIGN_EXAMPLE.replace("\"expr\": \"id\"}", "\"expression\": \"id\"}");
        assertThatThrownBy(() -> PlanFile.parse(json, "p.json"))
                .hasMessageStartingWith("p.json: tables[0].columns[0].expression: unknown field");
    }

    @Test
    void statementsAreNotExpressions() {
        String json = DESIGN_EXAMPLE.replace("round(total_amount * 100)::bigint", "1; DROP TABLE orders");
        assertThatThrownBy(() -> PlanFile.parse(json, "p.json"))
                .hasMessageStartingWith("p.json: tables[0].columns[3].expr: expression for public.orders.\"total_cents\" refused: ';' at position 2");
    }

    @Test
    void duplicateJsonKeysAreRejected() {
        String json = DESIGN_EXAMPLE.replace("\"name\": \"saas-orders\",", "\"name\": \"a\", \"name\": \"b\",");
        assertThatThrownBy(() -> PlanFile.parse(json, "p.json")).hasMessageContaining("Duplicate field 'name'");
    }

    @Test
    void missingFileIsOneLine(@TempDir Path dir) {
        assertThatThrownBy(() -> PlanFile.read(dir.resolve("nope.json")))
                .hasMessage(dir.resolve("nope.json") + ": plan file not found");
    }

    @Test
    void sameTableTwice() {
        Plan p = PlanFile.parse(DESIGN_EXAMPLE, "x");
        String two = PlanFile.toJson(new Plan(1, "x", java.util.List.of(p.tables().get(0), p.tables().get(0))));
        assertThatThrownBy(() -> PlanFile.parse(two, "p.json"))
                .hasMessage("p.json: tables[1].target: target table public.orders is mapped twice");
    }
}
