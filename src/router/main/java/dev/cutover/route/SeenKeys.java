package dev.cutover.route;

import dev.cutover.control.ControlKeys;
import dev.cutover.control.SeenRoutingKeys;
import io.lettuce.core.api.sync.RedisCommands;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The routing keys this router served reads for since its last report, for the console's count of
 * the tenants a read-traffic move shifts ({@link SeenRoutingKeys}). On the request path a key is
 * one lookup in a concurrent set (and an insert the first time in an interval), bounded at
 * {@link #MAX_PER_INTERVAL} keys; the router's tick swaps the set, computes each key's sticky
 * bucket under the salt in force ({@link StickySplit#bucket}, the routing function itself) and
 * sends them in one script.
 */
final class SeenKeys {
    static final int MAX_PER_INTERVAL = 10_000;

    private volatile Set<Object> current = ConcurrentHashMap.newKeySet();
    /** Keys not recorded because the interval's set was full. */
    final LongAdder overflow = new LongAdder();

    /** Notes a routing key (null: none). A memory operation only. */
    void record(Object routingKey) {
        if (routingKey == null) {
            return;
        }
        // value types are kept as they are (no text built per request); other keys by their text,
        // which is what routes them
        Object k = routingKey instanceof Long || routingKey instanceof Integer || routingKey instanceof String
                || routingKey instanceof UUID ? routingKey : routingKey.toString();
        Set<Object> s = current;
        if (!s.contains(k)) {
            if (s.size() < MAX_PER_INTERVAL) {
                s.add(k);
            } else {
                overflow.increment();
            }
        }
    }

    /**
     * Takes the keys recorded since the last call, as routing-key texts. (A key recorded by a
     * thread that read the set just before the swap may miss this report; a key in use is seen
     * again in the next interval.)
     */
    synchronized Set<String> take() {
        Set<Object> s = current;
        current = ConcurrentHashMap.newKeySet();
        Set<String> out = new LinkedHashSet<>();
        for (Object k : s) {
            out.add(k.toString());
        }
        return out;
    }

    /**
     * Sends the keys recorded since the last call, with their buckets under {@code salt}; returns
     * how many. On failure they are dropped (a key still in use is seen again within the next
     * interval).
     */
    int flush(RedisCommands<String, String> redis, ControlKeys keys, String salt, long nowMs) {
        Set<String> taken = take();
        if (taken.isEmpty()) {
            return 0;
        }
        Set<String> members = new LinkedHashSet<>();
        for (String k : taken) {
            members.add(SeenRoutingKeys.member(salt, StickySplit.bucket(salt, k), k));
        }
        SeenRoutingKeys.write(redis, keys, members, nowMs);
        return members.size();
    }
}
