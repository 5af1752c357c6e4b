package dev.cutover.ui;

import dev.cutover.app.WritesFollow;
import dev.cutover.capture.SyncStatus;
import dev.cutover.control.ControlKeys;
import dev.cutover.control.ControlState;
import dev.cutover.control.ControlStore;
import dev.cutover.control.ControlView;
import dev.cutover.control.RedisLink;
import dev.cutover.control.FlipWait;
import dev.cutover.control.RouterHeartbeat;
import dev.cutover.pg.Db;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.api.sync.RedisCommands;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.util.Duration;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Feeds the status bar: health of the three endpoints, the current phase and read percentage
 * (from the control state in Redis) and whether any router reports itself degraded (router
 * heartbeats). Polls every few seconds in the background; shows "—" and "not connected" while it
 * cannot know.
 */
public final class StatusViewModel {
    public static final String UNKNOWN = "—";
    /** The phase while Redis lost the control state (docs/control.md, "Lost state"): not the empty state's "planning". */
    public static final String LOST_PHASE = "unknown — control state lost (Restore… on Traffic & phase)";

    private final Session session;
    private final BackgroundTasks tasks;
    private final ConsoleRedis redis;
    private final StringProperty phase = new SimpleStringProperty(UNKNOWN);
    private final StringProperty readPercent = new SimpleStringProperty(UNKNOWN);
    private final StringProperty routers = new SimpleStringProperty("not connected");
    private final StringProperty writesFollow = new SimpleStringProperty(UNKNOWN);
    private final Timeline timer;
    private boolean polling;
    private RedisLink link;
    private ControlStore store;
    private String storeKey;
    private boolean again;

    public StatusViewModel(Session session, BackgroundTasks tasks, ConsoleRedis redis) {
        this.session = session;
        this.tasks = tasks;
        this.redis = redis;
        timer = new Timeline(new KeyFrame(Duration.seconds(5), e -> poll()));
        timer.setCycleCount(Timeline.INDEFINITE);
        session.oldDb().addListener((o, a, b) -> poll());
        session.newDb().addListener((o, a, b) -> poll());
        session.redisUrl().addListener((o, a, b) -> poll());
        session.migration().addListener((o, a, b) -> poll());
    }

    public void start() {
        timer.play();
        poll();
    }

    public void stop() {
        timer.stop();
        closeStore();
    }

    public StringProperty phase() {
        return phase;
    }

    public StringProperty readPercent() {
        return readPercent;
    }

    /** "no routers reporting", "2 routers, none degraded", "1 of 2 routers degraded: reason". */
    public StringProperty routers() {
        return routers;
    }

    /** "router", "sync", "router + sync" or that nothing is live ({@link WritesFollow}); "—" while unknown. */
    public StringProperty writesFollow() {
        return writesFollow;
    }

    /**
     * One round of checks now; asked while one runs, another follows it (an endpoint or the plan
     * set during a round is not left unshown until the next tick).
     */
    public void poll() {
        if (polling) {
            again = true;
            return;
        }
        polling = true;
        Db oldDb = session.oldDb().get();
        Db newDb = session.newDb().get();
        String redisUrl = session.redisUrl().get();
        String migration = session.migration().get();
        tasks.run(null, p -> new Snapshot(ping(oldDb), ping(newDb), redisStatus(redisUrl, migration, newDb)), s -> {
            polling = false;
            session.oldHealth().set(s.oldDb);
            session.newHealth().set(s.newDb);
            session.redisHealth().set(s.redis.health);
            phase.set(s.redis.phase);
            readPercent.set(s.redis.read);
            routers.set(s.redis.routers);
            writesFollow.set(s.redis.writesFollow);
            pollAgainIfAsked();
        }, e -> {
            polling = false;
            pollAgainIfAsked();
        });
    }

    private void pollAgainIfAsked() {
        if (again) {
            again = false;
            poll();
        }
    }

    private record Snapshot(Health oldDb, Health newDb, RedisStatus redis) {
    }

    private record RedisStatus(Health health, String phase, String read, String routers, String writesFollow) {
        RedisStatus(Health health, String phase, String read, String routers) {
            this(health, phase, read, routers, UNKNOWN);
        }
    }

    /** Connects, asks the server version, closes; the latency is the whole round trip. */
    public static Health ping(Db db) {
        if (db == null) {
            return Health.NOT_SET;
        }
        long t0 = System.nanoTime();
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SHOW server_version")) {
            rs.next();
            long ms = (System.nanoTime() - t0) / 1_000_000;
            return Health.up("PostgreSQL " + rs.getString(1) + " · " + ms + " ms");
        } catch (Exception e) {
            return Health.down(Problems.oneLine(e));
        }
    }

    private RedisStatus redisStatus(String url, String migration, Db newDb) {
        if (url == null || url.isBlank()) {
            return new RedisStatus(Health.NOT_SET, UNKNOWN, UNKNOWN, "not connected");
        }
        try {
            long t0 = System.nanoTime();
            RedisCommands<String, String> r = redis.commands(url);
            r.ping();
            long ms = (System.nanoTime() - t0) / 1_000_000;
            Health h = Health.up("Redis · " + ms + " ms");
            if (migration == null || migration.isBlank()) {
                return new RedisStatus(h, UNKNOWN, UNKNOWN, "no plan open");
            }
            ControlKeys keys = new ControlKeys(migration);
            // the Traffic screen's detector (ControlStore.view: the last state seen here and the witness in the new
            // database), so a flushed Redis is not shown as a migration that has not begun
            ControlView view = store(url, migration, newDb).view();
            ControlState state = view.state();
            String phase = phaseWords(view);
            List<RouterHeartbeat> heartbeats = heartbeats(r, keys);
            long now = System.currentTimeMillis();
            WritesFollow follow = WritesFollow.of(heartbeats, SyncStatus.fromHash(r.hgetall(keys.sync())),
                    SyncStatus.fromHash(r.hgetall(keys.syncReverse())), now, FlipWait.DEFAULT_LIVE_WITHIN);
            // a lost state's read percentage is Redis's empty one, not what the routers were told: not known either
            return new RedisStatus(h, phase, view.isLost() ? UNKNOWN : state.readPercent() + " %", routers(heartbeats, now, FlipWait.DEFAULT_LIVE_WITHIN),
                    follow.words(view.isLost() ? null : state.writeTarget()));
        } catch (Exception e) {
            redis.close();
            closeStore();
            return new RedisStatus(Health.down(Problems.oneLine(e)), UNKNOWN, UNKNOWN, "not connected");
        }
    }

    /** "traffic_shift", "planning (no state yet)", or that the phase is not known because Redis lost the state. */
    static String phaseWords(ControlView view) {
        if (view.isLost()) {
            return LOST_PHASE;
        }
        ControlState state = view.state();
        return state.version() == 0 ? state.phase().wireName() + " (no state yet)" : state.phase().wireName();
    }

    /** A control store on its own link, kept while the Redis URL, migration and new database stay the same. */
    private synchronized ControlStore store(String url, String migration, Db newDb) {
        String key = url + "\u0000" + migration + "\u0000" + (newDb == null ? "" : newDb.url());
        if (store == null || !key.equals(storeKey)) {
            closeStore();
            link = RedisLink.open(url);
            store = ControlStore.standard(link, url, migration, newDb);
            storeKey = key;
        }
        return store;
    }

    private synchronized void closeStore() {
        if (link != null) {
            link.close();
            link = null;
        }
        store = null;
        storeKey = null;
    }

    /** Router heartbeats: a hash per live router with a {@code degraded} field ("true"/"1") and a {@code reason}. */
    static List<RouterHeartbeat> heartbeats(RedisCommands<String, String> r, ControlKeys keys) {
        List<RouterHeartbeat> out = new ArrayList<>();
        String prefix = keys.router("");
        ScanIterator<String> it = ScanIterator.scan(r, ScanArgs.Builder.matches(keys.routerPattern()).limit(200));
        while (it.hasNext()) {
            String key = it.next();
            Map<String, String> hb = r.hgetall(key);
            if (!hb.isEmpty()) {
                out.add(new RouterHeartbeat(key.startsWith(prefix) ? key.substring(prefix.length()) : key, hb));
            }
        }
        return out;
    }

    /**
     * "2 routers, none degraded", "1 of 2 routers degraded: reason"; a heartbeat older than
     * {@code live} (its key not yet expired) is not counted as a router reporting, as {@link WritesFollow}
     * does not count it: "no live router (1 last heard 4 min ago)", or "…; 1 more last heard …".
     */
    static String routers(List<RouterHeartbeat> heartbeats, long nowMillis, java.time.Duration live) {
        if (heartbeats.isEmpty()) {
            return "no routers reporting";
        }
        List<RouterHeartbeat> alive = heartbeats.stream().filter(h -> h.at() > 0 && nowMillis - h.at() <= live.toMillis()).toList();
        int silent = heartbeats.size() - alive.size();
        long newestSilent = heartbeats.stream().filter(h -> !alive.contains(h)).mapToLong(RouterHeartbeat::at).max().orElse(0);
        String heard = newestSilent <= 0 ? "with no time" : "last heard " + ago(nowMillis - newestSilent);
        if (alive.isEmpty()) {
            return "no live router (" + silent + " " + heard + ")";
        }
        List<String> degraded = new ArrayList<>();
        for (RouterHeartbeat hb : alive) {
            String d = hb.fields().getOrDefault("degraded", "false");
            if (d.equals("true") || d.equals("1")) {
                degraded.add(hb.fields().getOrDefault("reason", hb.instance()));
            }
        }
        int total = alive.size();
        String more = silent == 0 ? "" : "; " + silent + " more " + heard;
        if (degraded.isEmpty()) {
            return total + (total == 1 ? " router" : " routers") + ", none degraded" + more;
        }
        return degraded.size() + " of " + total + " routers degraded: " + degraded.get(0) + more;
    }

    private static String ago(long ms) {
        long s = Math.max(0, ms / 1000);
        return s < 120 ? s + " s ago" : s < 7200 ? (s / 60) + " min ago" : (s / 3600) + " h ago";
    }
}
