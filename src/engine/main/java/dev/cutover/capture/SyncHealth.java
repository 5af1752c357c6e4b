package dev.cutover.capture;

import dev.cutover.control.ControlKeys;
import dev.cutover.control.RedisLink;

import java.util.Map;
import java.util.function.Consumer;

/**
 * Writes each {@link SyncStatus} to {@code cutover:{M}:sync} (a hash, kept for a day after the last
 * write so an abandoned entry does not stay for ever). Redis being away costs a warning in the log,
 * never the sync: the next write tries again on a fresh link.
 */
public final class SyncHealth implements Consumer<SyncStatus>, AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SyncHealth.class);
    private static final long TTL_SECONDS = 86_400;

    private final String url;
    private final String key;
    private final String stopKey;
    private final long since = System.currentTimeMillis();
    private volatile Map<String, String> stopRequest;
    private RedisLink link;

    public SyncHealth(String redisUrl, String migration) {
        this(redisUrl, migration, false);
    }

    /** Into {@code cutover:{M}:sync}, or {@code cutover:{M}:sync:reverse} for the reverse stream. */
    public SyncHealth(String redisUrl, String migration, boolean reverse) {
        this.url = redisUrl;
        ControlKeys keys = new ControlKeys(migration);
        this.key = reverse ? keys.syncReverse() : keys.sync();
        this.stopKey = keys.syncStop(reverse);
    }

    @Override
    public synchronized void accept(SyncStatus s) {
        try {
            if (link == null) {
                link = RedisLink.open(url);
            }
            link.sync().hset(key, s.toHash());
            link.sync().expire(key, TTL_SECONDS);
            if (stopRequest == null) {
                Map<String, String> r = link.sync().hgetall(stopKey);
                if (!r.isEmpty() && parse(r.get(ControlKeys.SyncStop.AT)) >= since) {
                    stopRequest = Map.copyOf(r);
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("cannot write the sync status to Redis: {}", e.getMessage());
            close();
        }
    }

    /**
     * A request to stop this stream ({@link ControlKeys#syncStop}) made after this health was made,
     * seen with a status write; null when none. The run stops on it ({@code app.SyncRun}).
     */
    public Map<String, String> stopRequest() {
        return stopRequest;
    }

    /**
     * Asks the stream publishing to {@code migration}'s sync hash (or the reverse one) to stop after
     * the batch in hand: it sees the request with its next status write, about a second later. The
     * request expires after 2 min, so a stream started later is not stopped by it.
     */
    public static void requestStop(RedisLink link, String migration, boolean reverse, String who, String why) {
        String k = new ControlKeys(migration).syncStop(reverse);
        link.sync().hset(k, Map.of(ControlKeys.SyncStop.WHO, who, ControlKeys.SyncStop.AT,
                Long.toString(System.currentTimeMillis()), ControlKeys.SyncStop.WHY, why));
        link.sync().expire(k, 120);
    }

    private static long parse(String v) {
        try {
            return v == null ? 0 : Long.parseLong(v);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /**
     * Removes the status record ({@code sync --drop}): a migration that no longer uses change capture
     * is then in router mode for the phase guards. Returns whether there was one.
     */
    public boolean forget() {
        try (RedisLink l = RedisLink.open(url)) {
            return l.sync().del(key) > 0;
        }
    }

    /** The status last written for {@code migration}, or null. */
    public static SyncStatus read(RedisLink link, String migration) {
        return SyncStatus.fromHash(link.sync().hgetall(new ControlKeys(migration).sync()));
    }

    /** The reverse stream's status for {@code migration}, or null. */
    public static SyncStatus readReverse(RedisLink link, String migration) {
        return SyncStatus.fromHash(link.sync().hgetall(new ControlKeys(migration).syncReverse()));
    }

    @Override
    public synchronized void close() {
        if (link != null) {
            try {
                link.close();
            } catch (RuntimeException ignored) {
                // closing anyway
            }
            link = null;
        }
    }
}
