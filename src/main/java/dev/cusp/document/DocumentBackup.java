package dev.cusp.document;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Collection;
import java.util.TreeSet;

/**
 * The files of a practice's backup: every content its rows refer to, in the store's own layout
 * ({@code sha256/ab/<hash>}) under a new folder beside the database backup, and a manifest
 * {@code manifest.sha256} ({@code sha256sum -c} format) listing each hash the backup holds and
 * each one it lacks (a row whose content is not at this site yet: {@code # missing <hash>}).
 * Contents never change once stored, so a content is hard-linked where the folder is on the
 * store's file system (no second copy of gigabytes of x-rays) and copied where it is not.
 */
public final class DocumentBackup {
    public static final String MANIFEST = "manifest.sha256";

    private DocumentBackup() {
    }

    /** What went into a backup's folder. */
    public record Result(Path dir, long files, long bytes, long missing) {
    }

    /** Writes the backup folder {@code dir} (new) for the hashes {@code referenced}. */
    public static Result write(DocumentStore store, Collection<String> referenced, Path dir) throws IOException {
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        long files = 0;
        long bytes = 0;
        long missing = 0;
        try (Writer m = Files.newBufferedWriter(dir.resolve(MANIFEST), StandardCharsets.UTF_8,
                StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
            for (String h : new TreeSet<>(referenced)) {
                if (!DocumentStore.isHash(h)) {
                    continue;
                }
                Path from = store.path(h);
                if (!Files.isRegularFile(from, LinkOption.NOFOLLOW_LINKS)) {
                    m.write("# missing " + h + "\n");
                    missing++;
                    continue;
                }
                String rel = DocumentStore.OBJECTS + "/" + h.substring(0, 2) + "/" + h;
                Path to = dir.resolve(rel);
                Files.createDirectories(to.getParent());
                try {
                    Files.createLink(to, from);
                } catch (FileSystemException | UnsupportedOperationException e) {
                    Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                }
                m.write(h + "  " + rel + "\n");
                files++;
                bytes += Files.size(to);
            }
        }
        return new Result(dir, files, bytes, missing);
    }
}
