package dev.cusp.document;

import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;

/**
 * One practice's file contents, addressed by their SHA-256 under the practice's document folder
 * ({@code HOME/documents/<db>}):
 * <pre>
 *   sha256/ab/ab12…(64 lowercase hex)   a file's bytes, named by their hash
 *   tmp/&lt;random&gt;.part                   a file being written (never under a real name)
 * </pre>
 *
 * <p>The contract:
 * <ul>
 * <li>A file appears under its hash only whole: {@link #put} streams into {@code tmp/} (same
 *     file system), hashing the bytes as they arrive, fsyncs the file, renames it atomically
 *     into place and fsyncs the folder. A crash at any point leaves at most a {@code .part} file,
 *     which {@link #sweepPartials} removes. A name under {@code sha256/} is always its content's
 *     hash, unless the disk itself rots it (a scrub's job to find).</li>
 * <li>Identical content is stored once; putting it again is harmless and reports that it
 *     {@linkplain Stored#existed existed}.</li>
 * <li>Nothing is held whole in memory: the bytes pass through one small buffer.</li>
 * <li>A hash is checked to be 64 lowercase hex characters before it becomes part of a path;
 *     no user-given text (a file name) is ever part of a path here.</li>
 * <li>Files and folders are the Cusp process's own, readable by it only ({@code rw-------},
 *     {@code rwx------}); the database's OS user never needs them. Links are never followed.</li>
 * <li>The store does not know which hashes are still referenced: the {@code document} rows are
 *     the truth, and {@link #delete} is for the collector that has checked them.</li>
 * </ul>
 * Safe for concurrent use: two puts of the same content both succeed and store it once.
 */
public final class DocumentStore {
    /** What a content hash looks like: SHA-256, 64 lowercase hex characters. */
    static final String OBJECTS = "sha256";
    static final String TMP = "tmp";
    private static final String PART = ".part";
    private static final int BUFFER = 128 * 1024;
    private static final FileAttribute<Set<PosixFilePermission>> PRIVATE_FILE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
    private static final FileAttribute<Set<PosixFilePermission>> PRIVATE_DIR =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));

    private final Path root;
    private final ReentrantReadWriteLock collecting = new ReentrantReadWriteLock();

    /** The store in a practice's document folder (made if missing). */
    public DocumentStore(Path folder) {
        this.root = folder;
        try {
            dev.cusp.base.FilePermissions.privateDir(root);
            mkdir(root.resolve(OBJECTS));
            mkdir(root.resolve(TMP));
        } catch (IOException | UncheckedIOException e) {
            throw new UncheckedIOException("cannot prepare the document folder " + folder,
                    e instanceof IOException io ? io : ((UncheckedIOException) e).getCause());
        }
    }

    /** The practice's document folder. */
    public Path folder() {
        return root;
    }

    /**
     * What {@link #put} stored.
     *
     * @param existed the content was already here (nothing new was written)
     */
    public record Stored(String sha256, long size, boolean existed) {
    }

    /**
     * Streams {@code in} to the end into the store. Refused, with nothing kept: more than
     * {@code maxBytes} bytes (413, field {@code file}), or bytes whose hash is not
     * {@code expectedSha256} when one is given (400, field {@code sha256}). An I/O failure of
     * {@code in} (a client that stopped half-way) is thrown as it is, also keeping nothing.
     *
     * @param expectedSha256 the hash the caller says the bytes have, or null
     * @param maxBytes       the most bytes accepted
     */
    public Stored put(InputStream in, String expectedSha256, long maxBytes) throws IOException {
        return put(in, expectedSha256, maxBytes, n -> { });
    }

    /** As {@link #put(InputStream, String, long)}, telling {@code progress} of each chunk's byte count. */
    public Stored put(InputStream in, String expectedSha256, long maxBytes, Consumer<Integer> progress)
            throws IOException {
        if (expectedSha256 != null) {
            requireHash(expectedSha256, "sha256");
        }
        Path part = root.resolve(TMP).resolve(UUID.randomUUID() + PART);
        boolean kept = false;
        try {
            MessageDigest sha = sha256();
            long size = 0;
            try (FileChannel out = FileChannel.open(part, Set.of(StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS), PRIVATE_FILE)) {
                byte[] buf = new byte[BUFFER];
                ByteBuffer bb = ByteBuffer.wrap(buf);
                for (int n; (n = in.read(buf)) != -1; ) {
                    size += n;
                    if (size > maxBytes) {
                        throw new CuspException(ErrorCode.PAYLOAD_TOO_LARGE, "the file is larger than the "
                                + maxBytes + " bytes allowed (setting document.max.bytes)", "file");
                    }
                    sha.update(buf, 0, n);
                    bb.clear().limit(n);
                    while (bb.hasRemaining()) {
                        out.write(bb);
                    }
                    progress.accept(n);
                }
                out.force(true);
            }
            String hash = HexFormat.of().formatHex(sha.digest());
            if (expectedSha256 != null && !expectedSha256.equals(hash)) {
                throw new CuspException(ErrorCode.INVALID_INPUT, "the file's SHA-256 is " + hash + ", not the "
                        + expectedSha256 + " given; nothing was kept (was the file changed or cut short?)", "sha256");
            }
            Path target = fileOf(hash);
            boolean existed;
            // Against the collector: content found here is touched (its idle time starts again)
            // before the caller refers to it, and the collector deletes only under the write lock.
            collecting.readLock().lock();
            try {
                existed = Files.exists(target, LinkOption.NOFOLLOW_LINKS);
                if (existed) {
                    Files.setLastModifiedTime(target, FileTime.from(Instant.now()));
                } else {
                    mkdir(target.getParent());
                    // rename(2) replaces atomically: a concurrent put of the same bytes is harmless.
                    move(part, target);
                    kept = true;
                    fsyncDir(target.getParent());
                }
            } finally {
                collecting.readLock().unlock();
            }
            return new Stored(hash, size, existed);
        } finally {
            if (!kept) {
                Files.deleteIfExists(part);
            }
        }
    }

    /** True when the content with this hash is stored here. */
    public boolean has(String sha256) {
        return Files.isRegularFile(fileOf(requireHash(sha256, "sha256")), LinkOption.NOFOLLOW_LINKS);
    }

    /** The stored size of a content, or -1 when it is not here. */
    public long size(String sha256) {
        try {
            return Files.readAttributes(fileOf(requireHash(sha256, "sha256")), BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS).size();
        } catch (NoSuchFileException e) {
            return -1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Opens a content for reading; the channel can be positioned for ranged reads. Throws
     * {@link NoSuchFileException} when it is not here.
     */
    public FileChannel open(String sha256) throws IOException {
        return FileChannel.open(fileOf(requireHash(sha256, "sha256")), StandardOpenOption.READ,
                LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * The path of a content (present or not), for callers that copy whole files (a backup, an
     * export). Treat it as read-only: a content is only ever written by {@link #put}.
     */
    public Path path(String sha256) {
        return fileOf(requireHash(sha256, "sha256"));
    }

    /** Removes a content; false when it was not here. Only for a collector that checked no row refers to it. */
    public boolean delete(String sha256) throws IOException {
        return Files.deleteIfExists(fileOf(requireHash(sha256, "sha256")));
    }

    /**
     * Removes a content unless it was written or put again at or after {@code cutoff}: the
     * collector's delete, which no concurrent {@link #put} of the same bytes can lose.
     */
    public boolean deleteIfIdleSince(String sha256, Instant cutoff) throws IOException {
        Path f = fileOf(requireHash(sha256, "sha256"));
        collecting.writeLock().lock();
        try {
            Instant at = storedAt(sha256);
            return at != null && at.isBefore(cutoff) && Files.deleteIfExists(f);
        } finally {
            collecting.writeLock().unlock();
        }
    }

    /** Every hash stored here, in no particular order (names that are not hashes are skipped). */
    public List<String> hashes() throws IOException {
        List<String> out = new ArrayList<>();
        try (DirectoryStream<Path> shards = Files.newDirectoryStream(root.resolve(OBJECTS))) {
            for (Path shard : shards) {
                if (!Files.isDirectory(shard, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                try (DirectoryStream<Path> files = Files.newDirectoryStream(shard)) {
                    for (Path f : files) {
                        String name = f.getFileName().toString();
                        if (isHash(name) && name.startsWith(shard.getFileName().toString())) {
                            out.add(name);
                        }
                    }
                }
            }
        }
        return out;
    }

    /** When a stored content was last written (its rename into place), or null when it is not here. */
    public Instant storedAt(String sha256) throws IOException {
        try {
            return Files.getLastModifiedTime(fileOf(requireHash(sha256, "sha256")), LinkOption.NOFOLLOW_LINKS)
                    .toInstant();
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /**
     * Removes {@code .part} files older than {@code before}: what a crash or a cut-off upload left.
     * Returns how many went.
     */
    public int sweepPartials(Instant before) throws IOException {
        int n = 0;
        try (DirectoryStream<Path> parts = Files.newDirectoryStream(root.resolve(TMP), "*" + PART)) {
            for (Path p : parts) {
                try {
                    if (Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toInstant().isBefore(before)
                            && Files.deleteIfExists(p)) {
                        n++;
                    }
                } catch (NoSuchFileException gone) {
                    // Finished or swept meanwhile.
                }
            }
        }
        return n;
    }

    /**
     * True for a SHA-256 in 64 lowercase hex characters (checked without a regex: every stored-file
     * lookup checks its name, thousands of times a second while a site catches up).
     */
    public static boolean isHash(String value) {
        if (value == null || value.length() != 64) {
            return false;
        }
        for (int i = 0; i < 64; i++) {
            char c = value.charAt(i);
            if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) {
                return false;
            }
        }
        return true;
    }

    /**
     * Checks that {@code value} is a content hash (64 lowercase hex characters) and returns it;
     * a 400 naming {@code field} otherwise. Every hash passes here before it touches a path.
     */
    public static String requireHash(String value, String field) {
        if (!isHash(value)) {
            throw CuspException.invalid(field, field + " must be a SHA-256 in 64 lowercase hex characters");
        }
        return value;
    }

    /** A new SHA-256 digest. */
    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    private Path fileOf(String hash) {
        return root.resolve(OBJECTS).resolve(hash.substring(0, 2)).resolve(hash);
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            // tmp/ and sha256/ are in one folder; this only happens if someone mounted one of them.
            throw new IOException("the document folder's tmp and sha256 folders are on different file systems", e);
        }
    }

    private static void mkdir(Path dir) throws IOException {
        try {
            Files.createDirectory(dir, PRIVATE_DIR);
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException(dir + " is in the way of the document store (not a folder)", e);
            }
        }
    }

    /** Makes a rename in {@code dir} durable (Linux: fsync on the folder). */
    private static void fsyncDir(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Some file systems refuse fsync on a folder; the file itself is already on disk.
        }
    }
}
