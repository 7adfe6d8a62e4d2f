package dev.cusp.docsync;

import dev.cusp.document.DocumentStore;
import dev.cusp.group.Member;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One file fetched from the first of the given sites that holds it. What arrives is appended to
 * the transfer's partial file and hashed on the way; a cut leaves the partial for the next
 * attempt, which asks only for the rest ({@code Range}). The file enters the store only once
 * its bytes hash to its name; a site that sends other bytes, or more than the row's size, is
 * not believed and the next one is asked.
 */
final class Transfer {
    private static final Logger LOG = LoggerFactory.getLogger(Transfer.class);

    /** Running totals, for status and tests. */
    static final class Counters {
        final AtomicLong files = new AtomicLong();
        final AtomicLong bytes = new AtomicLong();
        final AtomicLong resumed = new AtomicLong();
        final AtomicLong rejected = new AtomicLong();
    }

    private final PeerFetch peers;
    private final LocalContent store;
    private final Throttle throttle;
    private final Counters counters;

    Transfer(PeerFetch peers, LocalContent store, Throttle throttle, Counters counters) {
        this.peers = peers;
        this.store = store;
        this.throttle = throttle;
        this.counters = counters;
    }

    /** Null once the file is in the store; else why no site gave it (each site asked, and its answer). */
    String fetch(List<Member> candidates, String tenant, String db, String sha, long size) {
        if (store.has(db, sha)) {
            return null;
        }
        List<String> why = new java.util.ArrayList<>();
        for (Member m : candidates) {
            try {
                if (fetchFrom(m, tenant, db, sha, size)) {
                    return null;
                }
                why.add(m.name() + ": not there");
            } catch (IOException | RuntimeException e) {
                why.add(m.name() + ": " + e.getMessage());
            }
        }
        return why.isEmpty() ? "no other active member" : String.join("; ", why);
    }

    private boolean fetchFrom(Member m, String tenant, String db, String sha, long size) throws IOException {
        Path part = store.partial(db, sha);
        long offset = Files.exists(part) ? Files.size(part) : 0;
        if (size >= 0 && offset > size) {
            Files.delete(part);
            offset = 0;
        }
        PeerFetch.Body body = peers.open(m, tenant, sha, offset);
        if (body == null) {
            return false;
        }
        MessageDigest digest = DocumentStore.sha256();
        if (offset > 0 && !body.fromOffset()) {
            // The site sent the whole file: start over.
            Files.delete(part);
            offset = 0;
        }
        if (offset > 0) {
            hashInto(part, digest);
            counters.resumed.incrementAndGet();
            LOG.info("documents: {} {}: resuming at byte {} from {}", db, sha.substring(0, 12), offset, m.name());
        }
        if (!Files.exists(part)) {
            Files.createFile(part, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        }
        long written = offset;
        byte[] buf = new byte[65536];
        try (InputStream in = body.in();
             OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                if (store.has(db, sha)) {
                    // Stored meanwhile by a read-through: nothing more to fetch (the partial is dropped).
                    out.close();
                    Files.deleteIfExists(part);
                    return true;
                }
                throttle.take(n);
                written += n;
                if (size >= 0 && written > size) {
                    throw new IOException("site " + m.name() + " sent more than the row's " + size + " bytes");
                }
                out.write(buf, 0, n);
                digest.update(buf, 0, n);
                counters.bytes.addAndGet(n);
            }
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().contains("more than the row")) {
                Files.deleteIfExists(part);
                counters.rejected.incrementAndGet();
            }
            throw e;
        }
        if (size >= 0 && written < size) {
            // Cut short without an error: keep what came for the next attempt to resume.
            LOG.debug("documents: {} {}: {} of {} bytes from {}", db, sha, written, size, m.name());
            return false;
        }
        String got = java.util.HexFormat.of().formatHex(digest.digest());
        if (!got.equals(sha)) {
            Files.deleteIfExists(part);
            counters.rejected.incrementAndGet();
            LOG.warn("documents: {} {}: the bytes from {} hash to {}; not kept", db, sha, m.name(), got);
            return false;
        }
        store.adopt(db, sha, part);
        counters.files.incrementAndGet();
        return true;
    }

    private static void hashInto(Path f, MessageDigest d) throws IOException {
        byte[] buf = new byte[65536];
        try (InputStream in = Files.newInputStream(f)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                d.update(buf, 0, n);
            }
        }
    }
}
