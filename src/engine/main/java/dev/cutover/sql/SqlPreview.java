package dev.cutover.sql;

import java.util.ArrayList;
import java.util.List;

/**
 * The statements the engine runs for one table mapping, titled and formatted for people: what the
 * console's live SQL preview shows and {@code cutover plan sql} prints. Built from the same
 * {@link Flow}s the engine executes, so the preview is never a second opinion.
 */
public final class SqlPreview {
    /** One titled statement: where it runs and the SQL. */
    public record Statement(String title, String runsOn, String sql) {
    }

    private SqlPreview() {
    }

    public static List<Statement> of(MappingSql m) {
        Flow f = m.forward();
        KeySql keys = KeySql.fromSide(f);
        List<Statement> out = new ArrayList<>();
        out.add(new Statement("Backfill / verify read: mapped rows of one key range", "old database",
                f.select(keys.range(true, true))));
        out.addAll(BackfillSql.preview(f));
        VerifySql verify = new VerifySql(f, VerifySql.Hash.RECORD, m.fromTypes(Direction.FORWARD));
        out.add(new Statement("Verify: hash of one key range after the mapping", "old database", verify.fromChunkHash(true, true)));
        out.add(new Statement("Verify: hash of the same key range", "new database", verify.toChunkHash(true, true)));
        out.add(new Statement("Repair / replay: write one row by key (forward)", "new database", SyncSql.upsert(f)));
        out.add(new Statement("Repair / replay: delete rows the old database no longer has", "new database",
                SyncSql.deleteByKeys(f, 1)));
        if (m.mapping().hasReverse()) {
            Flow r = m.reverse();
            out.add(new Statement("Rollback read (from new_primary on): rows mapped back through reverse", "new database",
                    r.select(KeySql.fromSide(r).range(true, true))));
            out.add(new Statement("Rollback write: one row by key (reverse)", "old database", SyncSql.upsert(r)));
        }
        return out;
    }

    /** All statements as one commented SQL text. */
    public static String text(MappingSql m) {
        StringBuilder b = new StringBuilder();
        for (Statement s : of(m)) {
            b.append("-- ").append(s.title()).append(" (runs on the ").append(s.runsOn()).append(")\n")
                    .append(s.sql()).append(";\n\n");
        }
        return b.toString();
    }
}
