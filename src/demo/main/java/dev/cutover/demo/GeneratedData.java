package dev.cutover.demo;

import java.util.List;
import java.util.Map;

/**
 * What {@link DataGenerator} loaded: row counts, and the ids of the rows of each {@link EdgeCase}
 * (user ids for the users kinds, order ids for the orders kinds), in ascending order.
 */
public record GeneratedData(long users, long orders, int tenants, Map<EdgeCase, List<Long>> edgeIds,
                            Map<Integer, Long> ordersPerTenant) {
    public GeneratedData {
        edgeIds = Map.copyOf(edgeIds);
        ordersPerTenant = Map.copyOf(ordersPerTenant);
    }

    public List<Long> ids(EdgeCase e) {
        return edgeIds.getOrDefault(e, List.of());
    }

    /** One line per edge case, for the command's summary. */
    public String summary() {
        StringBuilder b = new StringBuilder();
        b.append(String.format("%,d users, %,d orders, %d tenants%n", users, orders, tenants));
        for (EdgeCase e : EdgeCase.values()) {
            b.append(String.format("  %-24s %,9d %s%s%n", e.name().toLowerCase(java.util.Locale.ROOT), ids(e).size(), e.table(),
                    e.roundTrips() ? "" : "  (does not round-trip through plan.json's reverse)"));
        }
        return b.toString();
    }
}
