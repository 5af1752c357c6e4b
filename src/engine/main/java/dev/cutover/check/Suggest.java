package dev.cutover.check;

import dev.cutover.pg.Schema;
import dev.cutover.plan.SqlNames;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Edit distance for "did you mean" hints, and column mapping suggestions ({@link #mappings}): for
 * the unmapped columns of a new table, the old column of the same name, else of the same name
 * ignoring case and underscores, else the closest name by edit distance (at most 2) — always only
 * when the types are compatible and the old column is not used yet. Proposals are bare quoted
 * column references. The console's Suggest button calls it; it is domain logic, not the screen's.
 */
public final class Suggest {
    private Suggest() {
    }

    /** Levenshtein distance. */
    public static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /** target column → expr, in the new table's column order. */
    public static Map<String, String> mappings(Schema.Table oldTable, Schema.Table newTable, Set<String> mappedTargets,
                                              Set<String> usedSources) {
        Map<String, String> out = new LinkedHashMap<>();
        Set<String> used = new HashSet<>(usedSources);
        for (Schema.Column t : newTable.columns()) {
            if (mappedTargets.contains(t.name()) || t.generated()) {
                continue;
            }
            Schema.Column best = null;
            int bestScore = Integer.MAX_VALUE;
            for (Schema.Column s : oldTable.columns()) {
                if (used.contains(s.name()) || !compatible(s, t)) {
                    continue;
                }
                int score = score(s.name(), t.name());
                if (score < bestScore) {
                    bestScore = score;
                    best = s;
                }
            }
            if (best != null && bestScore <= 3) {
                out.put(t.name(), SqlNames.quote(best.name()));
                used.add(best.name());
            }
        }
        return out;
    }

    /** 0 same name, 1 same ignoring case and underscores, 1 + distance for close names, else large. */
    static int score(String a, String b) {
        if (a.equals(b)) {
            return 0;
        }
        String na = a.toLowerCase(Locale.ROOT).replace("_", "").replace(" ", "");
        String nb = b.toLowerCase(Locale.ROOT).replace("_", "").replace(" ", "");
        if (na.equals(nb)) {
            return 1;
        }
        if (Math.min(na.length(), nb.length()) < 4) {
            return Integer.MAX_VALUE;
        }
        int d = distance(na, nb);
        return d <= 2 ? 1 + d : Integer.MAX_VALUE;
    }

    /** Same base type, or both of one family where an implicit widening or a plain cast is safe. */
    static boolean compatible(Schema.Column s, Schema.Column t) {
        if (s.baseType().equals(t.baseType())) {
            return true;
        }
        String fs = family(s.baseType());
        return fs != null && fs.equals(family(t.baseType())) && !narrowing(s.baseType(), t.baseType());
    }

    private static final List<String> INTEGERS = List.of("smallint", "integer", "bigint", "numeric");

    private static boolean narrowing(String from, String to) {
        int a = INTEGERS.indexOf(from);
        int b = INTEGERS.indexOf(to);
        return a >= 0 && b >= 0 && b < a;
    }

    private static String family(String type) {
        return switch (type) {
            case "smallint", "integer", "bigint", "numeric", "real", "double precision" -> "number";
            case "text", "character varying", "character", "citext", "name" -> "text";
            case "timestamp without time zone", "timestamp with time zone" -> "timestamp";
            case "json", "jsonb" -> "json";
            default -> null;
        };
    }

    /** Old columns referenced as bare columns by the mappings (to avoid proposing them twice). */
    public static Set<String> referenced(List<String> exprs) {
        Set<String> out = new HashSet<>();
        for (String e : exprs) {
            SqlNames.referencedColumn(e).ifPresent(out::add);
        }
        return new HashSet<>(new ArrayList<>(out));
    }
}
