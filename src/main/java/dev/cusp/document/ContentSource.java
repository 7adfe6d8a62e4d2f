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
}
