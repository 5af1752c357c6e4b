package dev.cutover.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.io.Json;
import dev.cutover.io.PrivateFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The last control state this machine saw of one migration on one Redis, kept in a small JSON
 * file ({@code $CUTOVER_STATE_DIR}, default {@code ~/.cutover/state}; owner-only: 0600 files in a
 * 0700 folder). It is how a fresh command on this machine notices that Redis lost a state it once
 * held, and what a restore puts back (phase, read percent, sample rate, the routing salt that
 * keeps read splits sticky, and when the state was created). Never holds a credential.
 *
 * <p>The file name is {@code <endpoint>__<migration>.json}, both parts percent-encoded (every
 * byte outside {@code A-Z a-z 0-9 . -} becomes {@code %XX}, {@code _} and {@code %} included), so
 * two migrations whose names differ only in {@code /} and {@code _} never share a file.
 */
public final class LastSeenCache {
    /** What the cache holds: the state and its {@code created_at} (epoch ms, 0 when not known). */
    public record Seen(ControlState state, long createdAt) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(LastSeenCache.class);
    private static final ObjectMapper JSON = Json.MAPPER;
    /** Longer encoded names are cut and completed by a hash, to stay under file-system name limits. */
    private static final int MAX_NAME = 200;
    private final Path file;

    public LastSeenCache(Path dir, String redisUrl, String migration) {
        String endpoint = RedisLink.safeUrl(redisUrl).replaceAll("^rediss?://([^@]*@)?", "");
        this.file = dir.resolve(fileName(endpoint, migration));
    }

    /** The default place: {@code $CUTOVER_STATE_DIR} (or system property {@code cutover.state.dir}), else {@code ~/.cutover/state}. */
    public static LastSeenCache standard(String redisUrl, String migration) {
        String env = System.getProperty("cutover.state.dir", System.getenv("CUTOVER_STATE_DIR"));
        Path dir = env == null || env.isBlank() ? Path.of(System.getProperty("user.home"), ".cutover", "state") : Path.of(env);
        return new LastSeenCache(dir, redisUrl, migration);
    }

    /** {@code <escaped endpoint>__<escaped migration>.json}: different (endpoint, migration) pairs give different names. */
    static String fileName(String endpoint, String migration) {
        String name = escape(endpoint) + "__" + escape(migration);
        if (name.length() > MAX_NAME) {
            name = name.substring(0, MAX_NAME - 66) + "~" + sha256(endpoint + "\u0000" + migration);
        }
        return name + ".json";
    }

    /** Percent-encoding of the UTF-8 bytes, keeping only {@code A-Z a-z 0-9 . -}: injective, and never a path separator. */
    static String escape(String s) {
        StringBuilder b = new StringBuilder();
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-') {
                b.append((char) c);
            } else {
                b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return b.toString();
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public Path file() {
        return file;
    }

    /** The cached state, or null if none (or unreadable). */
    public ControlState load() {
        Seen s = seen();
        return s == null ? null : s.state();
    }

    /** The cached state with its creation time, or null if none (or unreadable). */
    public synchronized Seen seen() {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            JsonNode n = JSON.readTree(file.toFile());
            return new Seen(ControlStateCodec.fromJson(n.path("state").toString()), n.path("created_at").asLong(0));
        } catch (IOException | RuntimeException e) {
            LOG.warn("ignoring unreadable control-state cache {}: {}", file, e.getMessage());
            return null;
        }
    }

    /** Remembers {@code s} if it is newer than what is cached. Failures are logged, never thrown. */
    public void remember(ControlState s) {
        remember(s, 0);
    }

    /**
     * Remembers {@code s}, created at {@code createdAt} (0: unknown), if it is newer than what is
     * cached or of another creation (a restored or deliberately restarted state). Failures are
     * logged, never thrown.
     */
    public synchronized void remember(ControlState s, long createdAt) {
        if (s.version() <= 0) {
            return;
        }
        Seen old = seen();
        if (old != null && old.state().version() >= s.version()
                && (createdAt == 0 || old.createdAt() == 0 || old.createdAt() == createdAt)) {
            if (old.state().version() == s.version() && old.createdAt() == 0 && createdAt != 0) {
                write(s, createdAt); // learn the creation time of the state already cached
            }
            return;
        }
        write(s, createdAt);
    }

    private void write(ControlState s, long createdAt) {
        try {
            ObjectNode o = JSON.createObjectNode();
            o.set("state", JSON.readTree(ControlStateCodec.toJson(s)));
            if (createdAt > 0) {
                o.put("created_at", createdAt);
            }
            o.put("seen_at", System.currentTimeMillis());
            PrivateFiles.writeAtomically(file, o.toString());
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot write the control-state cache {}: {}", file, e.getMessage());
        }
    }

    /** Forgets the cached state (after the migration was deliberately deleted). */
    public synchronized void forget() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("cannot delete {}: {}", file, e.getMessage());
        }
    }
}
