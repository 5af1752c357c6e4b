package dev.cutover.control;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.pg.Db;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.KeyValue;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.sync.RedisCommands;
import dev.cutover.io.Json;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The control state of one migration in Redis: consistent reads (one MGET), atomic
 * compare-and-set changes (one Lua script: check the version, set the keys, bump the version,
 * append to the audit stream, publish on the change channel), the audit stream, router
 * heartbeats and the detection of a state Redis lost. Policy (which change is allowed) lives in
 * {@link ControlPlane}; this class stores.
 */
public final class ControlStore {
    public static final String ACTION_PHASE = "phase";
    public static final String ACTION_TRAFFIC = "traffic";
    public static final String ACTION_SAMPLE_RATE = "sample_rate";
    public static final String ACTION_ROUTING_SALT = "routing_salt";
    public static final String ACTION_RESTORE = "restore";
    public static final String ACTION_RAMP_DOWN = "ramp_down";
    /** {@code cutover flip-writes}: the write flip of an application without the router, with its pause (docs/sync.md). */
    public static final String ACTION_FLIP_WRITES = "flip_writes";
    /** A migration that once had a router declared sync-only: the {@link ControlKeys#routersSeen()} mark removed. */
    public static final String ACTION_FORGET_ROUTERS = "forget_routers";

    private static final ObjectMapper JSON = Json.MAPPER;

    /**
     * KEYS: phase, write_target, read_percent, shadow_sample_rate, routing_salt, version,
     * changed_at, created_at, audit. ARGV: expected version (or "absent" for a restore onto no
     * state, "lost:V" for a restore over a lost state now at version V), new version, the five
     * values, now (ms), channel, JSON, created_at to set ("" keeps it, or sets now if absent),
     * then audit field/value pairs. Returns {1, version, entry id, created_at} or {0, current
     * version} ({0, -1}: version gone but created_at present, i.e. Redis lost part of the state).
     */
    private static final LuaScript CHANGE = new LuaScript("""
            local raw = redis.call('GET', KEYS[6])
            if ARGV[1] == 'absent' then
              if raw then return {0, tonumber(raw)} end
            elseif string.sub(ARGV[1], 1, 5) == 'lost:' then
              local cur = tonumber(raw or '0')
              if cur ~= tonumber(string.sub(ARGV[1], 6)) then return {0, cur} end
            else
              local cur = tonumber(raw or '0')
              if cur ~= tonumber(ARGV[1]) then return {0, cur} end
              if not raw and redis.call('EXISTS', KEYS[8]) == 1 then return {0, -1} end
            end
            redis.call('MSET', KEYS[1], ARGV[3], KEYS[2], ARGV[4], KEYS[3], ARGV[5], KEYS[4], ARGV[6],
                       KEYS[5], ARGV[7], KEYS[7], ARGV[8], KEYS[6], ARGV[2])
            if ARGV[11] ~= '' then
              redis.call('SET', KEYS[8], ARGV[11])
            else
              redis.call('SETNX', KEYS[8], ARGV[8])
            end
            local entry = {}
            for i = 12, #ARGV do entry[#entry + 1] = ARGV[i] end
            local id = redis.call('XADD', KEYS[9], '*', unpack(entry))
            redis.call('PUBLISH', ARGV[9], ARGV[10])
            return {1, tonumber(ARGV[2]), id, redis.call('GET', KEYS[8])}
            """);
    /** The witness is read again at most this often by {@link #view} (a watchdog views every second). */
    private static final long WITNESS_READ_EVERY_MS = 5000;

    private final RedisLink link;
    private final ControlKeys keys;
    private final String migration;
    private final LastSeenCache cache;
    private final ControlWitness witness;
    private final AtomicReference<ControlState> lastSeen = new AtomicReference<>();
    /** The witness row as last read or written, and when (ms); null before the first read. */
    private volatile Optional<ControlWitness.Entry> witnessEntry;
    private volatile long witnessReadAt;
    private volatile String witnessProblem;

    /**
     * The store as the command line and the console open it: with the last state seen on this
     * machine ({@link LastSeenCache#standard}) and, when the new database is known, the witness
     * kept there ({@link ControlWitness}), so that a state Redis lost is noticed.
     */
    public static ControlStore standard(RedisLink link, String redisUrl, String migration, Db newDb) {
        return new ControlStore(link, migration, LastSeenCache.standard(redisUrl, migration),
                newDb == null ? null : new ControlWitness(newDb, migration));
    }

    public ControlStore(RedisLink link, String migration) {
        this(link, migration, null);
    }

    /** With a cache (may be null) of the last state seen, so a new process notices a lost state. */
    public ControlStore(RedisLink link, String migration, LastSeenCache cache) {
        this(link, migration, cache, null);
    }

    /**
     * With the local cache and a witness in the new database (either may be null): with a
     * witness, every machine notices a lost state, not only one that saw it, and every change is
     * recorded there too ({@link ControlWitness}).
     */
    public ControlStore(RedisLink link, String migration, LastSeenCache cache, ControlWitness witness) {
        this.link = link;
        this.migration = migration;
        this.keys = new ControlKeys(migration);
        this.cache = cache;
        this.witness = witness;
    }

    /** The witness in the new database, null when none is configured. */
    public ControlWitness witness() {
        return witness;
    }

    /**
     * Why the last read or write of the witness failed (one line), or null when it succeeded. A
     * change whose witness write failed is made in Redis all the same; say so to the user.
     */
    public String witnessProblem() {
        return witnessProblem;
    }

    public String migration() {
        return migration;
    }

    public ControlKeys keys() {
        return keys;
    }

    public RedisLink link() {
        return link;
    }

    /** The state now (one MGET; version 0 when Redis holds none). */
    public ControlState read() {
        try {
            List<String> values = values(redis().mget(ControlStateCodec.keys(keys).toArray(String[]::new)));
            ControlState s = ControlStateCodec.fromValues(values);
            seen(s);
            return s;
        } catch (RuntimeException e) {
            throw link.failure("reading the control state of " + migration, e);
        }
    }

    /**
     * The state now, when it last changed, and whether Redis lost state it held (see
     * {@link ControlView#lost}): Redis holds no state, or an older version, or a state of another
     * creation ({@code created_at}) than the witness in the new database, this client's memory or
     * this machine's cache knew of, or than routers still apply. When Redis holds the newer state,
     * a witness that is behind is brought up to date.
     */
    public ControlView view() {
        List<String> k = new ArrayList<>(ControlStateCodec.keys(keys));
        k.add(keys.changedAt());
        k.add(keys.createdAt());
        List<String> v;
        try {
            v = values(redis().mget(k.toArray(String[]::new)));
        } catch (RuntimeException e) {
            throw link.failure("reading the control state of " + migration, e);
        }
        ControlState state = ControlStateCodec.fromValues(v.subList(0, 6));
        long changedAt = v.get(6) == null ? 0 : Long.parseLong(v.get(6));
        boolean created = v.get(7) != null;
        long createdAt = created ? Long.parseLong(v.get(7)) : 0;
        ControlState mem = lastSeen.get();
        LastSeenCache.Seen cached = cache == null ? null : cache.seen();
        ControlWitness.Entry w = null;
        boolean witnessFailed = false;
        if (witness != null) {
            try {
                w = readWitness().orElse(null);
            } catch (RuntimeException e) {
                witnessFailed = true;
                witnessProblem = e.getMessage();
            }
        }
        // the newest state known besides Redis, and its creation time
        ControlState known = mem;
        long knownCreated = 0;
        if (cached != null && (known == null || cached.state().version() > known.version())) {
            known = cached.state();
            knownCreated = cached.createdAt();
        } else if (cached != null && known != null && cached.state().version() == known.version()) {
            knownCreated = cached.createdAt();
        }
        if (w != null && (known == null || w.state().version() >= known.version())) {
            known = w.state();
            knownCreated = w.createdAt();
        }
        String where = "Redis at " + link.safeUrl();
        String witnessSays = w == null ? "" : "the witness in " + witness.where() + " holds version " + w.state().version()
                + " (phase " + w.state().phase().wireName() + ", created " + Instant.ofEpochMilli(w.createdAt()) + ")";
        String lost = null;
        if (v.get(5) == null) {
            if (created) {
                lost = where + " holds created_at but no version for migration " + migration
                        + ": part of the control state was evicted or deleted";
            } else if (w != null && w.state().version() > 0) {
                lost = where + " holds no control state for migration " + migration + ", but " + witnessSays
                        + ": Redis lost its data (restarted without persistence, or flushed)";
            } else if (known != null && known.version() > 0) {
                lost = where + " holds no control state for migration " + migration
                        + ", but version " + known.version() + " (phase " + known.phase().wireName()
                        + ") was seen before: Redis lost its data (restarted without persistence, or flushed)";
            } else {
                long routerVersion = routers().stream().mapToLong(RouterHeartbeat::version).max().orElse(0);
                if (routerVersion > 0) {
                    lost = where + " holds no control state for migration " + migration
                            + ", but routers still apply version " + routerVersion + ": Redis lost its data";
                }
            }
        } else if (!created) {
            lost = where + " holds version " + state.version() + " but no created_at for migration "
                    + migration + ": part of the control state was evicted or deleted";
        } else if (w != null && w.createdAt() != createdAt) {
            lost = where + " holds version " + state.version() + " of migration " + migration + " created "
                    + Instant.ofEpochMilli(createdAt) + ", but " + witnessSays
                    + ": Redis lost the state and it was started over";
        } else if (w != null && state.version() < w.state().version()) {
            lost = where + " holds version " + state.version() + " of migration " + migration + ", but " + witnessSays
                    + ": Redis lost changes (restarted from an older snapshot?)";
        } else if (cached != null && cached.createdAt() > 0 && cached.createdAt() != createdAt
                && (w == null || w.createdAt() != createdAt)) {
            lost = where + " holds version " + state.version() + " of migration " + migration + " created "
                    + Instant.ofEpochMilli(createdAt) + ", but this machine saw version " + cached.state().version()
                    + " of the state created " + Instant.ofEpochMilli(cached.createdAt()) + ": Redis lost the state and it was started over";
        } else if (known != null && state.version() < known.version()) {
            lost = where + " holds version " + state.version() + " of migration " + migration
                    + " but version " + known.version() + " was seen before: Redis lost changes (restarted from an older snapshot?)";
        }
        String witnessLine = null;
        if (witness != null) {
            witnessLine = witnessFailed ? "UNREADABLE: " + witnessProblem
                    : w == null ? "none yet in " + witness.where() : "version " + w.state().version() + " in " + witness.where();
        }
        if (lost == null) {
            seen(state, createdAt);
            if (witness != null && !witnessFailed && state.version() > 0
                    && (w == null || (w.createdAt() == createdAt && w.state().version() < state.version()))) {
                writeWitness(state, createdAt, false);
                witnessLine = witnessProblem == null ? "version " + state.version() + " in " + witness.where()
                        + (w == null ? " (written now)" : " (brought up to date from version " + w.state().version() + ")")
                        : "NOT WRITTEN: " + witnessProblem;
                witnessFailed = witnessProblem != null;
            }
        } else {
            lost += "; restore it with: " + restoreCommand(restorePhase(known));
        }
        return new ControlView(state, changedAt, lost, known, createdAt, knownCreated, witnessLine, witnessFailed);
    }

    /** The command that restores the state at {@code phase} (the last one known), to run with this command's --redis and --new. */
    public String restoreCommand(Phase phase) {
        return "cutover phase " + (phase == null ? "PHASE" : phase.wireName())
                + " --override --reason \"restore after Redis loss\" --migration " + shellWord(migration);
    }

    private static String shellWord(String s) {
        return s.matches("[A-Za-z0-9._/:-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
    }

    /** The phase a lost state is restored at: that of {@code known} (the last state known), else the routers'; null if neither. */
    Phase restorePhase(ControlState known) {
        return known != null ? known.phase() : routerPhase();
    }

    /** The phase the newest router heartbeat reports, null if none. */
    private Phase routerPhase() {
        return routers().stream().sorted((a, b) -> Long.compare(b.version(), a.version()))
                .map(r -> r.fields().get(ControlKeys.Heartbeat.PHASE)).filter(p -> p != null && !p.isEmpty())
                .map(p -> {
                    try {
                        return Phase.fromWire(p);
                    } catch (IllegalArgumentException e) {
                        return null;
                    }
                }).filter(p -> p != null).findFirst().orElse(null);
    }

    private Optional<ControlWitness.Entry> readWitness() {
        Optional<ControlWitness.Entry> e = witnessEntry;
        long now = System.currentTimeMillis();
        if (e == null || now - witnessReadAt >= WITNESS_READ_EVERY_MS) {
            e = witness.read();
            witnessEntry = e;
            witnessReadAt = now;
            witnessProblem = null;
        }
        return e;
    }

    private void writeWitness(ControlState s, long createdAt, boolean replace) {
        try {
            witness.record(s, createdAt, replace);
            witnessEntry = Optional.of(new ControlWitness.Entry(s, createdAt, System.currentTimeMillis()));
            witnessReadAt = System.currentTimeMillis();
            witnessProblem = null;
        } catch (RuntimeException e) {
            witnessProblem = "version " + s.version() + " is in Redis, but " + e.getMessage()
                    + "; a machine that never saw it will not notice if Redis loses it (cutover status with --new writes it"
                    + " once the new database is reachable)";
        }
    }

    /** The newest state this client knew of: in memory, else the local cache; null if none. */
    public ControlState lastKnown() {
        ControlState mem = lastSeen.get();
        ControlState file = cache == null ? null : cache.load();
        if (mem == null) {
            return file;
        }
        return file != null && file.version() > mem.version() ? file : mem;
    }

    /**
     * Compare-and-set: applies {@code next} if the state is still at {@code expected.version()},
     * producing version + 1, with one audit entry. Throws {@link ConflictException} (nothing
     * changed) otherwise. Returns the new state.
     */
    public ControlState apply(ControlState expected, ControlState next, Actor who, String action, String why,
                              boolean override, String guard) {
        ControlState target = withVersion(next, expected.version() + 1);
        return write(String.valueOf(expected.version()), expected, target, who, action, why, override, guard);
    }

    /**
     * Puts back a lost state: succeeds only while Redis holds no version for this migration,
     * writing {@code state} at {@code state.version()} (use one above any version seen, so
     * routers following by version accept it). Audited as {@code restore}.
     */
    public ControlState restore(ControlState state, Actor who, String why) {
        return restore(state, 0, 0, who, why);
    }

    /**
     * Puts back a lost state with its original {@code createdAt} (0: unknown, keep or set now):
     * onto no state ({@code replacing} 0), or over the state Redis holds now at version
     * {@code replacing} (an older snapshot or a state started over after the loss). Audited as
     * {@code restore}; the witness, if any, takes it even over a state of another creation.
     */
    public ControlState restore(ControlState state, long createdAt, long replacing, Actor who, String why) {
        if (state.version() <= 0) {
            throw new IllegalArgumentException("a restored state needs a version above 0");
        }
        ControlState from = replacing > 0 ? read() : ControlState.initial();
        return write(replacing > 0 ? "lost:" + replacing : "absent", from, state, createdAt, who, ACTION_RESTORE, why, true, "");
    }

    private ControlState write(String expectedToken, ControlState from, ControlState to, Actor who, String action,
                               String why, boolean override, String guard) {
        return write(expectedToken, from, to, 0, who, action, why, override, guard);
    }

    private ControlState write(String expectedToken, ControlState from, ControlState to, long createdAt, Actor who, String action,
                               String why, boolean override, String guard) {
        long now = System.currentTimeMillis();
        List<String> args = new ArrayList<>(List.of(expectedToken, Long.toString(to.version())));
        List<String> values = ControlStateCodec.toValues(to);
        args.addAll(values.subList(0, 5));
        args.add(Long.toString(now));
        args.add(keys.changes());
        args.add(ControlStateCodec.toJson(to));
        args.add(createdAt > 0 ? Long.toString(createdAt) : "");
        Map<String, String> entry = auditFields(from, to, who, action, why, override, guard, now);
        entry.forEach((f, v) -> {
            args.add(f);
            args.add(v);
        });
        String[] k = {keys.phase(), keys.writeTarget(), keys.readPercent(), keys.shadowSampleRate(), keys.routingSalt(),
                keys.version(), keys.changedAt(), keys.createdAt(), keys.audit()};
        List<Object> result;
        try {
            result = CHANGE.run(redis(), ScriptOutputType.MULTI, k, args.toArray(String[]::new));
        } catch (RuntimeException e) {
            throw link.failure("changing the control state of " + migration, e);
        }
        if (((Long) result.get(0)) == 1L) {
            long created = result.size() > 3 && result.get(3) != null ? Long.parseLong(String.valueOf(result.get(3))) : now;
            seen(to, created);
            if (witness != null) {
                writeWitness(to, created, ACTION_RESTORE.equals(action));
            }
            return to;
        }
        long current = (Long) result.get(1);
        if (current == -1L) {
            throw new StateLostException("Redis at " + link.safeUrl() + " lost the version of migration " + migration
                    + " (created_at is still there); nothing was changed; restore the state explicitly");
        }
        if ("absent".equals(expectedToken) || expectedToken.startsWith("lost:")) {
            throw new ControlException("migration " + migration + " has a control state at version " + current
                    + " on Redis at " + link.safeUrl() + " now (it changed meanwhile); nothing was restored");
        }
        throw new ConflictException(migration, from.version(), read());
    }

    private static Map<String, String> auditFields(ControlState from, ControlState to, Actor who, String action,
                                                   String why, boolean override, String guard, long now) {
        Map<String, String[]> changes = new LinkedHashMap<>();
        List<String> a = ControlStateCodec.toValues(from);
        List<String> b = ControlStateCodec.toValues(to);
        String[] names = {"phase", "write_target", "read_percent", "shadow_sample_rate", "routing_salt"};
        for (int i = 0; i < names.length; i++) {
            if (!Objects.equals(a.get(i), b.get(i)) || ACTION_RESTORE.equals(action)) {
                changes.put(names[i], new String[] {a.get(i), b.get(i)});
            }
        }
        String main = switch (action) {
            case ACTION_TRAFFIC, ACTION_RAMP_DOWN -> "read_percent";
            case ACTION_SAMPLE_RATE -> "shadow_sample_rate";
            case ACTION_ROUTING_SALT -> "routing_salt";
            default -> "phase";
        };
        String[] mainChange = changes.getOrDefault(main, new String[] {a.get(indexOf(names, main)), b.get(indexOf(names, main))});
        ObjectNode changesJson = JSON.createObjectNode();
        changes.forEach((f, v) -> {
            ArrayNode pair = changesJson.putArray(f);
            pair.add(v[0]);
            pair.add(v[1]);
        });
        Map<String, String> e = new LinkedHashMap<>();
        e.put(ControlKeys.Audit.WHO, who.who());
        e.put(ControlKeys.Audit.HOST, who.host());
        e.put(ControlKeys.Audit.AT, Long.toString(now));
        e.put(ControlKeys.Audit.ACTION, action);
        e.put(ControlKeys.Audit.FIELD, main);
        e.put(ControlKeys.Audit.FROM, mainChange[0]);
        e.put(ControlKeys.Audit.TO, mainChange[1]);
        e.put(ControlKeys.Audit.WHY, why == null ? "" : why);
        e.put(ControlKeys.Audit.OVERRIDE, Boolean.toString(override));
        e.put(ControlKeys.Audit.GUARD, guard == null ? "" : guard);
        e.put(ControlKeys.Audit.VERSION, Long.toString(to.version()));
        e.put(ControlKeys.Audit.CHANGES, changesJson.toString());
        e.put(ControlKeys.Audit.STATE, ControlStateCodec.toJson(to));
        return e;
    }

    private static int indexOf(String[] a, String s) {
        for (int i = 0; i < a.length; i++) {
            if (a[i].equals(s)) {
                return i;
            }
        }
        return 0;
    }

    /** The newest {@code max} audit entries, oldest first. */
    public List<AuditEntry> audit(int max) {
        try {
            List<StreamMessage<String, String>> msgs = redis().xrevrange(keys.audit(), Range.create("-", "+"), Limit.from(max));
            List<AuditEntry> out = new ArrayList<>();
            for (StreamMessage<String, String> m : msgs) {
                out.add(new AuditEntry(m.getId(), m.getBody()));
            }
            Collections.reverse(out);
            return out;
        } catch (RuntimeException e) {
            throw link.failure("reading the audit stream of " + migration, e);
        }
    }

    /** Every audit entry that produced a version above {@code version}, oldest first. */
    public List<AuditEntry> auditAfter(long version) {
        List<AuditEntry> out = new ArrayList<>();
        try {
            Range.Boundary<String> upper = Range.Boundary.unbounded();
            while (true) {
                List<StreamMessage<String, String>> page = redis().xrevrange(keys.audit(),
                        Range.from(Range.Boundary.unbounded(), upper), Limit.from(100));
                boolean done = page.isEmpty();
                for (StreamMessage<String, String> m : page) {
                    AuditEntry e = new AuditEntry(m.getId(), m.getBody());
                    if (e.version() <= version) {
                        done = true;
                        break;
                    }
                    out.add(e);
                    upper = Range.Boundary.excluding(m.getId());
                }
                if (done || page.size() < 100) {
                    break;
                }
            }
        } catch (RuntimeException e) {
            throw link.failure("reading the audit stream of " + migration, e);
        }
        Collections.reverse(out);
        return out;
    }

    /** Every router heartbeat present (expired ones are gone). */
    public List<RouterHeartbeat> routers() {
        List<RouterHeartbeat> out = new ArrayList<>();
        String pattern = globEscape(keys.prefix()) + "router:*";
        String prefix = keys.router("");
        try {
            ScanCursor cursor = ScanCursor.INITIAL;
            do {
                KeyScanCursor<String> page = redis().scan(cursor, ScanArgs.Builder.matches(pattern).limit(1000));
                for (String key : page.getKeys()) {
                    Map<String, String> h = redis().hgetall(key);
                    if (!h.isEmpty()) {
                        out.add(new RouterHeartbeat(key.substring(prefix.length()), h));
                    }
                }
                cursor = page;
            } while (!cursor.isFinished());
        } catch (RuntimeException e) {
            throw link.failure("reading the router heartbeats of " + migration, e);
        }
        out.sort((x, y) -> x.instance().compareTo(y.instance()));
        return out;
    }

    /** Removes a key (the {@link ControlKeys#routersSeen()} mark, when a migration is declared sync-only); whether it existed. */
    public boolean delete(String key) {
        try {
            return redis().del(key) > 0;
        } catch (RuntimeException e) {
            throw link.failure("deleting " + key, e);
        }
    }

    /** A hash of a component (backfill summary, latest verification), empty if absent. */
    public Map<String, String> hash(String key) {
        try {
            return redis().hgetall(key);
        } catch (RuntimeException e) {
            throw link.failure("reading " + key, e);
        }
    }

    /** Length of a stream (the failed-write queue), 0 if absent. */
    public long streamLength(String key) {
        try {
            return redis().xlen(key);
        } catch (RuntimeException e) {
            throw link.failure("reading " + key, e);
        }
    }

    /**
     * The time part of a stream's last generated id (epoch ms of the last entry ever added, kept
     * when entries are deleted, as the failed-write queue's are after replay); 0 when the stream
     * does not exist.
     */
    public long streamLastIdMillis(String key) {
        try {
            if (redis().exists(key) == 0) {
                return 0;
            }
            List<Object> info = redis().xinfoStream(key);
            for (int i = 0; i + 1 < info.size(); i += 2) {
                if ("last-generated-id".equals(String.valueOf(info.get(i)))) {
                    String id = String.valueOf(info.get(i + 1));
                    int dash = id.indexOf('-');
                    return Long.parseLong(dash < 0 ? id : id.substring(0, dash));
                }
            }
            return 0;
        } catch (NumberFormatException e) {
            return 0;
        } catch (RuntimeException e) {
            throw link.failure("reading " + key, e);
        }
    }

    /** Server time in epoch milliseconds (one clock for every console and router). */
    public long serverTimeMillis() {
        try {
            List<String> t = redis().time();
            return Long.parseLong(t.get(0)) * 1000 + Long.parseLong(t.get(1)) / 1000;
        } catch (RuntimeException e) {
            return Instant.now().toEpochMilli();
        }
    }

    private void seen(ControlState s) {
        seen(s, 0);
    }

    private void seen(ControlState s, long createdAt) {
        if (s.version() <= 0) {
            return;
        }
        lastSeen.accumulateAndGet(s, (old, n) -> old == null || n.version() > old.version() ? n : old);
        if (cache != null) {
            cache.remember(s, createdAt);
        }
    }

    static ControlState withVersion(ControlState s, long version) {
        return new ControlState(s.phase(), s.writeTarget(), s.readPercent(), s.shadowSampleRate(), s.routingSalt(), version);
    }

    private RedisCommands<String, String> redis() {
        return link.sync();
    }

    private static List<String> values(List<KeyValue<String, String>> kvs) {
        List<String> out = new ArrayList<>(kvs.size());
        for (KeyValue<String, String> kv : kvs) {
            out.add(kv.hasValue() ? kv.getValue() : null);
        }
        return out;
    }

    static String globEscape(String s) {
        return s.replaceAll("([*?\\[\\]\\\\])", "\\\\$1");
    }
}
