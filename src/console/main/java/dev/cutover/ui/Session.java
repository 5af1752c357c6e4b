package dev.cutover.ui;

import dev.cutover.pg.Db;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

/**
 * What every screen of one console window shares: the three endpoints in use, what is known of
 * their health, and the migration's name (from the plan) that names its Redis keys. Changed on
 * the FX thread only. Passwords live only inside the in-memory {@link Db} URLs, never on disk.
 */
public final class Session {
    private final ObjectProperty<Db> oldDb = new SimpleObjectProperty<>();
    private final ObjectProperty<Db> newDb = new SimpleObjectProperty<>();
    private final StringProperty redisUrl = new SimpleStringProperty();
    private final ObjectProperty<Health> oldHealth = new SimpleObjectProperty<>(Health.NOT_SET);
    private final ObjectProperty<Health> newHealth = new SimpleObjectProperty<>(Health.NOT_SET);
    private final ObjectProperty<Health> redisHealth = new SimpleObjectProperty<>(Health.NOT_SET);
    private final StringProperty migration = new SimpleStringProperty();

    public ObjectProperty<Db> oldDb() {
        return oldDb;
    }

    public ObjectProperty<Db> newDb() {
        return newDb;
    }

    /** {@code redis://host:port} (may carry a password in memory), null when not set. */
    public StringProperty redisUrl() {
        return redisUrl;
    }

    public ObjectProperty<Health> oldHealth() {
        return oldHealth;
    }

    public ObjectProperty<Health> newHealth() {
        return newHealth;
    }

    public ObjectProperty<Health> redisHealth() {
        return redisHealth;
    }

    /** The migration name (the plan's {@code name}); null until a plan is open. */
    public StringProperty migration() {
        return migration;
    }

    /** A Redis URL safe to show: the password replaced by ***. */
    public static String safeRedisUrl(String url) {
        return url == null ? "" : url.replaceAll("(//[^:@/]*:)[^@/]*@", "$1***@");
    }

    /** What a run over {@code plan} (backfill, verify) still needs in this session, or null when it can start. */
    public String missingForARun(dev.cutover.plan.Plan plan) {
        if (plan == null) {
            return "Open a plan first (Mappings).";
        }
        if (oldDb().get() == null || newDb().get() == null) {
            return "Connect the old and the new database first (Connections).";
        }
        return null;
    }
}
