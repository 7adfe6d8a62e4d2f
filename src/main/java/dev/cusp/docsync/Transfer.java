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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
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

    private static final java.nio.file.attribute.FileAttribute<?> PRIVATE_FILE = java.nio.file.attribute
            .PosixFilePermissions.asFileAttribute(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    /** Where a batch's ledger is written and received files are renamed into place: a virtual thread each. */
    private static final java.util.concurrent.Executor ADOPT = r -> Thread.ofVirtual().name("documents-store").start(r);
    /** A worker's receive buffer: as large as the stream's read-ahead, so reads bypass it (one copy less). */
    private static final ThreadLocal<byte[]> RECEIVE_BUFFER = ThreadLocal.withInitial(
            () -> new byte[FileStream.READ_AHEAD]);
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
        boolean storedMeanwhile = false;
        try (InputStream in = body.in();
             OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                if (store.has(db, sha)) {
                    storedMeanwhile = true;
                    break;
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
        if (storedMeanwhile) {
            // Stored meanwhile by a read-through: nothing more to fetch (the partial is dropped).
            Files.deleteIfExists(part);
            return true;
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

    /** A file of a batch: its hash, and its size as its row states it (-1: not stated). */
    record Want(String sha, long size) {
    }

    /**
     * Fetches files of one practice: each site in turn, best first, is asked for all that are
     * still missing in one stream ({@link FileStream}: one request, where a request per file
     * cost more than the bytes); a file a cut transfer left partly received is resumed alone,
     * from where it stopped. Returns why, for each file no site gave (a file stored is absent).
     */
    Map<String, String> fetchAll(List<Member> candidates, String tenant, String db, List<Want> files) {
        Map<String, Want> left = new LinkedHashMap<>();
        Map<String, List<String>> why = new HashMap<>();
        for (Want w : files) {
            if (!store.has(db, w.sha())) {
                left.put(w.sha(), w);
            }
        }
        for (Member m : candidates) {
            if (left.isEmpty()) {
                break;
            }
            List<Want> whole = new ArrayList<>();
            for (Want w : List.copyOf(left.values())) {
                if (hasPartial(db, w.sha())) {
                    one(m, tenant, db, w, left, why);
                } else {
                    whole.add(w);
                }
            }
            if (!whole.isEmpty()) {
                streamFrom(m, tenant, db, whole, left, why);
            }
        }
        Map<String, String> out = new HashMap<>();
        for (String sha : left.keySet()) {
            List<String> w = why.get(sha);
            out.put(sha, w == null ? "no other active member" : String.join("; ", w));
        }
        return out;
    }

    private boolean hasPartial(String db, String sha) {
        try {
            return Files.exists(store.partial(db, sha));
        } catch (IOException e) {
            return false;
        }
    }

    /** One file from {@code m} alone (a resumed transfer, or a site without the stream route). */
    private void one(Member m, String tenant, String db, Want w, Map<String, Want> left, Map<String, List<String>> why) {
        try {
            if (fetchFrom(m, tenant, db, w.sha(), w.size())) {
                left.remove(w.sha());
            } else {
                note(why, w.sha(), m, "not there");
            }
        } catch (IOException | RuntimeException e) {
            note(why, w.sha(), m, e.getMessage());
        }
    }

    /** {@code whole} from {@code m} in one stream; each file stored as it arrives whole and hashes right. */
    private void streamFrom(Member m, String tenant, String db, List<Want> whole, Map<String, Want> left,
                            Map<String, List<String>> why) {
        java.util.Set<String> answered = new java.util.HashSet<>();
        List<Want> absent = new ArrayList<>();
        Map<Want, CompletableFuture<Path>> storing = new LinkedHashMap<>();
        Map<String, Long> lengths = new HashMap<>();
        // The batch's ledger, forced to disk beside the stream's first file: each file is renamed
        // into place as soon as it is whole, after the ledger and before it is forced (Unsettled).
        CompletableFuture<Unsettled.Ledger> ledger = CompletableFuture.supplyAsync(() -> {
            try {
                return store.beginUnsettled(db, whole.stream().map(Want::sha).toList());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot record the batch: " + e.getMessage(), e);
            }
        }, ADOPT);
        try (InputStream in = FileStream.open(peers, m, tenant, whole.stream().map(Want::sha).toList())) {
            if (in == null) {
                for (Want w : whole) {
                    one(m, tenant, db, w, left, why);
                }
                return;
            }
            for (Want w : whole) {
                FileStream.Frame f = FileStream.next(in);
                if (!f.sha().equals(w.sha())) {
                    throw new IOException("site " + m.name() + " sent " + f.sha() + " where " + w.sha() + " was due");
                }
                answered.add(w.sha());
                if (f.length() < 0) {
                    absent.add(w);
                } else {
                    Path part = receive(m, db, w, f.length(), in);
                    if (part == null) {
                        note(why, w.sha(), m, "its bytes did not hash to the file's name");
                    } else {
                        // Renamed beside the stream, which goes on with the next file meanwhile.
                        lengths.put(w.sha(), f.length());
                        storing.put(w, ledger.thenApplyAsync(l -> adopt(db, w.sha(), part), ADOPT));
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            for (Want w : whole) {
                if (left.containsKey(w.sha()) && !answered.contains(w.sha())) {
                    note(why, w.sha(), m, e.getMessage());
                }
            }
        } finally {
            List<Want> stored = new ArrayList<>();
            Unsettled.Ledger renamedUnder = ledger.exceptionally(e -> null).join();
            for (Map.Entry<Want, CompletableFuture<Path>> s : storing.entrySet()) {
                try {
                    Path folder = s.getValue().join();
                    if (folder != null) {
                        renamedUnder.renamed(s.getKey().sha(), lengths.get(s.getKey().sha()), folder);
                    }
                    stored.add(s.getKey());
                } catch (java.util.concurrent.CompletionException e) {
                    // Not renamed: its partial stays, and the next attempt stores it alone (fsynced).
                    note(why, s.getKey().sha(), m, "storing it failed: " + e.getCause().getMessage());
                }
            }
            if (renamedUnder != null) {
                store.endUnsettled(renamedUnder);
            }
            for (Want w : stored) {
                left.remove(w.sha());
                counters.files.incrementAndGet();
            }
        }
        // Asked alone, a site that is itself still fetching a file may read it through from another.
        for (Want w : absent) {
            one(m, tenant, db, w, left, why);
        }
    }

    /**
     * Receives one frame's {@code length} bytes into the file's partial, hashing them: the partial
     * when they hash to the file's name, for the caller to store; else null (dropped). A stream
     * cut here leaves the partial for the next attempt to resume; a frame longer than the row's
     * size is refused.
     */
    private Path receive(Member m, String db, Want w, long length, InputStream in) throws IOException {
        String sha = w.sha();
        if (w.size() >= 0 && length > w.size()) {
            counters.rejected.incrementAndGet();
            throw new IOException("site " + m.name() + " sent " + length + " bytes for a file whose row says "
                    + w.size());
        }
        Path part = store.partial(db, sha);
        MessageDigest digest = DocumentStore.sha256();
        byte[] buf = RECEIVE_BUFFER.get();
        try (java.nio.channels.FileChannel out = java.nio.channels.FileChannel.open(part, java.util.Set.of(
                StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE),
                PRIVATE_FILE)) {
            long written = 0;
            while (written < length) {
                // A TLS read gives one record (16 KB) at most: gather a whole buffer before writing
                // and hashing, so a 2 GB folder costs a few thousand writes, not a hundred thousand.
                int want = (int) Math.min(buf.length, length - written);
                int n = 0;
                while (n < want) {
                    int r = in.read(buf, n, want - n);
                    if (r < 0) {
                        if (n > 0) {
                            out.write(java.nio.ByteBuffer.wrap(buf, 0, n));
                        }
                        throw new java.io.EOFException("site " + m.name() + " cut the stream " + (written + n)
                                + " bytes into " + sha.substring(0, 12) + " (kept, to resume)");
                    }
                    throttle.take(r);
                    n += r;
                }
                java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(buf, 0, n);
                while (b.hasRemaining()) {
                    out.write(b);
                }
                digest.update(buf, 0, n);
                written += n;
                counters.bytes.addAndGet(n);
            }
        }
        String got = java.util.HexFormat.of().formatHex(digest.digest());
        if (!got.equals(sha)) {
            Files.deleteIfExists(part);
            counters.rejected.incrementAndGet();
            LOG.warn("documents: {} {}: the bytes from {} hash to {}; not kept", db, sha, m.name(), got);
            return null;
        }
        return part;
    }

    /**
     * Stores a received file that hashed to its name, unforced under the batch's ledger (a
     * read-through may have stored it meanwhile: that one stays); the folder renamed into, or null.
     */
    private Path adopt(String db, String sha, Path part) {
        try {
            return store.adoptUnsettled(db, sha, part);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void note(Map<String, List<String>> why, String sha, Member m, String reason) {
        why.computeIfAbsent(sha, k -> new ArrayList<>()).add(m.name() + ": " + reason);
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
