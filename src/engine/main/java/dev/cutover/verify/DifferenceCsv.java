package dev.cutover.verify;

import dev.cutover.io.Csv;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;

/**
 * Writes differences as the mismatch CSV of docs/contracts.md: RFC 4180 (CRLF line ends; a field is
 * quoted when it holds a comma, a quote, CR or LF, quotes doubled), header
 * {@code table,key,kind,columns,source_row,target_row}. The console's export uses the same writer.
 */
public final class DifferenceCsv {
    public static final String HEADER = "table,key,kind,columns,source_row,target_row";

    private final Writer out;

    /** Writes the header at once. */
    public DifferenceCsv(Writer out) {
        this.out = out;
        line(HEADER);
    }

    public synchronized void write(Difference d) {
        line(String.join(",", field(d.table()), field(d.key().toString()), field(d.kind().wireName()),
                field(String.join(";", d.columns())),
                field(d.sourceRow() == null ? "" : d.sourceRow().toString()),
                field(d.targetRow() == null ? "" : d.targetRow().toString())));
    }

    public synchronized void flush() {
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One RFC 4180 field ({@link Csv#field}). */
    static String field(String s) {
        return Csv.field(s);
    }

    private void line(String s) {
        try {
            out.write(s);
            out.write("\r\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
