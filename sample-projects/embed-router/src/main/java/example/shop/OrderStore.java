package example.shop;

import dev.cutover.plan.Plan;
import dev.cutover.route.ReadOp;
import dev.cutover.route.Router;
import dev.cutover.route.WriteOp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The shop's order storage, written once for both schemas: every read and write goes through
 * Cutover's {@link Router}, which sends it to the old database, the new one or both, as the
 * migration's control state says. The old schema keeps amounts as {@code total_amount numeric},
 * the new one as {@code total_cents bigint}.
 */
public final class OrderStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OrderStore.class);

    /** An order as the application sees it, whichever database it was read from. */
    public record Order(long id, long tenantId, BigDecimal total) {
        static Order fromRow(Map<String, Object> row) {
            return new Order(((Number) row.get("id")).longValue(), ((Number) row.get("tenant_id")).longValue(),
                    (BigDecimal) row.get("total_amount"));
        }
    }

    /** One statement per schema, same parameters (id, tenant, amount); RETURNING the key lets a failed mirror be queued by key. */
    static final WriteOp PLACE = WriteOp.named("place_order").table("orders")
            .oldSql("INSERT INTO orders (id, tenant_id, total_amount) VALUES (?, ?, ?) RETURNING id")
            .newSql("INSERT INTO orders (id, tenant_id, total_cents) VALUES (?, ?, round(?::numeric * 100)::bigint) RETURNING id");

    /** A tenant's orders, in the old shape from either side. */
    static final ReadOp<Order> LIST = ReadOp.named("list_orders")
            .oldSql("SELECT id, tenant_id, total_amount FROM orders WHERE tenant_id = ? ORDER BY id")
            .newSql("SELECT id, tenant_id, (total_cents / 100.0)::numeric(12,2) AS total_amount FROM orders WHERE tenant_id = ? ORDER BY id")
            .map(Order::fromRow);

    private final Router router;

    private OrderStore(Router router) {
        this.router = router;
    }

    /**
     * Builds the router over the application's own pools: the migration is the plan's name, its
     * control state is followed on {@code redisUrl}; {@code spillDir} (on a persistent disk) keeps
     * the last state seen and the mirror writes that failed while Redis was unreachable.
     */
    public static OrderStore open(DataSource oldDb, DataSource newDb, String redisUrl, Plan plan, Path spillDir) {
        Router router = Router.builder()
                .oldDataSource(oldDb)
                .newDataSource(newDb)
                .redis(redisUrl)
                .plan(plan)
                .spillDirectory(spillDir)
                .build();
        LOG.info("order store routing through Cutover's router {}", router.instanceId());
        return new OrderStore(router);
    }

    /** Places an order; the tenant is the routing key (a tenant's reads stay on one side while reads shift). */
    public void place(long orderId, long tenantId, BigDecimal amount) throws SQLException {
        Router.WriteResult r = router.write(PLACE, tenantId, orderId, tenantId, amount);
        if (r.affected() != 1) {
            throw new SQLException("order " + orderId + ": " + r.affected() + " rows written, expected 1");
        }
    }

    public List<Order> list(long tenantId) throws SQLException {
        return router.read(LIST, tenantId, tenantId);
    }

    /** The router itself: its state, its decisions and its counters, for health checks. */
    public Router router() {
        return router;
    }

    /** Pending mirror writes finish or are queued for replay. */
    @Override
    public void close() {
        router.close();
    }
}
