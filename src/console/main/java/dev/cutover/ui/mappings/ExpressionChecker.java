package dev.cutover.ui.mappings;

import dev.cutover.check.ExpressionProbe;
import dev.cutover.pg.Db;
import dev.cutover.pg.Schema;
import dev.cutover.plan.TableRef;
import dev.cutover.sql.MappingSql;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The database's verdict on each mapping expression as you type: each (old table, new column and
 * its type, expression) is asked once of the old database through {@link ExpressionProbe} on one
 * read-only session kept open between checks, and remembered until {@link #forget}. No JavaFX:
 * the screen schedules the checks (debounced, on its executor); this class is tested alone.
 */
public final class ExpressionChecker implements AutoCloseable {
    /** What the database said of one expression. */
    public sealed interface Verdict {
        /** Not asked yet (or being asked). */
        record Unchecked() implements Verdict {
        }

        /** Parses, and casts to the column's type. */
        record Valid() implements Verdict {
        }

        /** The database's error, with its position. */
        record Invalid(String problem) implements Verdict {
        }

        Verdict UNCHECKED = new Unchecked();
        Verdict VALID = new Valid();
    }

    /** One expression to ask about: the old table it reads, the new column it fills. */
    public record Probe(TableRef source, Schema.Column target, String expr) {
        String key() {
            return source + "\u0000" + target.name() + "\u0000" + target.type() + "\u0000" + expr;
        }
    }

    private final Map<String, Verdict> verdicts = new ConcurrentHashMap<>();
    private final Object sessionLock = new Object();
    private Connection session;
    private Db sessionDb;

    /** The verdict known for {@code probe}, {@link Verdict#UNCHECKED} when not asked yet. */
    public Verdict verdict(Probe probe) {
        return verdicts.getOrDefault(probe.key(), Verdict.UNCHECKED);
    }

    /** The ones of {@code probes} not asked yet. */
    public List<Probe> unchecked(Collection<Probe> probes) {
        return probes.stream().filter(p -> !verdicts.containsKey(p.key())).distinct().toList();
    }

    /**
     * Asks the old database about each probe (blocking: call it off the UI thread) and remembers
     * the verdicts; returns them. A lost connection is thrown, not taken as the expression's fault.
     */
    public Map<Probe, Verdict> check(Db db, Collection<Probe> probes) throws SQLException {
        synchronized (sessionLock) {
            if (session == null || session.isClosed() || sessionDb != db || !session.isValid(2)) {
                closeSession();
                session = db.connectReadOnly();
                sessionDb = db;
            }
            Map<Probe, Verdict> out = new LinkedHashMap<>();
            for (Probe p : probes) {
                ExpressionProbe.Result r = ExpressionProbe.probe(session, p.source(), p.expr(), MappingSql.castFor(p.target()));
                if (!r.ok() && !session.isValid(2)) {
                    throw new SQLException("lost the connection to the old database: " + r.error(), "08006");
                }
                out.put(p, r.ok() ? Verdict.VALID : new Verdict.Invalid(r.describe()));
            }
            out.forEach((p, v) -> verdicts.put(p.key(), v));
            return out;
        }
    }

    /** Forgets every verdict (another old database, or "check again"). */
    public void forget() {
        verdicts.clear();
    }

    @Override
    public void close() {
        synchronized (sessionLock) {
            closeSession();
        }
    }

    private void closeSession() {
        if (session != null) {
            try {
                session.close();
            } catch (SQLException ignored) {
                // closing a broken connection
            }
            session = null;
        }
    }
}
