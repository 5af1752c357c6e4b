package dev.cutover.io;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Files that only their owner may read: logs (they hold failed rows' keys), cached control state,
 * connection profiles, spill files, exported difference lists. Folders are created 0700 and files
 * 0600 from the start (not chmod-ed after being written), and a file is replaced atomically so a
 * reader never sees half of it. On a file system without POSIX permissions the permissions are
 * left to it.
 */
public final class PrivateFiles {
    public static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");
    public static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");

    /** Writes the content of a file. */
    @FunctionalInterface
    public interface Content {
        void writeTo(Writer w) throws IOException;
    }

    private PrivateFiles() {
    }

    private static boolean posix(Path p) {
        return p.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    /**
     * Creates {@code dir} and any missing parents; each folder this call creates is 0700 (folders
     * that already exist keep their permissions, so {@code ~/.local} is never changed, but the
     * last one, {@code dir} itself, is made owner-only when it is ours).
     */
    public static Path createDirectories(Path dir) throws IOException {
        Path abs = createMissingDirectories(dir);
        restrict(abs, OWNER_DIR);
        return abs;
    }

    /**
     * Creates the folders of {@code dir} that are missing, each 0700, and leaves every folder that
     * exists as it is: a file written into a folder the user chose (an export into ~/Downloads)
     * must not change that folder's permissions.
     */
    public static Path createMissingDirectories(Path dir) throws IOException {
        Path abs = dir.toAbsolutePath();
        if (!Files.isDirectory(abs)) {
            Path parent = abs.getParent();
            if (parent != null) {
                createMissingDirectories(parent);
            }
            try {
                if (posix(abs)) {
                    Files.createDirectory(abs, PosixFilePermissions.asFileAttribute(OWNER_DIR));
                } else {
                    Files.createDirectory(abs);
                }
            } catch (FileAlreadyExistsException raced) {
                // another process made it at the same moment
            }
        }
        return abs;
    }

    /** Makes an existing file or folder owned by this user owner-only; leaves others' files alone. */
    public static void restrict(Path p, Set<PosixFilePermission> perms) {
        try {
            if (posix(p) && Files.exists(p)
                    && Files.getOwner(p).getName().equals(System.getProperty("user.name"))
                    && !Files.getPosixFilePermissions(p).equals(perms)) {
                Files.setPosixFilePermissions(p, perms);
            }
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            // best effort on a file we may not own; the folder around it is owner-only
        }
    }

    /** Creates (or truncates) {@code file} as an owner-only file, in an owner-only folder. */
    public static Path createFile(Path file) throws IOException {
        createDirectories(file.toAbsolutePath().getParent());
        if (!Files.exists(file)) {
            try {
                if (posix(file)) {
                    Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_FILE));
                } else {
                    Files.createFile(file);
                }
            } catch (FileAlreadyExistsException raced) {
                // fine
            }
        }
        restrict(file, OWNER_FILE);
        return file;
    }

    /**
     * Replaces {@code file} atomically with what {@code content} writes (UTF-8): a temporary file
     * beside it, created 0600, then moved over it. Missing folders are created 0700; a folder that
     * exists keeps its permissions (call {@link #createDirectories} first to make it owner-only).
     */
    public static void writeAtomically(Path file, Content content) throws IOException {
        Path abs = file.toAbsolutePath();
        Path dir = createMissingDirectories(abs.getParent());
        FileAttribute<?>[] attrs = posix(abs)
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_FILE)}
                : new FileAttribute<?>[0];
        Path tmp = Files.createTempFile(dir, "." + abs.getFileName(), ".tmp", attrs);
        try {
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING)) {
                content.writeTo(w);
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** {@link #writeAtomically(Path, Content)} of a string. */
    public static void writeAtomically(Path file, String text) throws IOException {
        writeAtomically(file, w -> w.write(text));
    }
}
