package dev.cutover.verify;

import dev.cutover.pg.Db;
import dev.cutover.pg.DbException;
import dev.cutover.pg.Sql;

import java.math.BigInteger;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The exact comparison of one whole table, pipelined so that neither database waits for the
 * other: a walker thread cuts the from side into key-ordered chunks ahead of the hashing; each
 * side's hashers take the chunks in turn on their own connections and never wait for the other
 * side; a chunk whose two hashes are in and differ goes to the resolver (its own pair of
 * connections), which bisects it down to the differing rows ({@link ChunkComparer}).
 */
final class TableWalk {
    private static final ChunkComparer.Range END = new ChunkComparer.Range(List.of(), List.of());
    private static final int AHEAD = 64;

    private record Item(long index, ChunkComparer.Range range) {
    }

    private final TableCheck table;
    private final Db fromDb;
    private final Db toDb;
    private final VerifyOptions options;
    private final VerifyListener listener;
    private final ChunkComparer.Sink sink;
    private final Tally tally;
    private final RateLimit limit;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
    private final ConcurrentHashMap<Long, Object[][]> halves = new ConcurrentHashMap<>();
    private final AtomicLong rows = new AtomicLong();

    TableWalk(TableCheck table, Db fromDb, Db toDb, VerifyOptions options, VerifyListener listener, ChunkComparer.Sink sink,
              Tally tally, RateLimit limit) {
        this.table = table;
        this.fromDb = fromDb;
        this.toDb = toDb;
        this.options = options;
        this.listener = listener;
        this.sink = sink;
        this.tally = tally;
        this.limit = limit;
    }

    /** Compares every row; returns the from side's row count. Throws on any failure, after stopping every thread. */
    long run(List<Side> opened) {
        int w = options.workers();
        List<BlockingQueue<Item>> queues = List.of(new LinkedBlockingQueue<>(AHEAD), new LinkedBlockingQueue<>(AHEAD));
        ExecutorService threads = Executors.newFixedThreadPool(2 * w + 1, r -> {
            Thread t = new Thread(r, "cutover-verify-" + table.name());
            t.setDaemon(true);
            return t;
        });
        ExecutorService resolver = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "cutover-verify-resolve");
            t.setDaemon(true);
            return t;
        });
        ExecutorService resolverTo = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "cutover-verify-resolve-to");
            t.setDaemon(true);
            return t;
        });
        try {
            Side walkSide = open(opened, fromDb);
            ChunkWalk walk = new ChunkWalk(table, walkSide, options.chunkRows());
            ChunkComparer[] resolve = new ChunkComparer[1];
            List<java.util.concurrent.Future<?>> running = new ArrayList<>();
            running.add(threads.submit(() -> guard(() -> produce(walk, queues))));
            for (int i = 0; i < w; i++) {
                Side from = open(opened, fromDb);
                Side to = open(opened, toDb);
                running.add(threads.submit(() -> guard(() -> hash(0, from, queues.get(0),
                        resolve, opened, resolver, resolverTo))));
                running.add(threads.submit(() -> guard(() -> hash(1, to, queues.get(1),
                        resolve, opened, resolver, resolverTo))));
            }
            for (java.util.concurrent.Future<?> f : running) {
                f.get();
            }
            resolver.shutdown();
            while (!resolver.awaitTermination(100, TimeUnit.MILLISECONDS)) {
                if (stop.get()) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("verification interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            failure.compareAndSet(null, new IllegalStateException(e.getCause()));
        } finally {
            stop.set(true);
            threads.shutdownNow();
            resolver.shutdownNow();
            resolverTo.shutdownNow();
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        return rows.get();
    }

    private interface Work {
        void run() throws SQLException, InterruptedException;
    }

    private void guard(Work work) {
        try {
            work.run();
        } catch (RuntimeException e) {
            failure.compareAndSet(null, e);
            stop.set(true);
        } catch (SQLException e) {
            failure.compareAndSet(null, new DbException("comparing " + table.name() + " failed: " + Sql.message(e), e));
            stop.set(true);
        } catch (InterruptedException e) {
            stop.set(true);
            Thread.currentThread().interrupt();
        }
    }

    private void produce(ChunkWalk walk, List<BlockingQueue<Item>> queues) throws InterruptedException {
        long index = 0;
        ChunkComparer.Range r;
        while (!stop.get() && (r = walk.next()) != null) {
            limit.acquire(options.chunkRows());
            Item item = new Item(index++, r);
            for (BlockingQueue<Item> q : queues) {
                put(q, item);
            }
        }
        for (BlockingQueue<Item> q : queues) {
            put(q, new Item(-1, END));
        }
    }

    private void put(BlockingQueue<Item> q, Item item) throws InterruptedException {
        while (!stop.get() && !q.offer(item, 100, TimeUnit.MILLISECONDS)) {
            // wait for a hasher to take one
        }
    }

    /** One side's hasher: hashes chunks back to back; the second half of a chunk's pair to arrive compares it. */
    private void hash(int slot, Side side, BlockingQueue<Item> queue, ChunkComparer[] resolve,
                      List<Side> opened, ExecutorService resolver, ExecutorService resolverTo) throws InterruptedException {
        while (!stop.get()) {
            Item item = queue.poll(100, TimeUnit.MILLISECONDS);
            if (item == null) {
                continue;
            }
            if (item.range() == END) {
                queue.put(item); // for this side's other hashers
                return;
            }
            ChunkComparer.Range r = item.range();
            String statement = slot == 0 ? table.sql().fromChunkHash(r.lower() != null, r.upper() != null)
                    : table.sql().toChunkHash(r.lower() != null, r.upper() != null);
            Object[] h = ChunkComparer.hashOne(table, side, statement, r);
            Object[][] pair = halves.compute(item.index(), (k, v) -> {
                Object[][] p = v == null ? new Object[2][] : v;
                p[slot] = h;
                return p;
            });
            if (pair[0] != null && pair[1] != null) {
                halves.remove(item.index());
                compared(r, new ChunkComparer.Hashes((long) pair[0][0], (BigInteger) pair[0][1], (long) pair[1][0],
                        (BigInteger) pair[1][1]), resolve, opened, resolver, resolverTo);
            }
        }
    }

    private void compared(ChunkComparer.Range r, ChunkComparer.Hashes h, ChunkComparer[] resolve, List<Side> opened,
                          ExecutorService resolver, ExecutorService resolverTo) {
        long done = rows.addAndGet(h.fromCount());
        if (!h.equal()) {
            resolver.submit(() -> guard(() -> {
                if (resolve[0] == null) {
                    resolve[0] = new ChunkComparer(table, open(opened, fromDb), open(opened, toDb), resolverTo,
                            options.leafRows(), sink);
                }
                resolve[0].resolve(r, h);
            }));
        }
        listener.progress(table.name(), done, table.estimate(), tally.total(table.name()));
    }

    private static Side open(List<Side> opened, Db db) {
        Side s = new Side(db);
        synchronized (opened) {
            opened.add(s);
        }
        return s;
    }
}
