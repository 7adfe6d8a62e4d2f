package dev.cusp.restore;

import dev.cusp.base.FilePermissions;
import dev.cusp.node.BeforePurge;
import dev.cusp.node.NodeConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The archive of the node's closed binary logs, beside the backups ({@code HOME/backups/binlog}):
 * what point-in-time recovery rolls a practice forward with. Every closed file is copied here
 * before the node may purge it (the purge guard runs {@link BeforePurge} first, and the site
 * copies on its own schedule too), so the group's purge decisions never shorten the recovery
 * window; the window is {@code restore.binlog.retain.days}, after which archived files are
 * deleted. A copy is written to a {@code .part} file, synced, then renamed: a killed site leaves
 * no half file under a real name. The node's file is opened without following links (the data
 * folder belongs to the database's OS user, who must not make root copy another file).
 */
public final class BinlogArchive {
    private static final Logger LOG = LoggerFactory.getLogger(BinlogArchive.class);
    private final Path dir;
    private final Duration retain;
    private final Map<String, BinlogEvents.Index> indexes = new ConcurrentHashMap<>();

    public BinlogArchive(Path dir, Duration retain) {
        this.dir = dir;
        this.retain = retain;
    }

    /** The archive folder of a site whose backups are in {@code backups}. */
    public static Path folder(Path backups) {
        return backups.resolve("binlog");
    }

    public Path dir() {
        return dir;
    }

    /**
     * Makes the purge guard archive into this before it purges {@code node}'s binary logs
     * ({@link BeforePurge}): a failure to copy stops the purge, so nothing is lost.
     */
    public void register(NodeConfig node) {
        BeforePurge.register(node, (n, s) -> archive(n, s));
    }

    public static void unregister(NodeConfig node) {
        BeforePurge.unregister(node);
    }

    /** Closes the node's current binary log (so everything written so far can be archived), then archives. */
    public synchronized List<String> flushAndArchive(NodeConfig node, Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("FLUSH LOCAL BINARY LOGS");
            return archive(node, s);
        }
    }

    private long lastFlush = System.nanoTime();
    private String afterFlush = "";

    /**
     * The archive's regular look: every closed file copied, and every {@code flushEvery} (when not
     * zero) the node's current file closed first, if it holds anything since the last such close,
     * so the archive lags the node by at most that much and an idle node makes no empty files.
     */
    public synchronized List<String> tick(NodeConfig node, Connection c, Duration flushEvery) throws SQLException {
        try (Statement s = c.createStatement()) {
            if (!flushEvery.isZero() && System.nanoTime() - lastFlush >= flushEvery.toNanos()) {
                lastFlush = System.nanoTime();
                if (!position(s).equals(afterFlush)) {
                    List<String> copied = flushAndArchive(node, c);
                    afterFlush = position(s);
                    return copied;
                }
            }
            return archive(node, s);
        }
    }

    private static String position(Statement s) throws SQLException {
        try (ResultSet rs = s.executeQuery("SHOW MASTER STATUS")) {
            return rs.next() ? rs.getString(1) + ":" + rs.getLong(2) : "";
        }
    }

    /** Copies every closed binary log of the node that is not archived yet; returns their names. */
    public synchronized List<String> archive(NodeConfig node, Statement s) throws SQLException {
        List<String[]> logs = new ArrayList<>();
        try (ResultSet rs = s.executeQuery("SHOW BINARY LOGS")) {
            while (rs.next()) {
                logs.add(new String[] {rs.getString(1), rs.getString(2)});
            }
        }
        List<String> copied = new ArrayList<>();
        FilePermissions.privateDir(dir);
        // The last file is the one being written.
        for (int i = 0; i < logs.size() - 1; i++) {
            String name = logs.get(i)[0];
            long size = Long.parseLong(logs.get(i)[1]);
            if (!name.matches("[A-Za-z0-9_.-]+")) {
                continue;
            }
            try {
                Path to = dir.resolve(name);
                if (Files.exists(to)) {
                    if (Files.size(to) == size) {
                        continue;
                    }
                    // The node's numbering started over (a re-seed resets the binary log): keep both.
                    to = dir.resolve(name + "-" + Files.getLastModifiedTime(to).toMillis());
                    if (Files.exists(to)) {
                        continue;
                    }
                }
                copy(node.dataDir().resolve(name), to);
                copied.add(name);
            } catch (IOException e) {
                throw new SQLException("cannot archive binary log " + name + ": " + e.getMessage(), e);
            }
        }
        if (!copied.isEmpty()) {
            LOG.info("restore: archived binary logs {}", copied);
        }
        return copied;
    }

    private static void copy(Path from, Path to) throws IOException {
        Path part = to.resolveSibling(to.getFileName() + ".part");
        Files.deleteIfExists(part);
        FileTime closed;
        try (FileChannel in = FileChannel.open(from, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
             FileChannel out = FileChannel.open(part, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            closed = Files.getLastModifiedTime(from, LinkOption.NOFOLLOW_LINKS);
            try (InputStream is = Channels.newInputStream(in); OutputStream os = Channels.newOutputStream(out)) {
                is.transferTo(os);
                out.force(true);
            }
        }
        Files.setPosixFilePermissions(part, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Files.setLastModifiedTime(part, closed);
        Files.move(part, to, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Deletes archived files closed longer ago than the retention; returns their names. */
    public synchronized List<String> applyRetention(Instant now) {
        List<String> gone = new ArrayList<>();
        for (Path f : files()) {
            try {
                if (Files.getLastModifiedTime(f).toInstant().isBefore(now.minus(retain))) {
                    Files.delete(f);
                    indexes.remove(f.getFileName().toString());
                    gone.add(f.getFileName().toString());
                }
            } catch (IOException e) {
                LOG.warn("restore: cannot delete archived binary log {}: {}", f.getFileName(), e.getMessage());
            }
        }
        if (!gone.isEmpty()) {
            LOG.info("restore: archived binary logs past restore.binlog.retain.days deleted: {}", gone);
        }
        return gone;
    }

    /** The archived files, oldest first (by when the node closed them, then by name). */
    public List<Path> files() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> !p.getFileName().toString().endsWith(".part") && Files.isRegularFile(p,
                            LinkOption.NOFOLLOW_LINKS))
                    .sorted(Comparator.comparing((Path p) -> {
                        try {
                            return Files.getLastModifiedTime(p).toMillis();
                        } catch (IOException e) {
                            return 0L;
                        }
                    }).thenComparing(p -> p.getFileName().toString()))
                    .toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The event index of every archived file, oldest first (cached: archived files never change). */
    public List<BinlogEvents.Index> indexes() throws IOException {
        List<BinlogEvents.Index> out = new ArrayList<>();
        for (Path f : files()) {
            String key = f.getFileName().toString();
            BinlogEvents.Index i = indexes.get(key);
            if (i == null) {
                i = BinlogEvents.read(f);
                indexes.put(key, i);
            }
            out.add(i);
        }
        return out;
    }
}
