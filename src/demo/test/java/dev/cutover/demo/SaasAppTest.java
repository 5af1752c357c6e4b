package dev.cutover.demo;

import dev.cutover.testing.NeedsServers;
import dev.cutover.pg.Schema;
import dev.cutover.pg.SchemaReader;
import dev.cutover.plan.Plan;
import dev.cutover.plan.PlanFile;
import dev.cutover.plan.TableMapping;
import dev.cutover.route.ReadOp;
import dev.cutover.route.WriteOp;
import dev.cutover.sql.Flow;
import dev.cutover.sql.MappingSql;
import dev.cutover.testing.TestDb;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample application's operations are written twice, once per schema: this holds the two
 * versions to the same meaning. Reads of every edge-case row return identical rows from the old
 * database and from the new one (backfilled through plan.json), and each write run with its old
 * SQL on the old database and its new SQL on the new one leaves rows that plan.json maps onto
 * each other exactly — what verify will compare.
 */
@NeedsServers
class SaasAppTest {
    static final SampleProject PROJECT = SampleProject.locate();
    static TestDb old;
    static TestDb fresh;
    static GeneratedData data;
    static Plan plan;
    static Schema oldSchema;
    static Schema newSchema;

    @BeforeAll
    static void load() throws Exception {
        old = TestDb.create("app_old");
        fresh = TestDb.create("app_new");
        fresh.exec(SampleProject.read(PROJECT.newSchema()));
        plan = PlanFile.read(PROJECT.plan());
        try (Connection c = old.connect()) {
            data = new DataGenerator(new DataGenerator.Options(2000, 10, 5)).load(c, SampleProject.read(PROJECT.oldSchema()), n -> { });
            oldSchema = SchemaReader.read(c);
        }
        try (Connection c = fresh.connect()) {
            newSchema = SchemaReader.read(c);
        }
        for (String table : List.of("users", "orders")) {
            Flow f = flow(table);
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            try (Connection c = old.connect()) {
                c.unwrap(org.postgresql.PGConnection.class).getCopyAPI().copyOut("COPY (" + f.select(null) + ") TO STDOUT", buf);
            }
            try (Connection c = fresh.connect()) {
                c.unwrap(org.postgresql.PGConnection.class).getCopyAPI().copyIn("COPY " + f.toTable() + " ("
                        + String.join(", ", f.toColumns().stream().map(dev.cutover.plan.SqlNames::quote).toList()) + ") FROM STDIN",
                        new ByteArrayInputStream(buf.toByteArray()));
            }
        }
    }

    @AfterAll
    static void drop() {
        old.close();
        fresh.close();
    }

    @Test
    void everyReadReturnsTheSameRowsFromBothSchemasOnEveryEdgeCase() throws SQLException {
        List<Long> orderIds = new ArrayList<>();
        List<Long> userIds = new ArrayList<>();
        for (EdgeCase e : EdgeCase.values()) {
            (e.table().equals("users") ? userIds : orderIds).addAll(data.ids(e).subList(0, Math.min(20, data.ids(e).size())));
        }
        int compared = 0;
        for (long id : orderIds) {
            int tenant = tenantOfOrder(id);
            compared += same(SaasApp.ORDER_DETAIL, id, tenant);
            compared += same(SaasApp.LIST_TENANT_ORDERS, tenant);
        }
        for (long id : userIds) {
            compared += same(SaasApp.USER_PROFILE, id, tenantOfUser(id));
        }
        assertThat(compared).isGreaterThan(orderIds.size() * 10);
        // a wrong tenant sees nothing, on both sides
        long someOrder = orderIds.get(0);
        int wrongTenant = tenantOfOrder(someOrder) % 10 + 1;
        assertThat(rows(old, SaasApp.ORDER_DETAIL.oldSql(), someOrder, wrongTenant)).isEmpty();
        assertThat(rows(fresh, SaasApp.ORDER_DETAIL.newSql(), someOrder, wrongTenant)).isEmpty();
    }

    @Test
    void eachWriteLeavesRowsThePlanMapsOntoEachOther() throws SQLException {
        OffsetDateTime at = OffsetDateTime.of(2026, 11, 26, 1, 2, 3, 456_789_000, ZoneOffset.UTC);
        long user = 9_000_000_001L;
        both(SaasApp.SIGN_UP, user, "Mary Ann  Smith-Jones", "mary@tenant3.example.com", 3, at);
        both(SaasApp.RENAME_USER, user, "Zoë Saldaña", 3);
        both(SaasApp.PLACE_ORDER, 9_000_000_002L, 3, user, "express", 2, 1999L, at);
        both(SaasApp.PLACE_ORDER, 9_000_000_003L, 3, user, null, null, 1L, at);
        both(SaasApp.RENAME_USER, 1L, "Cher", tenantOfUser(1));
        assertThat(forward("users", user)).isEqualTo(newRow("users", user)).isNotEmpty();
        assertThat(newRow("users", user)).containsEntry("first_name", "Zoë").containsEntry("last_name", "Saldaña");
        assertThat(forward("users", 1L)).isEqualTo(newRow("users", 1L));
        assertThat(newRow("users", 1L)).containsEntry("first_name", "Cher").containsEntry("last_name", null);
        for (long order : List.of(9_000_000_002L, 9_000_000_003L)) {
            assertThat(forward("orders", order)).isEqualTo(newRow("orders", order)).isNotEmpty();
        }
        assertThat(newRow("orders", 9_000_000_002L)).containsEntry("total_cents", 1999L).containsEntry("priority", 2)
                .containsEntry("tenant_id", 3);
        // the old side stored dollars as the float the legacy code expects, and no null keys in the blob
        assertThat(rows(old, "SELECT total_amount, metadata::text FROM orders WHERE id = ?", 9_000_000_003L).get(0))
                .containsEntry("total_amount", 0.01).containsEntry("metadata", "{}");
        // and the same id can't be signed up twice on either side
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> both(SaasApp.SIGN_UP, user, "X", "x@y", 3, at))
                .hasMessageContaining("duplicate key");
    }

    private static int same(ReadOp<?> op, Object... params) throws SQLException {
        List<Map<String, Object>> a = rows(old, op.oldSql(), params);
        List<Map<String, Object>> b = rows(fresh, op.newSql(), params);
        assertThat(b).as(op.name() + " " + List.of(params)).isEqualTo(a);
        assertThat(a).as(op.name() + " " + List.of(params)).isNotEmpty();
        return a.size();
    }

    private static void both(WriteOp op, Object... params) throws SQLException {
        assertThat(write(old, op.oldSql(), params)).as(op.name() + " on old").isEqualTo(1);
        assertThat(write(fresh, op.newSql(), params)).as(op.name() + " on new").isEqualTo(1);
    }

    private static Map<String, Object> forward(String table, long id) throws SQLException {
        List<Map<String, Object>> r = rows(old, flow(table).select("id = ?"), id);
        return r.isEmpty() ? Map.of() : r.get(0);
    }

    private static Map<String, Object> newRow(String table, long id) throws SQLException {
        Flow f = flow(table);
        List<Map<String, Object>> r = rows(fresh, "SELECT " + String.join(", ", f.toColumns().stream().map(dev.cutover.plan.SqlNames::quote).toList())
                + " FROM " + f.toTable() + " WHERE id = ?", id);
        return r.isEmpty() ? Map.of() : r.get(0);
    }

    private static Flow flow(String table) {
        TableMapping t = plan.table(table).orElseThrow();
        return new MappingSql(t, oldSchema.table(t.source()).orElseThrow(), newSchema.table(t.target()).orElseThrow()).forward();
    }

    private static int tenantOfOrder(long id) throws SQLException {
        return ((Number) rows(old, "SELECT u.company_id FROM orders o JOIN users u ON u.id = o.user_id WHERE o.id = ?", id).get(0)
                .get("company_id")).intValue();
    }

    private static int tenantOfUser(long id) throws SQLException {
        return ((Number) rows(old, "SELECT company_id FROM users WHERE id = ?", id).get(0).get("company_id")).intValue();
    }

    private static int write(TestDb db, String sql, Object... params) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            dev.cutover.pg.Db.applySessionSettings(c);
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            return ps.executeUpdate();
        }
    }

    private static List<Map<String, Object>> rows(TestDb db, String sql, Object... params) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            dev.cutover.pg.Db.applySessionSettings(c);
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            List<Map<String, Object>> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                var md = rs.getMetaData();
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        Object v = rs.getObject(i);
                        row.put(md.getColumnLabel(i), v instanceof java.sql.Timestamp t ? t.toInstant() : v);
                    }
                    out.add(row);
                }
            }
            return out;
        }
    }
}
