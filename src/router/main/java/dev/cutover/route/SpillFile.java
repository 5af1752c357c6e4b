package dev.cutover.route;

import dev.cutover.io.PrivateFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Failed mirror writes that could not be queued in Redis: append-only JSON lines in
 * {@code <dir>/failed-writes-<instance>.jsonl}, each forced to disk before {@link #append} returns,
 * drained into the stream when Redis is back and then truncated. Each router holds a lock on its
 * own file while it runs; files of routers that died are drained by the next router that starts
 * with the same directory. A crash between draining and truncating queues some entries twice,
 * which replay tolerates (it re-syncs by key).
 */
final class SpillFile implements AutoCloseable {
    private static final String PREFIX = "failed-writes-";
    private static final String SUFFIX = ".jsonl";

    private final Path dir;
    private final Path file;
    private FileChannel lockChannel;
    private FileLock lock;

    SpillFile(Path dir, String instanceId) {
        this.dir = dir;
        this.file = dir.resolve(PREFIX + instanceId.replaceAll("[^A-Za-z0-9._-]", "_") + SUFFIX);
        try {
            // the entries name rows by key: owner-only folder and files (0700, 0600)
            PrivateFiles.createDirectories(dir);
            PrivateFiles.createFile(lockOf(file));
            lockChannel = FileChannel.open(lockOf(file), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            lock = lockChannel.tryLock();
        } catch (IOException | OverlappingFileLockException e) {
            throw new IllegalStateException("cannot use the spill directory " + dir + ": " + e.getMessage(), e);
        }
    }

    Path path() {
        return file;
    }

    synchronized void append(FailedWrite w) {
        try {
            if (!Files.exists(file)) {
                PrivateFiles.createFile(file);
            }
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND)) {
                ByteBuffer b = ByteBuffer.wrap((w.toJsonLine() + "\n").getBytes(StandardCharsets.UTF_8));
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                ch.force(true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the spill file " + file + ": " + e.getMessage(), e);
        }
    }

    synchronized boolean isEmpty() {
        return isEmpty(file);
    }

    private static boolean isEmpty(Path f) {
        try {
            return !Files.exists(f) || Files.size(f) == 0;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Hands every spilled entry (this router's, then those of dead routers) to {@code sink} in order;
     * a file is truncated only when all its entries were taken. Returns how many were taken.
     */
    synchronized int drain(Consumer<FailedWrite> sink) {
        int n = drainFile(file, sink);
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, PREFIX + "*" + SUFFIX)) {
            for (Path other : ds) {
                if (!other.equals(file) && !isEmpty(other)) {
                    n += drainOrphan(other, sink);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the spill directory " + dir + ": " + e.getMessage(), e);
        }
        return n;
    }

    private int drainOrphan(Path other, Consumer<FailedWrite> sink) throws IOException {
        try (FileChannel lc = FileChannel.open(lockOf(other), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            FileLock l;
            try {
                l = lc.tryLock();
            } catch (OverlappingFileLockException e) {
                return 0;
            }
            if (l == null) {
                return 0;
            }
            try {
                return drainFile(other, sink);
            } finally {
                l.release();
            }
        }
    }

    private static int drainFile(Path f, Consumer<FailedWrite> sink) {
        if (isEmpty(f)) {
            return 0;
        }
        List<FailedWrite> all = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    all.add(FailedWrite.fromJsonLine(line));
                }
            }
            for (FailedWrite w : all) {
                sink.accept(w);
            }
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
                ch.truncate(0);
                ch.force(true);
            }
            return all.size();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot drain the spill file " + f + ": " + e.getMessage(), e);
        }
    }

    private static Path lockOf(Path f) {
        return f.resolveSibling(f.getFileName() + ".lock");
    }

    @Override
    public synchronized void close() {
        try {
            if (lock != null) {
                lock.release();
            }
            if (lockChannel != null) {
                lockChannel.close();
            }
        } catch (IOException e) {
            // closing a lock file cannot lose data
        }
    }
}
