package dev.cutover.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.List;

/**
 * The one CSV writer of the project (the mismatch CSV of verify and the console's exports,
 * docs/contracts.md): RFC 4180, CRLF line ends, a field quoted when it holds a comma, a quote, CR
 * or LF, quotes doubled. Rows are written whole under a lock, so several threads may share one.
 * jackson-dataformat-csv is not a dependency; this is small enough to own.
 */
public final class CsvWriter {
    private final Writer out;

    /** Writes {@code header} (its columns, comma-separated, already plain names) at once. */
    public CsvWriter(Writer out, String header) {
        this.out = out;
        line(header);
    }

    /** One row; null fields are written empty. */
    public synchronized void row(String... fields) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < fields.length; i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append(field(fields[i]));
        }
        line(b.toString());
    }

    /** One row of a list. */
    public void row(List<String> fields) {
        row(fields.toArray(String[]::new));
    }

    public synchronized void flush() {
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One RFC 4180 field. */
    public static String field(String s) {
        if (s == null) {
            return "";
        }
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\r') < 0 && s.indexOf('\n') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }

    private synchronized void line(String s) {
        try {
            out.write(s);
            out.write("\r\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
