package dev.cutover.route;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The sticky read split. A routing key goes to the new database when its bucket is below
 * {@code read_percent × 100}; the bucket is the same in every language:
 *
 * <pre>
 *   bucket = murmur3_x86_32(utf8(routing_salt + ":" + routingKey), seed 0) as unsigned 32-bit  mod 10000
 *   new    = bucket &lt; read_percent * 100
 * </pre>
 *
 * (Python: {@code mmh3.hash(salt + ":" + key, 0, signed=False) % 10000}; Guava:
 * {@code Hashing.murmur3_32_fixed().hashString(s, UTF_8).asInt() & 0xffffffffL}.) A routing key
 * therefore stays on one side until the percentage moves past its bucket, and a new salt reshuffles
 * every key. Without a routing key the choice is random per request.
 */
public final class StickySplit {
    public static final int BUCKETS = 10_000;

    private StickySplit() {
    }

    /** True when a read with this routing key (null: none) goes to the new database. */
    public static boolean readsNew(String salt, String routingKey, int readPercent) {
        if (readPercent <= 0) {
            return false;
        }
        if (readPercent >= 100) {
            return true;
        }
        int bucket = routingKey == null ? ThreadLocalRandom.current().nextInt(BUCKETS) : bucket(salt, routingKey);
        return bucket < readPercent * (BUCKETS / 100);
    }

    /** The key's bucket in [0, 10000). */
    public static int bucket(String salt, String routingKey) {
        byte[] b = (salt + ":" + routingKey).getBytes(StandardCharsets.UTF_8);
        return (int) (Integer.toUnsignedLong(murmur3(b, 0)) % BUCKETS);
    }

    /** MurmurHash3 x86 32-bit (Austin Appleby's reference), little-endian blocks. */
    @SuppressWarnings("fallthrough")
    static int murmur3(byte[] data, int seed) {
        final int c1 = 0xcc9e2d51;
        final int c2 = 0x1b873593;
        int h = seed;
        int n = data.length & ~3;
        for (int i = 0; i < n; i += 4) {
            int k = (data[i] & 0xff) | (data[i + 1] & 0xff) << 8 | (data[i + 2] & 0xff) << 16 | (data[i + 3] & 0xff) << 24;
            k *= c1;
            k = Integer.rotateLeft(k, 15);
            k *= c2;
            h ^= k;
            h = Integer.rotateLeft(h, 13);
            h = h * 5 + 0xe6546b64;
        }
        int k = 0;
        switch (data.length & 3) {
            case 3:
                k ^= (data[n + 2] & 0xff) << 16;
                // fall through
            case 2:
                k ^= (data[n + 1] & 0xff) << 8;
                // fall through
            case 1:
                k ^= data[n] & 0xff;
                k *= c1;
                k = Integer.rotateLeft(k, 15);
                k *= c2;
                h ^= k;
                break;
            default:
                break;
        }
        h ^= data.length;
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }
}
