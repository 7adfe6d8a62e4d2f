package dev.cusp.docsync;

import dev.cusp.document.DocumentStores;
import dev.cusp.document.DocumentStore;
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
import java.util.List;

/**
 * The practices' {@link DocumentStore}s as replication sees them: whether a hash is here, where
 * its bytes are, and the ways a fetched file enters a store: fully received and hashed to its name
 * by the caller, then renamed into place, so no reader ever sees a partial file under a real name.
 * A single file is fsynced before its rename; a batch's files are renamed first and forced to disk
 * seconds later, under a ledger a start checks again ({@link Unsettled}). Transfers in progress
 * live under {@code documents/.incoming}, outside every practice's folder (and its {@code tmp/},
 * which a start sweeps), so that after a crash the next attempt resumes them; they are the site's
 * own, readable by it only.
 */
public final class LocalContent {
    private static final java.nio.file.attribute.FileAttribute<?> PRIVATE_DIR = java.nio.file.attribute
            .PosixFilePermissions.asFileAttribute(java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    private final Path root;
    private final DocumentStores stores;
    private final Unsettled unsettled;

    /** @param stores the site's document stores, one per practice, under {@code root} (HOME/documents) */
    public LocalContent(Path root, DocumentStores stores) {
        this.root = root;
        this.stores = stores;
        this.unsettled = new Unsettled(this, root.resolve(".incoming"));
    }

    /** The file holding {@code sha} for practice database {@code db} (it may not exist). */
    public Path file(String db, String sha) {
        return stores.of(db).path(sha);
    }

    public boolean has(String db, String sha) {
        return stores.of(db).has(sha);
    }

    /** Where a transfer of {@code sha} for {@code db} keeps what it has received so far. */
    public Path partial(String db, String sha) throws IOException {
        return incoming(db).resolve(DocumentStore.requireHash(sha, "sha256") + ".part");
    }

    private Path incoming(String db) throws IOException {
        Path dir = root.resolve(".incoming").resolve(safe(db));
        if (!Files.isDirectory(dir)) {
            dev.cusp.base.FilePermissions.privateDir(dir.getParent());
            dev.cusp.base.FilePermissions.privateDir(dir);
        }
        return dir;
    }

    /** A private temporary file for a one-off transfer (a read-through), beside the partials. */
    public Path scratch(String db) {
        try {
            return Files.createTempFile(incoming(db), "through-", ".part",
                    java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                            java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
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
        Path folder = adopt(db, sha, received, true);
        if (folder != null) {
            syncFolder(folder);
        }
    }

    /**
     * Renames {@code received}, whose bytes the caller hashed to {@code sha}, into the store without
     * forcing it to disk: only for a batch whose {@link Unsettled} ledger, naming this file, is
     * already on disk. The folder renamed into (null when a copy was already there).
     */
    Path adoptUnsettled(String db, String sha, Path received) throws IOException {
        return adopt(db, sha, received, false);
    }

    private Path adopt(String db, String sha, Path received, boolean force) throws IOException {
        Path target = file(db, sha);
        if (Files.isRegularFile(target)) {
            Files.deleteIfExists(received);
            return null;
        }
        if (force) {
            // The bytes and what reading them back needs; the name is the folder's sync.
            forceData(received);
        }
        if (!Files.isDirectory(target.getParent())) {
            try {
                Files.createDirectory(target.getParent(), PRIVATE_DIR);
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                // Another transfer made it.
            }
        }
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
        return target.getParent();
    }

    /**
     * Writes and forces the ledger of a batch that will rename {@code shas} into practice
     * {@code db}'s store unforced ({@link #adoptUnsettled}); see {@link Unsettled}.
     */
    Unsettled.Ledger beginUnsettled(String db, List<String> shas) throws IOException {
        incoming(db);
        return unsettled.begin(db, shas);
    }

    /** The batch whose ledger this is has ended: its renamed files are forced to disk shortly. */
    void endUnsettled(Unsettled.Ledger ledger) {
        unsettled.end(ledger);
    }

    /** Files fetched and renamed into place whose bytes are not forced to disk yet (settled within seconds). */
    public long unsettledFiles() {
        return unsettled.files();
    }

    /** Waits until every fetched file is forced to disk; false when {@code timeout} passed first. */
    public boolean awaitSettled(java.time.Duration timeout) throws InterruptedException {
        return unsettled.awaitSettled(timeout);
    }

    /**
     * At start, before any document is served: checks again the files fetched just before the
     * site stopped that may never have reached the disk ({@link Unsettled#recover}); how many
     * were set aside.
     */
    public int recover() throws IOException {
        return unsettled.recover();
    }

    /** Forces every fetched file to disk now (at close: no ledger is left behind). */
    public void settle() {
        unsettled.close();
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
        dev.cusp.base.FilePermissions.privateDir(dir.getParent());
        dev.cusp.base.FilePermissions.privateDir(dir);
        Files.move(f, dir.resolve(sha + "-" + Instant.now().toEpochMilli()), StandardCopyOption.ATOMIC_MOVE);
    }

    /** SHA-256 of a file, read at most {@code throttle}'s pace (null: as fast as the disk goes). */
    static String hashOf(Path f, Throttle throttle) throws IOException {
        MessageDigest d = DocumentStore.sha256();
        byte[] buf = new byte[65536];
        try (InputStream in = Files.newInputStream(f)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                if (throttle != null) {
                    throttle.take(n);
                }
                d.update(buf, 0, n);
            }
        }
        return java.util.HexFormat.of().formatHex(d.digest());
    }

    /** Practice database names are Cusp's own (od_NAME_ID); refuse anything that could be a path. */
    private static String safe(String db) {
        if (!isDatabaseName(db)) {
            throw new IllegalArgumentException("not a practice database name: " + db);
        }
        return db;
    }

    /** Forces a file's bytes to disk, with what reading them back needs (fdatasync). */
    static void forceData(Path f) throws IOException {
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
            ch.force(false);
        }
    }

    /** A name Cusp could have given a practice's database. */
    static boolean isDatabaseName(String db) {
        return db != null && db.matches("[a-z][a-z0-9_]{0,63}");
    }

    static void syncFolder(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException ignored) {
            // Not every file system lets a folder be opened for sync; the rename is still atomic.
        }
    }
}
