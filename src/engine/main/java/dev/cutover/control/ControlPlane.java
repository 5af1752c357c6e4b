package dev.cutover.control;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * What may change in the control state, and how (the console and the commands both go through
 * here). Every change is a compare-and-set on the version the caller decided on ({@code seen}):
 * if anyone changed the state since, the change fails with {@link ConflictException} instead of
 * overwriting theirs.
 *
 * <p>Rules:
 * <ul>
 * <li>A phase move sets {@code write_target} to the phase's write target.</li>
 * <li>Forward moves need the exit conditions of every phase left ({@link Guards}); a refused
 *     move goes through only with {@code override} and a reason, and the overridden guards are
 *     written to the audit entry. Backward moves (rollback) are always allowed.</li>
 * <li>{@code read_percent}: 0 below traffic_shift; 100 at new_primary and cleanup; entering
 *     traffic_shift from below starts at 0, from above (a rollback) keeps 100 — reads stay on
 *     the new side until the DBA ramps them down.</li>
 * <li>{@code shadow_sample_rate}: entering shadow_read or traffic_shift with a rate of 0 sets
 *     {@link #DEFAULT_SAMPLE_RATE}; otherwise moves keep it.</li>
 * <li>Traffic moves only in traffic_shift, in {@link TrafficSteps} (up one step at a time, down
 *     to any step; anything else with override).</li>
 * <li>The first change of a migration draws a random {@code routing_salt}.</li>
 * <li>No change while Redis has lost the state ({@link StateLostException}); {@link #restore}
 *     puts it back explicitly.</li>
 * </ul>
 */
public final class ControlPlane {
    /** Sample rate set when shadow reads start and none was chosen: 1 % of reads. */
    public static final double DEFAULT_SAMPLE_RATE = 0.01;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ControlStore store;
    private final Guards guards;

    public ControlPlane(ControlStore store, GuardSettings settings) {
        this(store, new Guards(store, settings));
    }

    public ControlPlane(ControlStore store, Guards guards) {
        this.store = store;
        this.guards = guards;
    }

    public ControlStore store() {
        return store;
    }

    public Guards guards() {
        return guards;
    }

    /** The checks a move from {@code state} to {@code to} must pass now (empty backward). */
    public List<GuardCheck> checksFor(ControlState state, Phase to) {
        return to.ordinal() > state.phase().ordinal() ? guards.forMove(state, to) : List.of();
    }

    /**
     * Moves to phase {@code to}. Forward moves with a failed guard throw
     * {@link GuardRefusedException} unless {@code override} (which needs a reason).
     */
    public ControlState movePhase(ControlState seen, Phase to, Actor who, String why, boolean override) {
        ControlState now = current(seen);
        if (to == now.phase()) {
            return now;
        }
        return apply(decide(now, to, why, override, c -> false), who, ControlStore.ACTION_PHASE, why);
    }

    /**
     * A move to {@code to} as the guards decide it now, from {@code seen}: which checks ran, which
     * failed ones an override passes. For an action that checks the move before it runs and
     * records it after ({@code flip-writes}: checked before the write pause, recorded after SWITCH
     * NOW), with {@link #apply(Decision, Actor, String, String)}.
     *
     * @param waived checks the caller meets itself (shown, never refusing), e.g. the write flip's own
     *               catch-up for {@link Guards#SYNC_CAUGHT_UP}
     * @throws GuardRefusedException a forward move with a failed guard, without {@code override}
     */
    public Decision decide(ControlState seen, Phase to, String why, boolean override, Predicate<GuardCheck> waived) {
        ControlState now = current(seen);
        List<GuardCheck> checks = checksFor(now, to);
        List<GuardCheck> failed = checks.stream().filter(c -> !c.ok() && !waived.test(c)).toList();
        String overridden = "";
        if (!failed.isEmpty()) {
            String reasons = failed.stream().map(c -> c.name() + ": " + c.detail()).collect(Collectors.joining("; "));
            if (!override) {
                throw new GuardRefusedException("migration " + store.migration() + ": cannot move from "
                        + now.phase().wireName() + " to " + to.wireName() + ": " + reasons
                        + " (to move anyway: --override --reason \"why\")", failed);
            }
            requireReason(why);
            overridden = reasons;
        }
        return new Decision(now, to, checks, checks.stream().filter(waived).toList(), overridden);
    }

    /**
     * A decided move: from {@code seen} to {@code to}; {@code checks} every guard evaluated,
     * {@code waived} those the caller meets itself, {@code overridden} the failed ones passed with
     * an override (empty when none).
     */
    public record Decision(ControlState seen, Phase to, List<GuardCheck> checks, List<GuardCheck> waived, String overridden) {
        /** The same decision over a newer state (the move is recorded over it; its guards are not asked again). */
        public Decision over(ControlState now) {
            return new Decision(now, to, checks, waived, overridden);
        }
    }

    /**
     * Records {@code d} as one compare-and-set on {@code d.seen()}, audited as {@code action}; a
     * move to the phase it is in writes the same state at the next version (the audit entry says
     * what was done). Throws {@link ConflictException} when the state changed since.
     */
    public ControlState apply(Decision d, Actor who, String action, String why) {
        ControlState now = d.seen();
        Phase to = d.to();
        ControlState next = ensureSalt(to == now.phase() ? now
                : new ControlState(to, to.writeTarget(), readPercentAfterMove(now.phase(), to, now.readPercent()),
                        sampleRateAfterMove(to, now.shadowSampleRate()), now.routingSalt(), now.version()));
        return store.apply(now, next, who, action, why, !d.overridden().isEmpty(), d.overridden());
    }

    /** Shifts {@code read_percent} (traffic_shift only; steps per {@link TrafficSteps}, else override). */
    public ControlState setReadPercent(ControlState seen, int percent, Actor who, String why, boolean override) {
        if (percent < 0 || percent > 100) {
            throw new ControlException("read percent must be 0..100, was " + percent);
        }
        ControlState now = current(seen);
        if (now.phase() != Phase.TRAFFIC_SHIFT) {
            throw new GuardRefusedException("migration " + store.migration() + ": reads are shifted only in phase traffic_shift (now "
                    + now.phase().wireName() + "); move there first with cutover phase traffic_shift", List.of());
        }
        if (percent == now.readPercent()) {
            return now;
        }
        String refusal = TrafficSteps.refusal(now.readPercent(), percent);
        if (refusal != null) {
            if (!override) {
                throw new GuardRefusedException("migration " + store.migration() + ": " + refusal
                        + " (to set it anyway: --override --reason \"why\")", List.of());
            }
            requireReason(why);
        }
        ControlState next = ensureSalt(new ControlState(now.phase(), now.writeTarget(), percent, now.shadowSampleRate(),
                now.routingSalt(), now.version()));
        return store.apply(now, next, who, ControlStore.ACTION_TRAFFIC, why, refusal != null, refusal == null ? "" : refusal);
    }

    /** The watchdog's automatic ramp-down to {@code percent}, audited as {@code ramp_down}. */
    public ControlState rampDown(ControlState seen, int percent, String why) {
        ControlState now = current(seen);
        if (now.phase() != Phase.TRAFFIC_SHIFT || percent >= now.readPercent()) {
            return now;
        }
        ControlState next = new ControlState(now.phase(), now.writeTarget(), percent, now.shadowSampleRate(), now.routingSalt(),
                now.version());
        return store.apply(now, next, Actor.watchdog(), ControlStore.ACTION_RAMP_DOWN, why, false, "");
    }

    /** Sets the fraction of reads shadow-compared (0.0..1.0), in any phase. */
    public ControlState setSampleRate(ControlState seen, double rate, Actor who, String why) {
        if (!(rate >= 0.0 && rate <= 1.0)) {
            throw new ControlException("shadow sample rate must be 0.0..1.0, was " + rate);
        }
        ControlState now = current(seen);
        if (rate == now.shadowSampleRate()) {
            return now;
        }
        ControlState next = ensureSalt(new ControlState(now.phase(), now.writeTarget(), now.readPercent(), rate,
                now.routingSalt(), now.version()));
        return store.apply(now, next, who, ControlStore.ACTION_SAMPLE_RATE, why, false, "");
    }

    /**
     * Puts back a state Redis lost, at phase {@code phase}: read percent, sample rate, routing
     * salt and creation time from the last state known (the witness in the new database, memory or
     * the local cache) where there is one, the version above every version seen (by this client,
     * the witness or a router). Onto an empty Redis, or over what Redis holds when it is known
     * lost (an older snapshot, or a state started over after the loss). Refused when Redis holds
     * a state that is not lost. Needs a reason; audited as {@code restore}.
     */
    public ControlState restore(Phase phase, Actor who, String why) {
        requireReason(why);
        ControlView view = store.view();
        if (!view.isLost() && view.state().version() > 0) {
            throw new ControlException("migration " + store.migration() + " has a control state (version " + view.state().version()
                    + ", phase " + view.state().phase().wireName() + "); there is nothing to restore");
        }
        long replacing = view.isLost() ? view.state().version() : 0;
        return store.restore(restoring(view, phase), view.lastKnownCreatedAt(), replacing, who, why);
    }

    /**
     * The state {@link #restore} writes at {@code phase} over what {@code view} shows: read percent,
     * sample rate and routing salt of the last state known (read percent as a move to {@code phase}
     * sets it when that is another phase), the version above every version seen. Reads the router
     * heartbeats; changes nothing (the console shows it before asking).
     */
    public ControlState restoring(ControlView view, Phase phase) {
        ControlState known = view.lastKnown();
        long routerVersion = store.routers().stream().mapToLong(RouterHeartbeat::version).max().orElse(0);
        long version = Math.max(Math.max(known == null ? 0 : known.version(), routerVersion), view.state().version()) + 1;
        Phase from = known == null ? Phase.PLANNING : known.phase();
        int read = known != null && known.phase() == phase ? known.readPercent()
                : readPercentAfterMove(from, phase, known == null ? 0 : known.readPercent());
        double rate = sampleRateAfterMove(phase, known == null ? 0.0 : known.shadowSampleRate());
        String salt = known == null || known.routingSalt().isEmpty() ? newSalt() : known.routingSalt();
        return new ControlState(phase, phase.writeTarget(), read, rate, salt, version);
    }

    /**
     * The phase a lost state is restored at, as its message's restore command names it: that of
     * the last state known, else the one the newest router heartbeat applies; null when neither says.
     */
    public Phase restorePhase(ControlView view) {
        return store.restorePhase(view.lastKnown());
    }

    /** {@code read_percent} after a phase move (see the class comment). */
    public static int readPercentAfterMove(Phase from, Phase to, int current) {
        if (to.ordinal() < Phase.TRAFFIC_SHIFT.ordinal()) {
            return 0;
        }
        if (to.ordinal() > Phase.TRAFFIC_SHIFT.ordinal()) {
            return 100;
        }
        if (from.ordinal() < Phase.TRAFFIC_SHIFT.ordinal()) {
            return 0;
        }
        return from == Phase.TRAFFIC_SHIFT ? current : 100;
    }

    /** {@code shadow_sample_rate} after a move to {@code to}. */
    public static double sampleRateAfterMove(Phase to, double current) {
        if ((to == Phase.SHADOW_READ || to == Phase.TRAFFIC_SHIFT) && current == 0.0) {
            return DEFAULT_SAMPLE_RATE;
        }
        return current;
    }

    /** The state now, checked: not lost, and still at the version the caller decided on. */
    private ControlState current(ControlState seen) {
        ControlView view = store.view();
        if (view.isLost()) {
            throw new StateLostException(view.lost());
        }
        if (view.state().version() == 0 && view.witnessFailed()) {
            throw new ControlException("migration " + store.migration() + ": Redis holds no control state, and whether it lost one"
                    + " cannot be told: " + store.witnessProblem() + "; nothing was changed");
        }
        if (seen != null && view.state().version() != seen.version()) {
            throw new ConflictException(store.migration(), seen.version(), view.state());
        }
        return view.state();
    }

    private static ControlState ensureSalt(ControlState s) {
        return s.routingSalt().isEmpty()
                ? new ControlState(s.phase(), s.writeTarget(), s.readPercent(), s.shadowSampleRate(), newSalt(), s.version()) : s;
    }

    static String newSalt() {
        byte[] b = new byte[8];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static void requireReason(String why) {
        if (why == null || why.isBlank()) {
            throw new ControlException("an override or restore needs a reason (--reason \"why\"); it goes to the audit log");
        }
    }
}
