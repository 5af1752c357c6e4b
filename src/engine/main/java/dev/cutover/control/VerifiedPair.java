package dev.cutover.control;

import dev.cutover.control.ControlKeys.Verify;
import dev.cutover.pg.Db;
import dev.cutover.pg.DbIdentity;
import dev.cutover.plan.Plan;
import dev.cutover.plan.PlanFile;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a verification was of: the old and the new database ({@link DbIdentity}, not the host
 * and port they were reached by) and the plan ({@link #planHash}). Recorded with every
 * verification result; the phase guard accepts a verification only when it is of the databases
 * and plan the guard's evaluator is connected to. Any part may be null: not recorded (a result
 * from an older version) or, on the evaluating side, not known (no connection given).
 */
public record VerifiedPair(DbIdentity oldDb, DbIdentity newDb, String planHash) {
    /** Nothing known. */
    public static final VerifiedPair UNKNOWN = new VerifiedPair(null, null, null);

    /** Identifies both databases (one short connection each) and hashes the plan. */
    public static VerifiedPair of(Plan plan, Db oldDb, Db newDb) {
        return new VerifiedPair(DbIdentity.of(oldDb), DbIdentity.of(newDb), planHash(plan));
    }

    /** {@code sha256:<64 hex>} of the plan's canonical JSON ({@link PlanFile#toJson}): layout and key order do not matter. */
    public static String planHash(Plan plan) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(PlanFile.toJson(plan).getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The fields of the verification summary hash ({@link Verify#OLD_DB}, {@link Verify#NEW_DB}, {@link Verify#PLAN_HASH}). */
    public Map<String, String> fields() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(Verify.OLD_DB, oldDb == null ? "" : oldDb.wire());
        m.put(Verify.NEW_DB, newDb == null ? "" : newDb.wire());
        m.put(Verify.PLAN_HASH, planHash == null ? "" : planHash);
        return m;
    }

    /** Reads the fields back (absent or empty fields give null parts). */
    public static VerifiedPair fromFields(Map<String, String> h) {
        String plan = h.get(Verify.PLAN_HASH);
        return new VerifiedPair(DbIdentity.fromWire(h.get(Verify.OLD_DB)), DbIdentity.fromWire(h.get(Verify.NEW_DB)),
                plan == null || plan.isEmpty() ? null : plan);
    }

    /** {@code sha256:0123456789ab} (the first 12 hex digits), for messages. */
    public static String shortHash(String hash) {
        return hash == null ? "none" : hash.length() > 19 ? hash.substring(0, 19) : hash;
    }

    /** {@code old database "a" (oid …) of cluster …, new database "b" (…), plan sha256:0123456789ab}. */
    public String describe() {
        return "old " + (oldDb == null ? "database not recorded" : oldDb.describe()) + ", new "
                + (newDb == null ? "database not recorded" : newDb.describe()) + ", plan " + (planHash == null ? "not recorded" : shortHash(planHash));
    }
}
