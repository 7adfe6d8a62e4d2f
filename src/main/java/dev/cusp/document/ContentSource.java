package dev.cusp.document;

import java.io.IOException;
import java.nio.channels.FileChannel;

/**
 * Where a download reads a content from: this site's store, or (with replication) a peer
 * that holds it. Throws {@link java.nio.file.NoSuchFileException} when no one has it.
 */
@FunctionalInterface
public interface ContentSource {
    /**
     * @param db     the practice's database name (its store)
     * @param sha256 the content's hash, already checked to be one
     */
    FileChannel open(String db, String sha256) throws IOException;

    /**
     * Read-through, when {@link #open} found nothing here: the content's bytes streamed from
     * another site that holds them, stored here on the way (document replication, see
     * {@code dev.cusp.docsync.DocumentSync}). Empty when no reachable site holds it; a
     * {@code dev.cusp.error.RetryLater} when the practice has as many read-throughs in flight here
     * as a site allows. Closing the stream ends the read-through and frees its place.
     *
     * @param tenant the practice's name (what the other site knows it by)
     */
    default java.util.Optional<java.io.InputStream> readThrough(String tenant, String db, String sha256)
            throws IOException {
        return java.util.Optional.empty();
    }

    /**
     * Read-through of a range: bytes {@code first} to {@code first + length - 1} of the content of
     * {@code size} bytes (as its row states), as another site sends them, without reading the
     * file from its start. Empty when no reachable site gives it; a {@code RetryLater} as above.
     * These bytes are not checked against the hash (only a whole content can be).
     */
    default java.util.Optional<java.io.InputStream> readThrough(String tenant, String db, String sha256, long size,
                                                               long first, long length) throws IOException {
        return java.util.Optional.empty();
    }
}
