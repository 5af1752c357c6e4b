package dev.cutover.demo;

/**
 * The deliberate oddities the sample data contains, each in a known number of rows, and
 * whether the correct plan ({@code plan.json}) brings the row back unchanged through its
 * reverse mappings. The plan check's round-trip report must list exactly the rows of the
 * kinds that don't.
 */
public enum EdgeCase {
    /** "Cher": no last name (last_name NULL). */
    SINGLE_NAME("users", true),
    /** "Mary Ann Smith": first name up to the first space, the rest is the last name. */
    MULTI_WORD_NAME("users", true),
    /** "Łukasz Żółć", "山田 太郎": non-ASCII letters. */
    UNICODE_NAME("users", true),
    /** "Conan O'Brien", "Jean-Luc Picard", Robert "Bobby" Tables: quotes and hyphens. */
    PUNCTUATED_NAME("users", true),
    /** "John  Smith", " Alice Jones", "Bob Brown ", "Ann\tLee": cleaned by the split, so not round-trippable. */
    IRREGULAR_SPACING_NAME("users", false),
    /** {"priority": "high"}: a word where a number is expected; breaks {@code (metadata->>'priority')::int}. */
    PRIORITY_WORD("orders", false),
    /** {"shipping_method": ...} absent (digital goods): shipping_method NULL. */
    NO_SHIPPING_METHOD("orders", true),
    /** priority absent: priority NULL. */
    NO_PRIORITY("orders", true),
    /** 0.29, 1.15, 4.35, 19.99, 8.2: whole cents whose float times 100 falls just below the integer (trunc gets them wrong). */
    FLOAT_ARTEFACT_AMOUNT("orders", true),
    /** 1.005, 0.125, 2.675: fractions of a cent (the $0.01 rounding errors); no integer of cents holds them. */
    SUB_CENT_AMOUNT("orders", false),
    /** 0.30000000000000004: a legacy float sum; rounds to 30 cents, comes back as 0.3, a different float. */
    FLOAT_SUM_AMOUNT("orders", false);

    private final String table;
    private final boolean roundTrips;

    EdgeCase(String table, boolean roundTrips) {
        this.table = table;
        this.roundTrips = roundTrips;
    }

    /** The old table the rows are in. */
    public String table() {
        return table;
    }

    /** True when plan.json's forward-then-reverse brings the row back equal. */
    public boolean roundTrips() {
        return roundTrips;
    }
}
