package dev.cutover.app;

import dev.cutover.control.ControlStore;
import dev.cutover.control.GuardReader;
import dev.cutover.control.GuardSettings;
import dev.cutover.control.Guards;
import dev.cutover.control.RedisLink;

import java.util.Optional;

/**
 * Whether the latest verification in Redis still holds, as the phase guard judges it
 * ({@link Guards#staleness}): a repair that changed rows, failed writes queued, mirror failures or
 * shadow mismatches after it make it stale. For the Verify screen's mark and any other front end.
 * Keeps one Redis connection until closed.
 */
public final class VerificationFreshness implements AutoCloseable {
    private final RedisLink link;
    private final ControlStore store;
    private final GuardReader reader;

    public VerificationFreshness(String redisUrl, String migration) {
        this.link = RedisLink.open(redisUrl);
        this.store = new ControlStore(link, migration);
        this.reader = new GuardReader(store, GuardSettings.defaults());
    }

    /** Why the latest verification is stale (every reason, one line), or empty when it holds or none was made. */
    public Optional<String> staleness() {
        return Optional.ofNullable(Guards.staleness(reader.readVerification(store.serverTimeMillis())));
    }

    @Override
    public void close() {
        link.close();
    }
}
