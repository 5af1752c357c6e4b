package dev.cutover.verify;

import dev.cutover.plan.Expressions;
import dev.cutover.sql.Flow;
import dev.cutover.sql.VerifySql;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * In reverse, what tells a lossy reverse mapping from a lost write. A plan whose forward mapping
 * loses information (10.555 becomes 1056 cents) cannot give the old value back through
 * {@code reverse} (10.56), so a reverse comparison finds such rows different although nothing was
 * lost: the old row still maps forward exactly onto the new row. A differing row counts as
 * <em>lossy</em>, not as a difference, only when
 * <ul>
 * <li>the forward comparison of the same key finds the old row after the forward mapping equal to
 * the new row in every forward-mapped column, and</li>
 * <li>every new column that the reverse mappings of the differing old columns read is one of those
 * forward-mapped columns (else a write to it on the new side would not show in the forward
 * comparison, and the row stays a difference).</li>
 * </ul>
 * Such a row is then exactly what the new row came from: rolling back to it loses nothing the plan
 * can carry, and a repair must not overwrite the old original with the rounded value.
 */
record RoundTrip(Flow forward, VerifySql sql, Map<String, Set<String>> readsOf) {

    /**
     * {@code reverse} is the direction's flow, {@code forward} the same table's forward flow and its
     * statements, {@code newColumns} the new table's columns (what an expression's identifiers are
     * matched against: function names, types and keywords are no columns).
     */
    static RoundTrip of(Flow reverse, Flow forward, VerifySql forwardSql, Set<String> newColumns) {
        Map<String, Set<String>> reads = reverse.columns().stream().collect(Collectors.toMap(Flow.Projected::toColumn,
                p -> Expressions.identifiers(p.expr()).stream().filter(newColumns::contains).collect(Collectors.toSet()), (a, b) -> a));
        return new RoundTrip(forward, forwardSql, Map.copyOf(reads));
    }

    /** Whether a forward comparison can speak for these differing old columns (see the class comment). */
    boolean covers(List<String> differingOldColumns) {
        Set<String> compared = new HashSet<>(forward.toColumns());
        for (String c : differingOldColumns) {
            Set<String> reads = readsOf.get(c);
            if (reads == null || reads.isEmpty() || !compared.containsAll(reads)) {
                return false;
            }
        }
        return true;
    }

    RowDiff rowDiff() {
        return new RowDiff(forward.to().table(), sql.toKeyNames(), forward.toColumns());
    }

    int keys() {
        return forward.key().size();
    }

    int columns() {
        return forward.columns().size();
    }
}
