package dev.cutover.io;

import java.io.IOException;
import java.io.Writer;

/**
 * CSV as docs/contracts.md writes it (the mismatch CSV, the shadow samples' export): RFC 4180,
 * CRLF line ends, a field quoted when it holds a comma, a quote, CR or LF, quotes doubled.
 */
public final class Csv {
    private Csv() {
    }

    /** One field, quoted only when it must be. */
    public static String field(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\r') < 0 && s.indexOf('\n') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }

    /** One record: the fields, each through {@link #field}, separated by commas and ended by CRLF. */
    public static void writeRecord(Writer out, String... fields) throws IOException {
        for (int i = 0; i < fields.length; i++) {
            if (i > 0) {
                out.write(',');
            }
            out.write(field(fields[i]));
        }
        out.write("\r\n");
    }
}
