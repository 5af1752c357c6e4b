package dev.cutover.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The last control state this machine saw of one migration on one Redis, kept in a small JSON
 * file ({@code $CUTOVER_STATE_DIR}, default {@code ~/.cutover/state}). It is how a fresh
 * command notices that Redis lost a state it once held, and what a restore puts back (phase,
 * read percent, sample rate and the routing salt that keeps read splits sticky). Never holds a
 * credential.
 */
public final class LastSeenCache {
    private static final Logger LOG = LoggerFactory.getLogger(LastSeenCache.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path file;

    public LastSeenCache(Path dir, String redisUrl, String migration) {
        String endpoint = RedisLink.safeUrl(redisUrl).replaceAll("^rediss?://([^@]*@)?", "").replaceAll("[^A-Za-z0-9._-]", "_");
        this.file = dir.resolve(endpoint + "__" + migration.replaceAll("[^A-Za-z0-9._-]", "_") + ".json");
    }

    /** The default place: {@code $CUTOVER_STATE_DIR} (or system property {@code cutover.state.dir}), else {@code ~/.cutover/state}. */
    public static LastSeenCache standard(String redisUrl, String migration) {
        String env = System.getProperty("cutover.state.dir", System.getenv("CUTOVER_STATE_DIR"));
        Path dir = env == null || env.isBlank() ? Path.of(System.getProperty("user.home"), ".cutover", "state") : Path.of(env);
        return new LastSeenCache(dir, redisUrl, migration);
    }

    public Path file() {
        return file;
    }

    /** The cached state, or null if none (or unreadable). */
    public synchronized ControlState load() {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            JsonNode n = JSON.readTree(file.toFile());
            return ControlStateCodec.fromJson(n.path("state").toString());
        } catch (IOException | RuntimeException e) {
            LOG.warn("ignoring unreadable control-state cache {}: {}", file, e.getMessage());
            return null;
        }
    }

    /** Remembers {@code s} if it is newer than what is cached. Failures are logged, never thrown. */
    public synchronized void remember(ControlState s) {
        if (s.version() <= 0) {
            return;
        }
        ControlState old = load();
        if (old != null && old.version() >= s.version()) {
            return;
        }
        try {
            Files.createDirectories(file.getParent());
            ObjectNode o = JSON.createObjectNode();
            o.set("state", JSON.readTree(ControlStateCodec.toJson(s)));
            o.put("seen_at", System.currentTimeMillis());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, o.toString(), StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
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
