package dev.cutover.work;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.sync.RedisCommands;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Leases shared by every worker process of a run, in Redis: {@code SET key worker NX PX ttl} takes
 * one, a background task renews the held ones every third of the TTL (only while this worker still
 * owns them, checked in a Lua script), and release deletes a lease only if it is still ours. A
 * worker that dies stops renewing; its leases expire after the TTL and its chunks are taken over.
 */
public final class RedisLeases implements Leases {
    private static final Logger LOG = LoggerFactory.getLogger(RedisLeases.class);
    private static final String RENEW = "if redis.call('get', KEYS[1]) == ARGV[1] then "
            + "return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";
    private static final String RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then "
            + "return redis.call('del', KEYS[1]) else return 0 end";

    private final RedisCommands<String, String> redis;
    private final Function<String, String> keyOf;
    private final String workerId;
    private final long ttlMillis;
    private final Set<String> held = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService renewer;

    /** {@code keyOf} maps a lease id to its Redis key (see {@code ControlKeys.workLease}). */
    public RedisLeases(RedisCommands<String, String> redis, Function<String, String> keyOf, String workerId, long ttlMillis) {
        this.redis = redis;
        this.keyOf = keyOf;
        this.workerId = workerId;
        this.ttlMillis = ttlMillis;
        this.renewer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cutover-lease-renewer");
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(10, ttlMillis / 3);
        renewer.scheduleAtFixedRate(this::renewAll, period, period, TimeUnit.MILLISECONDS);
    }

    @Override
    public boolean tryAcquire(String id) {
        String ok;
        try {
            ok = redis.set(keyOf.apply(id), workerId, SetArgs.Builder.nx().px(ttlMillis));
        } catch (RuntimeException e) {
            // Redis unreachable: take no chunk (the run waits; correctness never rests on a lease alone)
            LOG.warn("cannot take lease {} (Redis: {}); waiting", id, e.getMessage());
            return false;
        }
        if ("OK".equals(ok)) {
            held.add(id);
            return true;
        }
        return false;
    }

    @Override
    public void release(String id) {
        held.remove(id);
        try {
            redis.eval(RELEASE, ScriptOutputType.INTEGER, new String[] {keyOf.apply(id)}, workerId);
        } catch (RuntimeException e) {
            LOG.warn("could not release lease {} (it expires by itself): {}", id, e.getMessage());
        }
    }

    /** Who holds a lease now, or null. */
    public String holder(String id) {
        return redis.get(keyOf.apply(id));
    }

    @Override
    public boolean shared() {
        return true;
    }

    @Override
    public String workerId() {
        return workerId;
    }

    private void renewAll() {
        for (String id : held) {
            try {
                Long ok = redis.eval(RENEW, ScriptOutputType.INTEGER, new String[] {keyOf.apply(id)}, workerId, String.valueOf(ttlMillis));
                if (ok == null || ok == 0) {
                    held.remove(id);
                    LOG.warn("lease {} was lost (expired and taken over); its work commits at most once anyway", id);
                }
            } catch (RuntimeException e) {
                LOG.warn("cannot renew lease {}: {}", id, e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        renewer.shutdownNow();
        for (String id : held.toArray(new String[0])) {
            release(id);
        }
    }
}
