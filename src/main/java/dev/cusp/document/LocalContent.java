package dev.cusp.document;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Instant;

/**
 * This site's copy of the practices' files as replication sees it: whether a hash is here,
 * where its bytes are, and the one way a fetched file enters the store: fully received,
 * hashed to its name, fsynced, then renamed into place, so no reader ever sees a partial file
 * under a real name. Transfers in progress live under {@code documents/.incoming}, outside any
 * practice's folder, and survive a crash so that the next attempt resumes them.
 */
public final class LocalContent {
    private final Path root;

    /** @param root the site's documents folder (one folder per practice database inside) */
    public LocalContent(Path root) {
        this.root = root;
    }

    /** The file holding {@code sha} for practice database {@code db} (it may not exist). */
    public Path file(String db, String sha) {
        return folder(db).resolve(sha.substring(0, 2)).resolve(sha);
    }

    public boolean has(String db, String sha) {
        return Files.isRegularFile(file(db, sha));
    }

    /** Where a transfer of {@code sha} for {@code db} keeps what it has received so far. */
    public Path partial(String db, String sha) {
        return root.resolve(".incoming").resolve(safe(db)).resolve(sha + ".part");
    }

    /** A private temporary file for a one-off transfer (a read-through), beside the partials. */
    public Path scratch(String db) {
        try {
            Path dir = root.resolve(".incoming").resolve(safe(db));
            Files.createDirectories(dir);
            return Files.createTempFile(dir, "through-", ".part");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Moves {@code received}, whose bytes the caller hashed to {@code sha}, into the store:
     * fsync, then an atomic rename, then fsync of the folder. A file already there wins (same
     * bytes by construction) and {@code received} is deleted.
     */
    public void adopt(String db, String sha, Path received) throws IOException {
        Path target = file(db, sha);
        if (Files.isRegularFile(target)) {
            Files.deleteIfExists(received);
            return;
        }
        try (FileChannel ch = FileChannel.open(received, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.createDirectories(target.getParent());
        try {
            Files.move(received, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            // .incoming is on another file system (a mount inside documents): copy to a temp
            // name beside the target first, so the rename into place stays atomic.
            Path tmp = target.resolveSibling(sha + ".tmp-" + ProcessHandle.current().pid());
            Files.copy(received, tmp, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            Files.deleteIfExists(received);
        }
        syncFolder(target.getParent());
    }

    /** True when the stored file's bytes hash to its name. */
    public boolean intact(String db, String sha) throws IOException {
        return sha.equals(hashOf(file(db, sha), null));
    }

    /**
     * Takes a file whose bytes do not hash to its name out of the store (kept aside under
     * {@code documents/.corrupt} for inspection), so that it reads as missing and is fetched again.
     */
    public void setAside(String db, String sha) throws IOException {
        Path f = file(db, sha);
        if (!Files.exists(f)) {
            return;
        }
        Path dir = root.resolve(".corrupt").resolve(safe(db));
        Files.createDirectories(dir);
        Files.move(f, dir.resolve(sha + "-" + Instant.now().toEpochMilli()), StandardCopyOption.ATOMIC_MOVE);
    }

    /** SHA-256 of a file, read at most {@code throttle}'s pace (null: as fast as the disk goes). */
    static String hashOf(Path f, Throttle throttle) throws IOException {
        MessageDigest d = ContentHash.digest();
        byte[] buf = new byte[65536];
        try (InputStream in = Files.newInputStream(f)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                if (throttle != null) {
                    throttle.take(n);
                }
                d.update(buf, 0, n);
            }
        }
        return ContentHash.hex(d);
    }

    private Path folder(String db) {
        return root.resolve(safe(db));
    }

    /** Practice database names are Cusp's own (od_NAME_ID); refuse anything that could be a path. */
    private static String safe(String db) {
        if (!db.matches("[a-z0-9_]{1,64}")) {
            throw new IllegalArgumentException("not a practice database name: " + db);
        }
        return db;
    }

    private static void syncFolder(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException ignored) {
            // Not every file system lets a folder be opened for sync; the rename is still atomic.
        }
    }
}
