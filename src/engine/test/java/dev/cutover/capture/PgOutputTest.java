package dev.cutover.capture;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The pgoutput messages as the protocol chapter lays them out, byte by byte (the real server's are in SyncTest). */
class PgOutputTest {
    private static ByteBuffer bytes(IoWriter w) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        w.write(new DataOutputStream(b));
        return ByteBuffer.wrap(b.toByteArray());
    }

    interface IoWriter {
        void write(DataOutputStream d) throws IOException;
    }

    private static void str(DataOutputStream d, String s) throws IOException {
        d.write(s.getBytes(StandardCharsets.UTF_8));
        d.write(0);
    }

    @Test
    void relationThenUpdateWithOldKeyAndUnchangedToastThenTruncate() throws IOException {
        PgOutput.Relation r = (PgOutput.Relation) PgOutput.decode(bytes(d -> {
            d.write('R');
            d.writeInt(16384);
            str(d, "public");
            str(d, "Line Item");
            d.write('d');
            d.writeShort(2);
            d.write(1);
            str(d, "id");
            d.writeInt(20);
            d.writeInt(-1);
            d.write(0);
            str(d, "note");
            d.writeInt(25);
            d.writeInt(-1);
        }));
        assertThat(r.table()).isEqualTo("Line Item");
        assertThat(r.columns()).extracting(PgOutput.Column::identity).containsExactly(true, false);
        assertThat(r.indexOf("note")).isEqualTo(1);

        PgOutput.Change u = (PgOutput.Change) PgOutput.decode(bytes(d -> {
            d.write('U');
            d.writeInt(16384);
            d.write('K');
            d.writeShort(2);
            d.write('t');
            d.writeInt(1);
            d.write('7');
            d.write('n');
            d.write('N');
            d.writeShort(2);
            d.write('t');
            byte[] v = "1000é".getBytes(StandardCharsets.UTF_8);
            d.writeInt(v.length);
            d.write(v);
            d.write('u');
        }));
        assertThat(u.op()).isEqualTo('U');
        assertThat(u.oldTuple().values()).containsExactly("7", null);
        assertThat(u.newTuple().values().get(0)).isEqualTo("1000é");
        assertThat(u.newTuple().kinds()).containsExactly(PgOutput.Kind.TEXT, PgOutput.Kind.UNCHANGED_TOAST);

        PgOutput.Truncate t = (PgOutput.Truncate) PgOutput.decode(bytes(d -> {
            d.write('T');
            d.writeInt(2);
            d.write(1);
            d.writeInt(16384);
            d.writeInt(16390);
        }));
        assertThat(t.relations()).isEqualTo(List.of(16384, 16390));
        assertThat(t.cascade()).isTrue();
        assertThat(t.restartIdentity()).isFalse();
    }

    @Test
    void commitTimesAreEpochMillisAndADeleteWithoutOldTupleIsRefused() throws IOException {
        long pgMicros = 100L * 86_400 * 1_000_000; // 2000-01-01 + 100 days
        PgOutput.Commit c = (PgOutput.Commit) PgOutput.decode(bytes(d -> {
            d.write('C');
            d.write(0);
            d.writeLong(0x1_0000_0010L);
            d.writeLong(0x1_0000_0040L);
            d.writeLong(pgMicros);
        }));
        assertThat(c.endLsn()).isEqualTo(0x1_0000_0040L);
        assertThat(java.time.Instant.ofEpochMilli(c.commitMillis()).toString()).isEqualTo("2000-04-10T00:00:00Z");
        assertThatThrownBy(() -> PgOutput.decode(bytes(d -> {
            d.write('D');
            d.writeInt(1);
            d.write('N');
        }))).hasMessageContaining("delete of relation 1 without its old tuple");
        assertThat(PgOutput.decode(bytes(d -> d.write('Y')))).isEqualTo(new PgOutput.Other('Y'));
    }
}
