package dev.cusp.docsync;

import dev.cusp.document.DocumentStore;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;

/**
 * A file read through from another site: what the reader gets is also written to a private
 * temporary file and hashed; at the end, bytes that hash to the file's name enter the store,
 * and any others are dropped and the reader gets an error instead of a clean end. A reader that
 * stops early leaves nothing behind.
 */
final class ThroughStream extends FilterInputStream {
    private final LocalContent store;
    private final String db;
    private final String sha;
    private final Transfer.Counters counters;
    private final Path scratch;
    private final OutputStream copy;
    private final MessageDigest digest = DocumentStore.sha256();
    private boolean done;

    ThroughStream(InputStream in, LocalContent store, String db, String sha, Transfer.Counters counters)
            throws IOException {
        super(in);
        this.store = store;
        this.db = db;
        this.sha = sha;
        this.counters = counters;
        this.scratch = store.scratch(db);
        this.copy = Files.newOutputStream(scratch);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n <= 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
            copy.write(b, off, n);
            digest.update(b, off, n);
            counters.bytes.addAndGet(n);
        } else if (n < 0 && !done) {
            finish();
        }
        return n;
    }

    private void finish() throws IOException {
        done = true;
        copy.close();
        String got = java.util.HexFormat.of().formatHex(digest.digest());
        if (!got.equals(sha)) {
            Files.deleteIfExists(scratch);
            counters.rejected.incrementAndGet();
            throw new IOException("the file read through from another site does not hash to " + sha);
        }
        store.adopt(db, sha, scratch);
        counters.files.incrementAndGet();
    }

    @Override
    public void close() throws IOException {
        try {
            super.close();
        } finally {
            if (!done) {
                done = true;
                copy.close();
                Files.deleteIfExists(scratch);
            }
        }
    }
}
