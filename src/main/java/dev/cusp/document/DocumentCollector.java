package dev.cusp.document;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Removes a practice's contents that no {@code document} row refers to any more, once they have
 * gone unreferenced for a grace period (setting {@code document.gc.grace.minutes}). The grace
 * covers what replication has not carried yet: a row deleted here may still be wanted by a row
 * another site inserted a moment ago, and a content fetched or uploaded just now may be waiting
 * for its row. A content is collected only when (1) no row refers to it, (2) it was first seen
 * unreferenced at least the grace period ago (a marker file {@code unreferenced/<hash>} whose
 * time is that moment, so a restart does not forget it), and (3) it was not written or put again
 * within the grace period.
 */
public final class DocumentCollector {
    static final String MARKERS = "unreferenced";

    private DocumentCollector() {
    }

    /** What one pass did. */
    public record Pass(int collected, int waiting, int partialsSwept) {
    }

    /**
     * One pass over a store.
     *
     * @param referenced every hash the practice's rows refer to, read just before
     */
    public static Pass collect(DocumentStore store, Set<String> referenced, Duration grace, Instant now)
            throws IOException {
        Path markers = store.folder().resolve(MARKERS);
        Files.createDirectories(markers);
        Instant cutoff = now.minus(grace);
        int collected = 0;
        int waiting = 0;
        List<String> stored = store.hashes();
        Set<String> unreferenced = new HashSet<>();
        for (String h : stored) {
            if (referenced.contains(h)) {
                continue;
            }
            unreferenced.add(h);
            Path marker = markers.resolve(h);
            try {
                Files.createFile(marker);
            } catch (FileAlreadyExistsException seen) {
                // First seen unreferenced at an earlier pass: its time is the marker's.
            }
            Instant since = Files.getLastModifiedTime(marker, LinkOption.NOFOLLOW_LINKS).toInstant();
            if (!since.isAfter(cutoff) && store.deleteIfIdleSince(h, cutoff)) {
                Files.deleteIfExists(marker);
                collected++;
            } else {
                waiting++;
            }
        }
        // A content referenced again (or gone) loses its marker: its grace starts over next time.
        try (DirectoryStream<Path> ms = Files.newDirectoryStream(markers)) {
            for (Path m : ms) {
                if (!unreferenced.contains(m.getFileName().toString())) {
                    Files.deleteIfExists(m);
                }
            }
        }
        int swept = store.sweepPartials(now.minus(Duration.ofDays(1)).isBefore(cutoff) ? now.minus(Duration.ofDays(1))
                : cutoff);
        return new Pass(collected, waiting, swept);
    }
}
