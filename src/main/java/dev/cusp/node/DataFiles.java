package dev.cusp.node;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.util.Set;

/**
 * Files Cusp itself reads and writes inside the node's data folder (a physical snapshot's
 * tablespaces), with no path the database's OS user could redirect. That user owns the data
 * folder and everything in it, so it could put a symbolic link where root is about to write or
 * read, or swap a database folder for a link to {@code /etc}. Every step is taken relative to
 * an open folder ({@code openat}) and never follows a link; a file Cusp creates there is given
 * to that user, or the server could not import it.
 */
public final class DataFiles {
    private DataFiles() {
    }

    /** Reads {@code name} in database folder {@code db}. */
    public static InputStream read(NodeConfig config, String db, String name) throws IOException {
        Opened o = open(config, db);
        try {
            SeekableByteChannel ch = o.db().newByteChannel(Path.of(plain(name)), Set.of(StandardOpenOption.READ,
                    LinkOption.NOFOLLOW_LINKS));
            return new java.io.FilterInputStream(Channels.newInputStream(ch)) {
                @Override
                public void close() throws IOException {
                    try {
                        super.close();
                    } finally {
                        o.close();
                    }
                }
            };
        } catch (IOException | RuntimeException e) {
            o.close();
            throw e;
        }
    }

    /**
     * Copies {@code name} in database folder {@code db} to the new file {@code target} (a folder
     * of root's), in the kernel ({@code FileChannel.transferTo}): a backup holds the practice's
     * writers while it copies, so the copy must not pass every byte through the JVM.
     */
    public static long copyTo(NodeConfig config, String db, String name, Path target) throws IOException {
        try (Opened o = open(config, db);
             java.nio.channels.FileChannel in = (java.nio.channels.FileChannel) o.db().newByteChannel(
                     Path.of(plain(name)), Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
             java.nio.channels.FileChannel out = java.nio.channels.FileChannel.open(target, Set.of(
                     StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS))) {
            long size = in.size();
            long done = 0;
            while (done < size) {
                done += in.transferTo(done, size - done, out);
            }
            return done;
        }
    }

    /** The size of {@code name} in database folder {@code db}. */
    public static long size(NodeConfig config, String db, String name) throws IOException {
        try (Opened o = open(config, db);
             SeekableByteChannel in = o.db().newByteChannel(Path.of(plain(name)), Set.of(StandardOpenOption.READ,
                     LinkOption.NOFOLLOW_LINKS))) {
            return in.size();
        }
    }

    /**
     * Copies {@code length} bytes at {@code offset} of {@code name} in database folder {@code db}
     * to the same place in {@code target}, an existing file of root's, in the kernel: a backup
     * copies the parts of one large tablespace side by side (a virtual disk reads two streams
     * faster than one).
     */
    public static long copyRange(NodeConfig config, String db, String name, Path target, long offset, long length)
            throws IOException {
        try (Opened o = open(config, db);
             java.nio.channels.FileChannel in = (java.nio.channels.FileChannel) o.db().newByteChannel(
                     Path.of(plain(name)), Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
             java.nio.channels.FileChannel out = java.nio.channels.FileChannel.open(target, Set.of(
                     StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS))) {
            long end = Math.min(in.size(), offset + length);
            long done = 0;
            out.position(offset);
            while (offset + done < end) {
                long n = in.transferTo(offset + done, end - offset - done, out);
                if (n <= 0) {
                    break;
                }
                done += n;
            }
            return done;
        }
    }

    /**
     * Reads {@code length} bytes at {@code offset} of {@code name} in database folder {@code db}
     * and drops them: brings them into the OS page cache (the server itself reads around it,
     * O_DIRECT), so that a copy right after it, under a backup's lock, reads memory, not disk.
     */
    public static long readAhead(NodeConfig config, String db, String name, long offset, long length)
            throws IOException {
        try (Opened o = open(config, db);
             SeekableByteChannel in = o.db().newByteChannel(Path.of(plain(name)), Set.of(StandardOpenOption.READ,
                     LinkOption.NOFOLLOW_LINKS))) {
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocateDirect(1 << 20);
            long done = 0;
            in.position(offset);
            while (done < length) {
                buf.clear();
                if (length - done < buf.capacity()) {
                    buf.limit((int) (length - done));
                }
                int n = in.read(buf);
                if (n < 0) {
                    break;
                }
                done += n;
            }
            return done;
        }
    }

    /** Creates {@code name} in database folder {@code db} (replacing a file left there), owned by the server's user. */
    public static OutputStream create(NodeConfig config, String db, String name) throws IOException {
        Opened o = open(config, db);
        try {
            Path file = Path.of(plain(name));
            delete(o.db(), file);
            SeekableByteChannel ch = o.db().newByteChannel(file, Set.of(StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS));
            if (DbOsUser.runningAsRoot()) {
                var lookup = java.nio.file.FileSystems.getDefault().getUserPrincipalLookupService();
                PosixFileAttributeView v = o.db().getFileAttributeView(file, PosixFileAttributeView.class,
                        LinkOption.NOFOLLOW_LINKS);
                v.setOwner(lookup.lookupPrincipalByName(config.dbOsUser()));
                v.setGroup(Files.readAttributes(config.dataDir(), java.nio.file.attribute.PosixFileAttributes.class,
                        LinkOption.NOFOLLOW_LINKS).group());
            }
            return new FilterOutputStream(Channels.newOutputStream(ch)) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                }

                @Override
                public void close() throws IOException {
                    try {
                        super.close();
                    } finally {
                        o.close();
                    }
                }
            };
        } catch (IOException | RuntimeException e) {
            o.close();
            throw e;
        }
    }

    /** Deletes {@code name} in database folder {@code db} if it is there (a link is removed, not followed). */
    public static void delete(NodeConfig config, String db, String name) throws IOException {
        try (Opened o = open(config, db)) {
            delete(o.db(), Path.of(plain(name)));
        }
    }

    /** One name in one folder: never a path into another. */
    private static String plain(String name) throws IOException {
        if (name.isEmpty() || name.contains("/") || name.contains("\0") || name.equals("..") || name.equals(".")) {
            throw new IOException("not a plain file name: " + name);
        }
        return name;
    }

    private static void delete(SecureDirectoryStream<Path> dir, Path file) throws IOException {
        try {
            dir.deleteFile(file);
        } catch (java.nio.file.NoSuchFileException absent) {
            // Nothing to replace.
        }
    }

    private record Opened(SecureDirectoryStream<Path> data, SecureDirectoryStream<Path> db) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            try {
                db.close();
            } finally {
                data.close();
            }
        }
    }

    /** The data folder (whose parent, the node folder, is root's) and the database folder in it, held open. */
    private static Opened open(NodeConfig config, String db) throws IOException {
        plain(db);
        DirectoryStream<Path> d = Files.newDirectoryStream(config.dataDir());
        if (!(d instanceof SecureDirectoryStream<Path> data)) {
            d.close();
            throw new IOException("this platform cannot open folders safely (no openat)");
        }
        try {
            return new Opened(data, data.newDirectoryStream(Path.of(db), LinkOption.NOFOLLOW_LINKS));
        } catch (IOException | RuntimeException e) {
            data.close();
            throw e;
        }
    }
}
