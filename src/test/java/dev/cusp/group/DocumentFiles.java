package dev.cusp.group;

import dev.cusp.document.DocumentStore;
import dev.cusp.document.DocumentStores;
import dev.cusp.support.TestSite;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.HexFormat;
import java.util.Random;

/**
 * What the document replication tests do to a site's files: add a document as an upload does
 * (content into the practice's store, then its row, written at that site so that it replicates),
 * and look at what a site holds.
 */
final class DocumentFiles {
    private DocumentFiles() {
    }

    /** Random bytes of {@code size}, reproducible from {@code seed}. */
    static byte[] bytes(long seed, int size) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    static String sha(byte[] b) {
        return HexFormat.of().formatHex(DocumentStore.sha256().digest(b));
    }

    static DocumentStore store(TestSite s, String db) {
        return new DocumentStores(s.site.home().documents()).of(db);
    }

    /** Stores {@code content} at {@code s} and writes its row there; returns its hash. */
    static String upload(TestSite s, String db, String name, byte[] content) throws Exception {
        String sha;
        try (InputStream in = new ByteArrayInputStream(content)) {
            sha = store(s, db).put(in, null, Long.MAX_VALUE).sha256();
        }
        try (Connection c = s.site.node().adminConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO `" + db + "`.document (patient_id, file_name, mime_type, size_bytes, sha256)"
                        + " VALUES (1, ?, 'application/octet-stream', ?, ?)")) {
            ps.setString(1, name);
            ps.setLong(2, content.length);
            ps.setString(3, sha);
            ps.executeUpdate();
        }
        return sha;
    }

    /** True when {@code s} holds the file and its bytes hash to its name. */
    static boolean holds(TestSite s, String db, String sha) throws Exception {
        Path f = store(s, db).path(sha);
        if (!Files.isRegularFile(f)) {
            return false;
        }
        try (InputStream in = Files.newInputStream(f)) {
            java.security.MessageDigest d = DocumentStore.sha256();
            byte[] buf = new byte[65536];
            for (int n; (n = in.read(buf)) > 0; ) {
                d.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(d.digest()).equals(sha);
        }
    }
}
