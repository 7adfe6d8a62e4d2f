package dev.cusp.docsync;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetched files renamed into their store before their bytes were forced to disk, and the
 * settling that forces them a few seconds later.
 *
 * <p>Why: a file this site fetched has another copy at the site it came from. Forcing each one to
 * disk before its rename, as an upload must (its bytes exist nowhere else), made a joining site's
 * catch-up wait on the disk file by file. So a batch writes its files' names to a ledger and forces
 * that first (one small file for up to a batch's files), renames each file as it arrives whole and
 * hashed, and leaves the forcing to a settler thread: after the batch it fdatasyncs each file and
 * fsyncs its folders, while the next batches arrive, and only then deletes the ledger. The
 * transfers so keep the CPU busy while the disk writes what came before.
 *
 * <p>What a crash can do: a process killed with {@code -9} loses nothing (the bytes are in the
 * kernel's cache). A power cut may keep a name whose bytes never reached the disk. Every such
 * name is in a ledger that was on disk before the rename: the next start ({@link #recover})
 * hashes each named file again before the site serves any document, sets aside one whose bytes
 * do not hash to its name ({@code documents/.corrupt}), and the rows' backlog fetches it again.
 * So no reader ever gets bytes that are not the file's, which is what fsync-before-rename promised.
 *
 * <p>Ledgers are {@code documents/.incoming/unsettled-*}: one line per file, the practice's
 * database and the hash, both checked again when read (a ledger is never a path from outside).
 */
final class Unsettled implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Unsettled.class);
    private static final String PREFIX = "unsettled-";
    private static final java.nio.file.attribute.FileAttribute<?> PRIVATE_FILE = java.nio.file.attribute
            .PosixFilePermissions.asFileAttribute(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));

    private final LocalContent store;
    private final Path dir;
    private final LinkedBlockingQueue<Ledger> due = new LinkedBlockingQueue<>();
    private final AtomicLong files = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final Object settled = new Object();
    private Thread settler;
    private volatile boolean closed;

    /** @param dir the private folder the ledgers live in ({@code documents/.incoming}) */
    Unsettled(LocalContent store, Path dir) {
        this.store = store;
        this.dir = dir;
    }

    /** One batch's files: its ledger on disk, then the files renamed under it. */
    final class Ledger {
        private final Path file;
        private final String db;
        private final List<String> renamed = new ArrayList<>();
        private final Set<Path> folders = new HashSet<>();
        private long renamedBytes;

        private Ledger(Path file, String db) {
            this.file = file;
            this.db = db;
        }

        /** A file of the batch renamed into {@code folder} (not forced yet). */
        synchronized void renamed(String sha, long size, Path folder) {
            renamed.add(sha);
            folders.add(folder);
            renamedBytes += size;
            files.incrementAndGet();
            bytes.addAndGet(size);
        }
    }

    /**
     * Writes and forces the ledger of a batch about to rename {@code shas} of practice database
     * {@code db} into place unforced; none may be renamed before this returns.
     */
    Ledger begin(String db, List<String> shas) throws IOException {
        StringBuilder lines = new StringBuilder(shas.size() * 80);
        for (String sha : shas) {
            lines.append(db).append(' ').append(sha).append('\n');
        }
        Path f = dir.resolve(PREFIX + UUID.randomUUID());
        try (FileChannel ch = FileChannel.open(f, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                PRIVATE_FILE)) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(lines.toString().getBytes(StandardCharsets.US_ASCII));
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
        LocalContent.syncFolder(dir);
        return new Ledger(f, db);
    }

    /** The batch is over: its renamed files are forced to disk next, behind the batches before it. */
    void end(Ledger l) {
        synchronized (this) {
            if (settler == null && !closed) {
                settler = Thread.ofPlatform().daemon().name("documents-settle").start(this::loop);
            }
        }
        due.add(l);
        if (closed) {
            settleAll();
        }
    }

    /** Files renamed into place and not yet forced to disk. */
    long files() {
        return files.get();
    }

    /** Their bytes. */
    long bytes() {
        return bytes.get();
    }

    /** Waits until every file renamed so far is forced to disk; false if {@code timeout} passed first. */
    boolean awaitSettled(Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        synchronized (settled) {
            while (files.get() > 0 || !due.isEmpty()) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(settled, left);
            }
        }
        return true;
    }

    private void loop() {
        while (!closed) {
            try {
                Ledger l = due.poll(1, TimeUnit.SECONDS);
                if (l != null) {
                    settle(l);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warn("documents: settling received files failed: {}", e.getMessage());
            }
        }
    }

    private void settle(Ledger l) {
        synchronized (l) {
            for (String sha : l.renamed) {
                try {
                    LocalContent.forceData(store.file(l.db, sha));
                } catch (NoSuchFileException gone) {
                    // Collected or set aside meanwhile: nothing to force.
                } catch (IOException e) {
                    // Kept in the ledger: the next start checks it again.
                    LOG.warn("documents: {} {}: cannot force it to disk: {}", l.db, sha, e.getMessage());
                    return;
                }
            }
            l.folders.forEach(LocalContent::syncFolder);
            try {
                Files.deleteIfExists(l.file);
            } catch (IOException e) {
                LOG.warn("documents: cannot remove the settled ledger {}: {}", l.file.getFileName(), e.getMessage());
            }
            files.addAndGet(-l.renamed.size());
            bytes.addAndGet(-l.renamedBytes);
        }
        synchronized (settled) {
            settled.notifyAll();
        }
    }

    /** Forces everything renamed so far now (a closing site leaves no ledger behind). */
    private void settleAll() {
        for (Object l : due.toArray()) {
            if (due.remove(l)) {
                settle((Ledger) l);
            }
        }
    }

    /**
     * At start, before any document is served: every file a ledger names (renamed before the site
     * stopped, perhaps never forced) is hashed again; one whose bytes do not hash to its name is set
     * aside, to be fetched again. Returns how many were set aside.
     */
    int recover() throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        int checked = 0;
        int setAside = 0;
        try (DirectoryStream<Path> ledgers = Files.newDirectoryStream(dir, PREFIX + "*")) {
            for (Path ledger : ledgers) {
                Set<Path> folders = new HashSet<>();
                for (String line : Files.readAllLines(ledger, StandardCharsets.US_ASCII)) {
                    String[] f = line.split(" ");
                    if (f.length != 2 || !LocalContent.isDatabaseName(f[0])
                            || !dev.cusp.document.DocumentStore.isHash(f[1])) {
                        continue;
                    }
                    Path file = store.file(f[0], f[1]);
                    if (!Files.isRegularFile(file)) {
                        continue;
                    }
                    checked++;
                    if (store.intact(f[0], f[1])) {
                        LocalContent.forceData(file);
                        folders.add(file.getParent());
                    } else {
                        store.setAside(f[0], f[1]);
                        setAside++;
                        LOG.warn("documents: {} {}: its bytes did not reach the disk before the site stopped;"
                                + " set aside (documents/.corrupt), to be fetched again", f[0], f[1]);
                    }
                }
                folders.forEach(LocalContent::syncFolder);
                Files.delete(ledger);
            }
        }
        if (checked > 0) {
            LOG.info("documents: {} file(s) received just before the site stopped were checked again: {} set aside",
                    checked, setAside);
        }
        return setAside;
    }

    @Override
    public void close() {
        closed = true;
        Thread t;
        synchronized (this) {
            t = settler;
        }
        if (t != null) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        settleAll();
    }
}
