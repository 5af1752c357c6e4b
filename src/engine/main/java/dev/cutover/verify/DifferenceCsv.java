package dev.cutover.verify;

import dev.cutover.io.CsvWriter;

import java.io.Writer;

/**
 * Writes differences as the mismatch CSV of docs/contracts.md through the project's one CSV writer
 * ({@link CsvWriter}: RFC 4180, CRLF), header {@code table,key,kind,columns,source_row,target_row}.
 * The command line's {@code --csv} and the console's export both reach it through
 * {@code dev.cutover.app.CsvExport}.
 */
public final class DifferenceCsv {
    public static final String HEADER = "table,key,kind,columns,source_row,target_row";

    private final CsvWriter csv;

    /** Writes the header at once. */
    public DifferenceCsv(Writer out) {
        this.csv = new CsvWriter(out, HEADER);
    }

    public void write(Difference d) {
        csv.row(d.table(), d.key().toString(), d.kind().wireName(), String.join(";", d.columns()),
                d.sourceRow() == null ? "" : d.sourceRow().toString(), d.targetRow() == null ? "" : d.targetRow().toString());
    }

    public void flush() {
        csv.flush();
    }

    /** One RFC 4180 field ({@link CsvWriter#field}). */
    static String field(String s) {
        return CsvWriter.field(s);
    }
}
