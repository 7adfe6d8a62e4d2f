package dev.cusp.backup;

import dev.cusp.base.FilePermissions;
import dev.cusp.base.JsonMapping;
import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backup folder ({@code backup.folder}, default {@code HOME/backups}; may be a mounted
 * share): one folder per practice database, one per backup in it (see the package description).
 * Only complete backups are listed; {@code .partial-*} folders are a backup in progress, or one
 * a killed site left behind ({@link #removePartials}).
 */
public final class BackupStore {
    private static final Logger LOG = LoggerFactory.getLogger(BackupStore.class);
    static final String MANIFEST = "manifest.json";
    static final String VERIFICATION = "verify.json";
    static final String PARTIAL = ".partial-";
    private static final Pattern DATABASE = Pattern.compile("od_[a-z][a-z0-9]{0,31}_[0-9]{1,9}");
    private static final Pattern ID = Pattern.compile("[0-9]{8}-[0-9]{6}(-[0-9]{1,3})?");

    private final Path root;

    public BackupStore(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    /** One complete backup: its folder and its manifest, and the newest drill's result if any. */
    public record Stored(Path folder, BackupManifest manifest, Optional<BackupVerification> verification) {
    }

    /** Every complete backup of {@code database} (every practice when null), oldest first. */
    public List<Stored> list(String database) {
        List<Stored> out = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return out;
        }
        for (Path dbDir : children(root)) {
            String db = dbDir.getFileName().toString();
            if (!DATABASE.matcher(db).matches() || (database != null && !database.equals(db))
                    || !Files.isDirectory(dbDir, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            for (Path b : children(dbDir)) {
                if (ID.matcher(b.getFileName().toString()).matches() && Files.isRegularFile(b.resolve(MANIFEST))) {
                    try {
                        out.add(open(b));
                    } catch (RuntimeException e) {
                        LOG.warn("backup folder {}: unreadable manifest, skipped: {}", b, e.getMessage());
                    }
                }
            }
        }
        out.sort(Comparator.comparing((Stored s) -> s.manifest().createdAt()).thenComparing(s -> s.manifest().id()));
        return out;
    }

    /**
     * The backup {@code id} of {@code database}.
     *
     * @throws CuspException NOT_FOUND (field {@code backup}) when there is none
     */
    public Stored find(String database, String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw CuspException.invalid("backup", "a backup id looks like 20261203-024500 (see cusp backup list)");
        }
        Path b = root.resolve(database).resolve(id);
        if (!Files.isRegularFile(b.resolve(MANIFEST), LinkOption.NOFOLLOW_LINKS)) {
            throw new CuspException(ErrorCode.NOT_FOUND, "no backup " + id + " of " + database + " in " + root
                    + " (see cusp backup list)", "backup");
        }
        return open(b);
    }

    /** Reads a backup folder's manifest and drill result. */
    public static Stored open(Path folder) {
        BackupManifest m;
        try {
            m = JsonMapping.MAPPER.readValue(folder.resolve(MANIFEST).toFile(), BackupManifest.class);
        } catch (IOException e) {
            throw new CuspException(ErrorCode.CONFLICT, "backup " + folder + ": its manifest " + MANIFEST
                    + " is missing or unreadable (" + e.getMessage() + ")", "backup");
        }
        if (!BackupManifest.FORMAT.equals(m.format())) {
            throw new CuspException(ErrorCode.CONFLICT, "backup " + folder + " has format " + m.format()
                    + "; this Cusp reads " + BackupManifest.FORMAT, "backup");
        }
        Optional<BackupVerification> v = Optional.empty();
        Path vf = folder.resolve(VERIFICATION);
        if (Files.isRegularFile(vf, LinkOption.NOFOLLOW_LINKS)) {
            try {
                v = Optional.of(JsonMapping.MAPPER.readValue(vf.toFile(), BackupVerification.class));
            } catch (IOException e) {
                LOG.warn("backup {}: unreadable {}: {}", folder, VERIFICATION, e.getMessage());
            }
        }
        return new Stored(folder, m, v);
    }

    /** Records a drill's result on the backup (owner-only, replacing the previous one). */
    public void recordVerification(Stored b, BackupVerification v) {
        try {
            FilePermissions.writePrivate(b.folder().resolve(VERIFICATION), JsonMapping.MAPPER
                    .writerWithDefaultPrettyPrinter().writeValueAsBytes(v));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A new, empty, owner-only folder for a backup of {@code database} in progress. */
    Path newPartial(String database, String id) {
        Path dbDir = FilePermissions.privateDir(root.resolve(database));
        return FilePermissions.privateDir(dbDir.resolve(PARTIAL + id));
    }

    /** A backup id not yet used for {@code database}, from {@code stamp}. */
    String freeId(String database, String stamp) {
        Path dbDir = root.resolve(database);
        String id = stamp;
        for (int n = 2; Files.exists(dbDir.resolve(id)) || Files.exists(dbDir.resolve(PARTIAL + id)); n++) {
            id = stamp + "-" + n;
        }
        return id;
    }

    /** Makes a finished partial folder the backup {@code id}: one rename, after everything is on disk. */
    Path complete(Path partial, String id) throws IOException {
        Path done = partial.resolveSibling(id);
        Files.move(partial, done, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        BackupFiles.syncFolder(done.getParent());
        return done;
    }

    /** Deletes one backup: first renamed to a partial (no longer listed), then removed. */
    public void delete(Stored b) {
        Path gone = b.folder().resolveSibling(PARTIAL + "deleted-" + b.folder().getFileName());
        try {
            Files.move(b.folder(), gone, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete backup " + b.folder(), e);
        }
        deleteTree(gone);
        LOG.info("backup {} of {} deleted", b.manifest().id(), b.manifest().database());
    }

    /** Removes what backups interrupted by a crash left behind; returns how many folders. */
    public int removePartials() {
        int n = 0;
        if (!Files.isDirectory(root)) {
            return 0;
        }
        for (Path dbDir : children(root)) {
            if (!DATABASE.matcher(dbDir.getFileName().toString()).matches()
                    || !Files.isDirectory(dbDir, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            for (Path b : children(dbDir)) {
                if (b.getFileName().toString().startsWith(PARTIAL)) {
                    deleteTree(b);
                    LOG.info("removed {}, left by a backup that did not finish", b);
                    n++;
                }
            }
        }
        return n;
    }

    private static List<Path> children(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        } catch (IOException e) {
            LOG.warn("cannot list {}: {}", dir, e.getMessage());
            return List.of();
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> w = Files.walk(dir)) {
            for (Path p : w.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            LOG.warn("cannot remove {}: {}", dir, e.getMessage());
        }
    }
}
