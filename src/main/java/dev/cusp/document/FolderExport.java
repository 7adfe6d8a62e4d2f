package dev.cusp.document;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Writes a practice's documents out as a plain A-to-Z folder ({@code cusp tenant export-documents}),
 * so a practice is never locked in: {@code B/BrownAnna1042/<file name>} for a patient's
 * documents, {@code Unfiled/<file name>} for the rest, and {@code manifest.sha256} at the top
 * ({@code sha256sum -c} reads it). File names are the users' names made safe
 * ({@link FolderNames#safe}); two documents of one name in one folder become {@code x (2).jpg}.
 * An import of the folder into another practice brings back the same contents.
 */
public final class FolderExport {
    public static final String MANIFEST = "manifest.sha256";
    static final String UNFILED = "Unfiled";

    /** What an export wrote. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Report(long files, long bytes, long missing, String dir, String manifest, long elapsedMs) {
    }

    private FolderExport() {
    }

    /**
     * Exports into {@code dir}, a new folder the caller made (empty, the site's own).
     *
     * @param progress told files and bytes written so far, of the totals
     */
    public static Report run(Connection c, DocumentStore store, Path dir, FolderImport.Progress progress)
            throws IOException, SQLException {
        long started = System.nanoTime();
        long filesTotal;
        long bytesTotal;
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*), COALESCE(SUM(size_bytes), 0) FROM document"
                + " WHERE sha256 IS NOT NULL"); ResultSet rs = ps.executeQuery()) {
            rs.next();
            filesTotal = rs.getLong(1);
            bytesTotal = rs.getLong(2);
        }
        Map<String, Set<String>> taken = new HashMap<>();
        long files = 0;
        long bytes = 0;
        long missing = 0;
        Path manifest = dir.resolve(MANIFEST);
        try (Writer m = Files.newBufferedWriter(manifest, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
             PreparedStatement ps = c.prepareStatement("SELECT d.sha256, d.file_name, d.taken_at, p.id, p.last_name,"
                     + " p.first_name FROM document d LEFT JOIN patient p ON p.id = d.patient_id"
                     + " WHERE d.sha256 IS NOT NULL ORDER BY d.id")) {
            ps.setFetchSize(1000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String hash = rs.getString(1);
                    if (!DocumentStore.isHash(hash) || !store.has(hash)) {
                        missing++;
                        continue;
                    }
                    long pid = rs.getLong(4);
                    String folder = rs.wasNull() ? UNFILED : patientPath(rs.getString(5), rs.getString(6), pid);
                    Set<String> names = taken.computeIfAbsent(folder, f -> new HashSet<>());
                    String base = FolderNames.safe(rs.getString(2));
                    String name = base;
                    for (int n = 2; !names.add(name.toLowerCase()); n++) {
                        name = FolderNames.numbered(base, n);
                    }
                    Path target = dir.resolve(folder).resolve(name);
                    Files.createDirectories(target.getParent());
                    long size = copy(store.path(hash), target);
                    Timestamp t = rs.getTimestamp(3);
                    if (t != null) {
                        Files.setLastModifiedTime(target, FileTime.from(t.toLocalDateTime()
                                .atZone(ZoneId.systemDefault()).toInstant()));
                    }
                    m.write(hash + "  " + folder + "/" + name + "\n");
                    files++;
                    bytes += size;
                    progress.update(files, filesTotal, bytes, bytesTotal);
                }
            }
        }
        return new Report(files, bytes, missing, dir.toString(), manifest.toString(),
                (System.nanoTime() - started) / 1_000_000);
    }

    private static String patientPath(String last, String first, long id) {
        String folder = FolderNames.patientFolder(last, first, id);
        return FolderNames.letterOf(folder) + "/" + folder;
    }

    /** Copies a stored content to a new file (never over one, never through a link). */
    private static long copy(Path from, Path to) throws IOException {
        try (var in = Files.newInputStream(from, LinkOption.NOFOLLOW_LINKS);
             OutputStream out = Files.newOutputStream(to, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                     LinkOption.NOFOLLOW_LINKS)) {
            long n = in.transferTo(out);
            Files.setPosixFilePermissions(to, PosixFilePermissions.fromString("rw-------"));
            return n;
        } catch (FileAlreadyExistsException | NoSuchFileException e) {
            throw new IOException("cannot write " + to + ": " + e.getMessage(), e);
        }
    }
}
