package dev.cusp.document;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.cusp.practice.Actor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Brings an existing A-to-Z folder into a practice ({@code cusp tenant import-documents}). Each
 * patient folder is matched once: by its number when a patient has that id and the folder's
 * letters do not name someone else; otherwise by name when exactly one patient has it; otherwise
 * its files are kept without a patient, in category {@value Documents#UNFILED}, the folder's
 * path in their description. Files outside letter folders are unfiled too.
 *
 * <p>Idempotent: a file whose content, name and patient already have a row is skipped (its
 * bytes are only read to hash them), so a second run adds nothing and an interrupted run goes
 * on where it stopped. Links are never followed and only regular files are read: the folder is
 * on the site's machine, and the site may run as root.
 */
public final class FolderImport {
    private static final Set<String> SKIPPED_NAMES = Set.of("thumbs.db", "desktop.ini", "thumbnails");
    /**
     * Files read and stored at once. Each file's fsync (and its folder's) waits on the disk, not
     * the CPU: more of them in flight let the file system commit them together, where cp -r
     * followed by one sync writes everything back at once.
     */
    private static final int PARALLEL = 8;
    /** Files stored ahead of their rows at most. */
    private static final int WINDOW = 64;
    /** Rows per transaction. */
    private static final int BATCH = 64;

    /** What an import did. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Report(long files, long bytes, long added, long alreadyThere, int foldersByNumber, int foldersByName,
                         int foldersUnfiled, long unfiledFiles, long skipped, List<String> unmatchedFolders,
                         long elapsedMs) {
    }

    /** Told after each file: files and bytes done so far, of the totals. */
    @FunctionalInterface
    public interface Progress {
        void update(long files, long filesTotal, long bytes, long bytesTotal);
    }

    private record Item(Path file, long size, String folder, boolean patientFolder) {
    }

    private record Patient(long id, String letters, Long mergedInto) {
    }

    private record Match(Long patientId, String how) {
    }

    private FolderImport() {
    }

    /**
     * Imports {@code dir} (a real, checked folder) into {@code store} and the practice behind
     * {@code c} (autocommit; each file's row is its own transaction).
     */
    public static Report run(Path dir, DocumentStore store, Connection c, Actor actor, long maxBytes,
                             Progress progress) throws IOException, SQLException {
        long started = System.nanoTime();
        long[] skipped = {0};
        List<Item> items = scan(dir, skipped);
        long bytesTotal = items.stream().mapToLong(Item::size).sum();
        Map<Long, Patient> byId = new HashMap<>();
        Map<String, List<Patient>> byName = new HashMap<>();
        patients(c, byId, byName);
        Map<RowKey, List<String>> rows = rows(c);
        Map<String, Match> folders = new LinkedHashMap<>();
        int byNumber = 0;
        int byLetters = 0;
        int unfiled = 0;
        List<String> unmatched = new ArrayList<>();
        long files = 0;
        long bytes = 0;
        long added = 0;
        long there = 0;
        long unfiledFiles = 0;
        java.util.ArrayDeque<Pending> pending = new java.util.ArrayDeque<>();
        Batch batch = new Batch();
        ExecutorService workers = Executors.newFixedThreadPool(PARALLEL, Thread.ofVirtual().factory());
        try {
            for (Item it : items) {
                Match m = folders.get(it.folder());
                if (m == null) {
                    m = it.patientFolder() ? match(it.folder(), byId, byName) : new Match(null, "unfiled");
                    folders.put(it.folder(), m);
                    switch (m.how()) {
                        case "number" -> byNumber++;
                        case "name" -> byLetters++;
                        default -> {
                            unfiled++;
                            if (unmatched.size() < 200) {
                                unmatched.add(it.folder());
                            }
                        }
                    }
                }
                if (m.patientId() == null) {
                    unfiledFiles++;
                }
                String name = it.file().getFileName().toString();
                String fileName = name.length() > Documents.MAX_FILE_NAME ? name.substring(0, Documents.MAX_FILE_NAME)
                        : name;
                if (it.size() > maxBytes) {
                    skipped[0]++;
                } else if (alreadyThere(rows, it, fileName, m.patientId())) {
                    there++;
                } else {
                    // Files are read, hashed, written and fsynced by a few workers at once (the fsyncs
                    // overlap); their rows are written here, in order, a batch per transaction.
                    Match match = m;
                    String description = m.patientId() == null ? shorten("from " + it.folder()) : null;
                    LocalDateTime taken = LocalDateTime.ofInstant(Files.getLastModifiedTime(it.file(),
                            LinkOption.NOFOLLOW_LINKS).toInstant(), ZoneId.systemDefault());
                    NewDocument d = new NewDocument(match.patientId(), fileName, description, FolderNames.mimeOf(name),
                            match.patientId() == null ? Documents.UNFILED : null, taken);
                    pending.add(new Pending(d, workers.submit(() -> {
                        try (InputStream in = open(it.file())) {
                            return store.put(in, null, maxBytes);
                        }
                    })));
                }
                while (pending.size() > WINDOW || (!pending.isEmpty() && pending.peek().stored().isDone())) {
                    added += write(c, actor, pending.poll(), batch, rows);
                }
                files++;
                bytes += it.size();
                progress.update(files, items.size(), bytes, bytesTotal);
            }
            while (!pending.isEmpty()) {
                added += write(c, actor, pending.poll(), batch, rows);
            }
            batch.commit(c);
        } catch (SQLException | IOException | RuntimeException e) {
            batch.rollback(c);
            throw e;
        } finally {
            workers.shutdownNow();
        }
        there += batch.duplicates;
        added -= batch.duplicates;
        return new Report(files, bytes, added, there, byNumber, byLetters, unfiled, unfiledFiles, skipped[0],
                unmatched, (System.nanoTime() - started) / 1_000_000);
    }

    /** Every regular file to import, in a stable order; links, devices and system files are skipped. */
    private static List<Item> scan(Path dir, long[] skipped) throws IOException {
        List<Item> out = new ArrayList<>();
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a) {
                String n = d.getFileName() == null ? "" : d.getFileName().toString();
                if (!d.equals(dir) && (n.startsWith(".") || SKIPPED_NAMES.contains(n.toLowerCase()))) {
                    skipped[0]++;
                    return FileVisitResult.SKIP_SUBTREE;
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes a) {
                String n = f.getFileName().toString();
                boolean exportManifest = f.getParent().equals(dir) && n.equals(FolderExport.MANIFEST);
                if (!a.isRegularFile() || n.startsWith(".") || SKIPPED_NAMES.contains(n.toLowerCase())
                        || exportManifest) {
                    skipped[0]++;
                    return FileVisitResult.CONTINUE;
                }
                Path rel = dir.relativize(f);
                boolean patient = rel.getNameCount() >= 3 && FolderNames.isLetter(rel.getName(0).toString());
                String folder = patient ? rel.subpath(0, 2).toString()
                        : rel.getParent() == null ? "." : rel.getParent().toString();
                out.add(new Item(f, a.size(), folder, patient));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path f, IOException e) {
                skipped[0]++;
                return FileVisitResult.CONTINUE;
            }
        });
        out.sort((x, y) -> x.file().compareTo(y.file()));
        return out;
    }

    private static Match match(String folder, Map<Long, Patient> byId, Map<String, List<Patient>> byName) {
        FolderNames.PatientFolder f = FolderNames.parse(Path.of(folder).getFileName().toString());
        if (f.number() != null) {
            Patient p = byId.get(f.number());
            if (p != null && (f.letters().isEmpty() || f.letters().equals(p.letters()))) {
                return new Match(follow(p, byId), "number");
            }
        }
        List<Patient> named = byName.getOrDefault(f.letters(), List.of());
        if (!f.letters().isEmpty() && named.size() == 1) {
            return new Match(follow(named.get(0), byId), "name");
        }
        return new Match(null, "unfiled");
    }

    /** A merged patient's documents belong to the patient it was merged into. */
    private static long follow(Patient p, Map<Long, Patient> byId) {
        Patient at = p;
        for (int hops = 0; at.mergedInto() != null && hops < 10; hops++) {
            Patient next = byId.get(at.mergedInto());
            if (next == null) {
                break;
            }
            at = next;
        }
        return at.id();
    }

    private static void patients(Connection c, Map<Long, Patient> byId, Map<String, List<Patient>> byName)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id, last_name, first_name, merged_into_id FROM patient")) {
            ps.setFetchSize(1000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long merged = rs.getLong(4);
                    Long mergedInto = rs.wasNull() ? null : merged;
                    Patient p = new Patient(rs.getLong(1), FolderNames.letters(rs.getString(2) + rs.getString(3)),
                            mergedInto);
                    byId.put(p.id(), p);
                    if (p.mergedInto() == null) {
                        byName.computeIfAbsent(p.letters(), k -> new ArrayList<>()).add(p);
                    }
                }
            }
        }
    }

    /** A row's file name, size and patient: what makes a file of the folder "already there" with its hash. */
    private record RowKey(String fileName, long size, Long patientId) {
    }

    /**
     * The practice's rows that hold content, read once: a query per file (twice: before and
     * after storing it) cost more than storing the file. Rows this import adds join the map.
     */
    private static Map<RowKey, List<String>> rows(Connection c) throws SQLException {
        Map<RowKey, List<String>> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT file_name, size_bytes, patient_id, sha256 FROM document"
                + " WHERE sha256 IS NOT NULL AND size_bytes IS NOT NULL")) {
            ps.setFetchSize(1000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long patient = rs.getLong(3);
                    Long patientId = rs.wasNull() ? null : patient;
                    out.computeIfAbsent(new RowKey(rs.getString(1), rs.getLong(2), patientId), k -> new ArrayList<>(1))
                            .add(rs.getString(4));
                }
            }
        }
        return out;
    }

    /**
     * True when a row with this name, size and patient already holds this file's bytes: only then
     * is the file read, to hash it, and nothing is written.
     */
    private static boolean alreadyThere(Map<RowKey, List<String>> rows, Item it, String fileName, Long patientId)
            throws IOException {
        List<String> hashes = rows.get(new RowKey(fileName, it.size(), patientId));
        if (hashes == null) {
            return false;
        }
        MessageDigest sha = DocumentStore.sha256();
        try (InputStream in = open(it.file())) {
            byte[] buf = new byte[128 * 1024];
            for (int n; (n = in.read(buf)) != -1; ) {
                sha.update(buf, 0, n);
            }
        }
        return hashes.contains(HexFormat.of().formatHex(sha.digest()));
    }

    private record Pending(NewDocument document, Future<DocumentStore.Stored> stored) {
    }

    /** The open transaction of the rows written so far: committed every {@value #BATCH} rows. */
    private static final class Batch {
        int rows;
        long duplicates;
        /** Patients whose row this transaction holds (read with a shared lock). */
        final Set<Long> patients = new java.util.HashSet<>();

        void commit(Connection c) throws SQLException {
            if (!c.getAutoCommit()) {
                c.commit();
                c.setAutoCommit(true);
            }
            rows = 0;
            patients.clear();
        }

        void rollback(Connection c) {
            try {
                patients.clear();
                if (!c.getAutoCommit()) {
                    c.rollback();
                    c.setAutoCommit(true);
                }
            } catch (SQLException ignored) {
                // The connection goes back to the pool, which resets it.
            }
        }
    }

    /** Writes the row of a stored file; 1 when it was new. */
    private static int write(Connection c, Actor actor, Pending p, Batch batch, Map<RowKey, List<String>> rows)
            throws SQLException, IOException {
        DocumentStore.Stored s;
        try {
            s = p.stored().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException(e.getCause().getMessage(), e.getCause());
        }
        NewDocument d = p.document();
        if (c.getAutoCommit()) {
            c.setAutoCommit(false);
        }
        List<String> same = rows.computeIfAbsent(new RowKey(d.fileName(), s.size(), d.patientId()),
                k -> new ArrayList<>(1));
        if (same.contains(s.sha256())) {
            // The same file twice in the folder (or a row added since the walk began): one row.
            batch.duplicates++;
            return 1;
        }
        // A patient's row is locked once per transaction (the import's files come patient by patient).
        boolean check = d.patientId() != null && batch.patients.add(d.patientId());
        Documents.insertRow(c, actor, d, s.sha256(), s.size(), check);
        same.add(s.sha256());
        if (++batch.rows >= BATCH) {
            batch.commit(c);
        }
        return 1;
    }

    /** Opens a file the walk found, never through a link put there since. */
    private static InputStream open(Path f) throws IOException {
        return Channels.newInputStream(Files.newByteChannel(f, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
    }

    private static String shorten(String s) {
        return s.length() <= Documents.MAX_DESCRIPTION ? s : s.substring(0, Documents.MAX_DESCRIPTION);
    }
}
