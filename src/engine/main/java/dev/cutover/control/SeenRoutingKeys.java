package dev.cutover.control;

import io.lettuce.core.Range;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * The routing keys (tenants) the routers served recently, so the console can say how many of them a
 * read-traffic move shifts (issue 5). Routers write, the console reads, this class holds the format:
 * sorted set {@link ControlKeys#routingKeys()}, one member per key and salt,
 * {@code <routing_salt>:<bucket>:<key id>}, scored by the epoch millisecond it was last seen.
 *
 * <ul>
 *   <li>{@code bucket} (4 digits, 0000–9999) is the key's sticky bucket under that salt, computed by
 *       the router with the very function that routes it ({@code route.StickySplit}); a move from
 *       a % to b % shifts the keys whose bucket lies in [min × 100, max × 100).</li>
 *   <li>{@code key id} is the first 12 hex digits of SHA-256 of the key's text: the set tells keys
 *       apart without holding tenant ids.</li>
 *   <li>Bounded: every write drops members not seen for {@link #RETENTION} and cuts the set to the
 *       {@link #MAX_KEYS} most recently seen; the key expires when no router writes for the
 *       retention time. A router sends its keys every {@link #FLUSH_INTERVAL}.</li>
 * </ul>
 */
public final class SeenRoutingKeys {
    public static final Duration RETENTION = Duration.ofHours(1);
    public static final int MAX_KEYS = 50_000;
    public static final Duration FLUSH_INTERVAL = Duration.ofSeconds(10);
    /** Buckets of the sticky split (route.StickySplit.BUCKETS). */
    static final int BUCKETS = 10_000;

    /** KEYS[1] the set; ARGV: now ms, oldest ms to keep, max members, retention ms, members…. */
    private static final LuaScript WRITE = new LuaScript("""
            local now = ARGV[1]
            for i = 5, #ARGV do
              redis.call('ZADD', KEYS[1], now, ARGV[i])
            end
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[2])
            local n = redis.call('ZCARD', KEYS[1])
            local max = tonumber(ARGV[3])
            if n > max then redis.call('ZREMRANGEBYRANK', KEYS[1], 0, n - max - 1) end
            redis.call('PEXPIRE', KEYS[1], ARGV[4])
            return n
            """);

    private SeenRoutingKeys() {
    }

    /** The member for a routing key seen under {@code salt}, whose sticky bucket is {@code bucket}. */
    public static String member(String salt, int bucket, String routingKey) {
        if (bucket < 0 || bucket >= BUCKETS) {
            throw new IllegalArgumentException("sticky bucket " + bucket + " outside 0.." + (BUCKETS - 1));
        }
        return salt + ":" + String.format(Locale.ROOT, "%04d", bucket) + ":" + keyId(routingKey);
    }

    static String keyId(String routingKey) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(routingKey.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Records members seen at {@code nowMs} and trims the set by age and size (one script, off the request path). */
    public static void write(RedisCommands<String, String> redis, ControlKeys keys, Collection<String> members, long nowMs) {
        if (members.isEmpty()) {
            return;
        }
        List<String> args = new ArrayList<>(members.size() + 4);
        args.add(Long.toString(nowMs));
        args.add(Long.toString(nowMs - RETENTION.toMillis()));
        args.add(Integer.toString(MAX_KEYS));
        args.add(Long.toString(RETENTION.toMillis()));
        args.addAll(members);
        WRITE.run(redis, ScriptOutputType.INTEGER, new String[] {keys.routingKeys()}, args.toArray(String[]::new));
    }

    /** The keys seen under {@code salt} in the {@code window} before {@code nowMs}. */
    public static Seen read(RedisCommands<String, String> redis, ControlKeys keys, String salt, Duration window, long nowMs) {
        List<String> members = redis.zrangebyscore(keys.routingKeys(), Range.create((double) (nowMs - window.toMillis()), Double.POSITIVE_INFINITY));
        String prefix = salt + ":";
        int[] buckets = new int[members.size()];
        int n = 0;
        for (String m : members) {
            if (m.startsWith(prefix) && m.length() > prefix.length() + 4) {
                try {
                    buckets[n] = Integer.parseInt(m, prefix.length(), prefix.length() + 4, 10);
                    n++;
                } catch (NumberFormatException e) {
                    // not a member this version wrote
                }
            }
        }
        long total = redis.zcard(keys.routingKeys());
        return new Seen(window, Arrays.copyOf(buckets, n), total >= MAX_KEYS);
    }

    /**
     * Routing keys seen in a window, as their sticky buckets.
     *
     * @param capped true when the set is full ({@link #MAX_KEYS}): these are the most recently seen keys, not all
     */
    public record Seen(Duration window, int[] buckets, boolean capped) {
        public Seen {
            buckets = buckets.clone();
        }

        public int count() {
            return buckets.length;
        }

        /** How many of these keys change side when reads move from {@code fromPercent} to {@code toPercent}. */
        public int moving(int fromPercent, int toPercent) {
            int lo = Math.min(fromPercent, toPercent) * (BUCKETS / 100);
            int hi = Math.max(fromPercent, toPercent) * (BUCKETS / 100);
            int n = 0;
            for (int b : buckets) {
                if (b >= lo && b < hi) {
                    n++;
                }
            }
            return n;
        }

        @Override
        public int[] buckets() {
            return buckets.clone();
        }
    }
}
