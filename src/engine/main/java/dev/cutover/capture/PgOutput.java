package dev.cutover.capture;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes the messages of PostgreSQL's built-in {@code pgoutput} plugin, protocol version 1 (the
 * "Logical Replication Message Formats" chapter of the PostgreSQL manual), as far as sync needs
 * them: transaction boundaries with their LSNs and commit time, the relation id → table and column
 * names (with the replica identity flag of each column), and per insert, update or delete the old
 * and new tuples as text values; truncate with its relation ids. Every other message (type, origin,
 * logical message) is {@link Other}. Values stay text: sync only takes the key columns from them.
 */
public final class PgOutput {
    private PgOutput() {
    }

    /** Microseconds between 1970-01-01 and PostgreSQL's epoch 2000-01-01. */
    private static final long PG_EPOCH_MICROS = 946_684_800_000_000L;

    /** One decoded message. */
    public sealed interface Message permits Begin, Commit, Relation, Change, Truncate, Other {
    }

    /** {@code B}: a transaction's final LSN and commit time (epoch milliseconds). */
    public record Begin(long finalLsn, long commitMillis, int xid) implements Message {
    }

    /** {@code C}: the commit LSN, the end LSN (what a subscriber confirms), commit time (epoch milliseconds). */
    public record Commit(long commitLsn, long endLsn, long commitMillis) implements Message {
    }

    /** A column of a {@link Relation}: its name and whether it is part of the replica identity. */
    public record Column(String name, boolean identity, int typeOid) {
    }

    /** {@code R}: what a relation id means from now on in this stream. */
    public record Relation(int oid, String schema, String table, char replicaIdentity, List<Column> columns) implements Message {
        public int indexOf(String column) {
            for (int i = 0; i < columns.size(); i++) {
                if (columns.get(i).name().equals(column)) {
                    return i;
                }
            }
            return -1;
        }
    }

    /** What a column of a tuple holds. */
    public enum Kind { NULL, UNCHANGED_TOAST, TEXT }

    /** A tuple: per column its kind and, for {@link Kind#TEXT}, its text. */
    public record Tuple(List<Kind> kinds, List<String> values) {
        public int size() {
            return kinds.size();
        }
    }

    /**
     * {@code I}, {@code U}, {@code D}: {@code op} is 'I', 'U' or 'D'; {@code oldTuple} is the
     * replica identity ({@code K}) or the whole old row ({@code O}) where the server sends one (an
     * update that changed the identity, or any update under REPLICA IDENTITY FULL; every delete),
     * else null; {@code newTuple} is null for a delete.
     */
    public record Change(char op, int relation, Tuple oldTuple, Tuple newTuple) implements Message {
    }

    /** {@code T}: the relations truncated in one statement; {@code cascade} and {@code restartIdentity} from its options. */
    public record Truncate(List<Integer> relations, boolean cascade, boolean restartIdentity) implements Message {
    }

    /** A message sync has no use for. */
    public record Other(char type) implements Message {
    }

    /** Decodes one message from {@code buf} (its position at the message's first byte). */
    public static Message decode(ByteBuffer buf) {
        char type = (char) buf.get();
        switch (type) {
            case 'B': {
                long finalLsn = buf.getLong();
                long ts = buf.getLong();
                int xid = buf.getInt();
                return new Begin(finalLsn, millis(ts), xid);
            }
            case 'C': {
                buf.get(); // flags, unused
                long commitLsn = buf.getLong();
                long endLsn = buf.getLong();
                long ts = buf.getLong();
                return new Commit(commitLsn, endLsn, millis(ts));
            }
            case 'R': {
                int oid = buf.getInt();
                String schema = string(buf);
                String table = string(buf);
                char identity = (char) buf.get();
                int n = Short.toUnsignedInt(buf.getShort());
                List<Column> cols = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    boolean key = (buf.get() & 1) != 0;
                    String name = string(buf);
                    int typeOid = buf.getInt();
                    buf.getInt(); // atttypmod
                    cols.add(new Column(name, key, typeOid));
                }
                return new Relation(oid, schema, table, identity, List.copyOf(cols));
            }
            case 'I': {
                int rel = buf.getInt();
                expect(buf, 'N', type);
                return new Change('I', rel, null, tuple(buf));
            }
            case 'U': {
                int rel = buf.getInt();
                char next = (char) buf.get();
                Tuple old = null;
                if (next == 'K' || next == 'O') {
                    old = tuple(buf);
                    next = (char) buf.get();
                }
                if (next != 'N') {
                    throw new IllegalStateException("pgoutput: update of relation " + rel + " without its new tuple ('" + next + "')");
                }
                return new Change('U', rel, old, tuple(buf));
            }
            case 'D': {
                int rel = buf.getInt();
                char kind = (char) buf.get();
                if (kind != 'K' && kind != 'O') {
                    throw new IllegalStateException("pgoutput: delete of relation " + rel + " without its old tuple ('" + kind + "')");
                }
                return new Change('D', rel, tuple(buf), null);
            }
            case 'T': {
                int n = buf.getInt();
                int options = buf.get();
                List<Integer> rels = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    rels.add(buf.getInt());
                }
                return new Truncate(List.copyOf(rels), (options & 1) != 0, (options & 2) != 0);
            }
            default:
                return new Other(type);
        }
    }

    private static void expect(ByteBuffer buf, char want, char msg) {
        char got = (char) buf.get();
        if (got != want) {
            throw new IllegalStateException("pgoutput: message '" + msg + "' has '" + got + "' where '" + want + "' belongs");
        }
    }

    private static Tuple tuple(ByteBuffer buf) {
        int n = Short.toUnsignedInt(buf.getShort());
        Kind[] kinds = new Kind[n];
        int[] at = new int[n];
        int[] len = new int[n];
        byte[] bytes = buf.hasArray() ? buf.array() : null;
        int base = buf.hasArray() ? buf.arrayOffset() : 0;
        for (int i = 0; i < n; i++) {
            char k = (char) buf.get();
            switch (k) {
                case 'n' -> kinds[i] = Kind.NULL;
                case 'u' -> kinds[i] = Kind.UNCHANGED_TOAST;
                case 't' -> {
                    kinds[i] = Kind.TEXT;
                    len[i] = buf.getInt();
                    if (len[i] < 0 || len[i] > buf.remaining()) {
                        throw new IllegalStateException("pgoutput: a tuple value of " + len[i] + " bytes where " + buf.remaining() + " remain");
                    }
                    at[i] = base + buf.position();
                    buf.position(buf.position() + len[i]);
                }
                default -> throw new IllegalStateException("pgoutput: unknown tuple column kind '" + k + "'");
            }
        }
        if (bytes == null) { // not array-backed: keep a copy of the tuple's bytes
            int end = buf.position();
            bytes = new byte[end];
            buf.get(0, bytes);
        }
        return new Tuple(List.of(kinds), new Values(bytes, kinds, at, len));
    }

    /**
     * A tuple's values, each decoded only when read: sync reads the key columns of a change and
     * nothing else (it re-reads the row by key), so the other columns' text (a jsonb document, a
     * long description) is never turned into a String. Holds the message's bytes.
     */
    private static final class Values extends java.util.AbstractList<String> implements java.util.RandomAccess {
        private final byte[] bytes;
        private final Kind[] kinds;
        private final int[] at;
        private final int[] len;

        Values(byte[] bytes, Kind[] kinds, int[] at, int[] len) {
            this.bytes = bytes;
            this.kinds = kinds;
            this.at = at;
            this.len = len;
        }

        @Override
        public String get(int i) {
            return kinds[i] == Kind.TEXT ? new String(bytes, at[i], len[i], StandardCharsets.UTF_8) : null;
        }

        @Override
        public int size() {
            return kinds.length;
        }
    }

    /** A NUL-terminated string (the server's encoding: sync's connections ask for UTF-8). */
    private static String string(ByteBuffer buf) {
        int start = buf.position();
        int end = start;
        while (buf.get(end) != 0) {
            end++;
        }
        byte[] b = new byte[end - start];
        buf.get(b);
        buf.get(); // the NUL
        return new String(b, StandardCharsets.UTF_8);
    }

    private static long millis(long pgMicros) {
        return (pgMicros + PG_EPOCH_MICROS) / 1000;
    }
}
