package dev.cusp.backup;

import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;

/** Compressed, checksummed files of a backup: zstd (zstd-jni) and SHA-256 in one pass. */
final class BackupFiles {
    /** zstd level 1: on two cores the fastest that still halves an InnoDB tablespace. */
    static final int LEVEL = 1;
    private static final int BUFFER = 1 << 20;

    private BackupFiles() {
    }

    /** Size and digest of a file written by {@link #compress}. */
    record Written(long bytes, long rawBytes, String sha256) {
    }

    /**
     * Compresses {@code in} into the new file {@code target} (owner-only, never through a link),
     * synced to disk before it returns.
     */
    static Written compress(InputStream in, Path target) throws IOException {
        return compress(in, target, true);
    }

    /**
     * As {@link #compress(InputStream, Path)}; unless {@code sync}, the caller syncs the file
     * ({@link #sync}) before it counts on it (a backup syncs all its files at once, at the end).
     */
    static Written compress(InputStream in, Path target, boolean sync) throws IOException {
        MessageDigest sha = sha256();
        long raw = 0;
        try (FileChannel ch = createPrivate(target)) {
            CountingOutputStream counted = new CountingOutputStream(Channels.newOutputStream(ch));
            try (ZstdOutputStream z = new ZstdOutputStream(new DigestOutputStream(counted, sha), LEVEL)) {
                z.setChecksum(true);
                z.setWorkers(Math.max(1, Runtime.getRuntime().availableProcessors()));
                byte[] buf = new byte[BUFFER];
                int n;
                while ((n = in.read(buf)) > 0) {
                    z.write(buf, 0, n);
                    raw += n;
                }
            }
            if (sync) {
                ch.force(true);
            }
            return new Written(counted.count, raw, HexFormat.of().formatHex(sha.digest()));
        }
    }

    /** Writes {@code content} as the new file {@code target}, synced. */
    static void writeNew(Path target, byte[] content) throws IOException {
        try (FileChannel ch = createPrivate(target)) {
            ch.write(java.nio.ByteBuffer.wrap(content));
            ch.force(true);
        }
    }

    /**
     * A decompressing stream over a stored file that also computes its SHA-256 (read it whole,
     * then compare {@link Checked#sha256()} with the manifest's).
     */
    static Checked decompress(Path file) throws IOException {
        MessageDigest sha = sha256();
        InputStream raw = java.nio.file.Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS);
        DigestInputStream digest = new DigestInputStream(raw, sha);
        return new Checked(new ZstdInputStream(digest), digest, sha);
    }

    /** A decompressing reader; its digest covers the bytes read from the file so far. */
    record Checked(InputStream in, DigestInputStream digest, MessageDigest sha) implements AutoCloseable {
        /** Reads what zstd left unread (nothing, in a well-formed file) and returns the file's digest. */
        String sha256() throws IOException {
            digest.transferTo(OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(sha.digest());
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /** The SHA-256 of a whole file, hex. */
    static String sha256(Path file) throws IOException {
        MessageDigest sha = sha256();
        try (InputStream in = java.nio.file.Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            byte[] buf = new byte[BUFFER];
            int n;
            while ((n = in.read(buf)) > 0) {
                sha.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /** Writes {@code file}'s data to disk (fsync), never through a link. */
    static void sync(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
            ch.force(true);
        }
    }

    static void syncFolder(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Some file systems (a network share) cannot sync a folder; the files are synced.
        }
    }

    private static FileChannel createPrivate(Path target) throws IOException {
        Set<StandardOpenOption> opts = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        try {
            return FileChannel.open(target, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS), PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException | FileSystemException e) {
            if (e instanceof java.nio.file.FileAlreadyExistsException) {
                throw e;
            }
            // A share without POSIX modes: its own mount options decide who reads it.
            return FileChannel.open(target, opts);
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final class CountingOutputStream extends java.io.FilterOutputStream {
        long count;

        CountingOutputStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        /** Flushes only: the file is synced, then closed, by its owner. */
        @Override
        public void close() throws IOException {
            out.flush();
        }
    }
}
