package dev.cusp.backup;

import dev.cusp.node.DataFiles;
import dev.cusp.node.NodeConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The two bulk steps of a {@code tablespace} backup, each run side by side: copying the tables'
 * files to the staging folder (under the practice's write lock: the shorter, the less writers
 * wait) and compressing them into the backup (after the lock).
 */
final class TableFiles {
    /** The file extensions of one table, in the order the manifest lists them. */
    static final List<String> EXTENSIONS = List.of(".ibd", ".cfg");
    /**
     * Copy streams at once. Measured on the 2-core bench machine (a virtual disk), a cold
     * 260 MiB tablespace: one stream 0.3-0.9 s, two 0.2-0.4 s, four no better than two.
     */
    static final int COPY_STREAMS = 2;
    /** A large tablespace is copied in parts of this size, so its parts go side by side. */
    static final long PART = 32L << 20;


    /** fsyncs at once at the end of a backup's compression. */
    static final int SYNC_STREAMS = 8;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TableFiles.class);

    private TableFiles() {
    }

    /**
     * Reads every table's {@code .ibd} of {@code db} once, before the lock (see
     * {@link DataFiles#readAhead}): the copy under the lock then reads memory instead of disk.
     */
    static void readAhead(NodeConfig node, String db, List<String> tables) {
        try {
            List<Part> parts = new ArrayList<>();
            for (String t : tables) {
                String name = t + ".ibd";
                long size = DataFiles.size(node, db, name);
                for (long off = 0; off < size; off += PART) {
                    parts.add(new Part(name, null, off, Math.min(PART, size - off)));
                }
            }
            run(parts, p -> DataFiles.readAhead(node, db, p.name(), p.offset(), p.length()));
        } catch (IOException e) {
            // Only a head start (a table dropped meanwhile, say): the lock's own checks and the
            // copy under it decide whether the backup can be made.
            LOG.info("{}: reading the tables ahead of the backup's lock stopped: {}", db, e.getMessage());
        }
    }

    /**
     * Copies every table's {@code .cfg} and {@code .ibd} of {@code db} into {@code staging}, the
     * parts of large files side by side. The caller holds the tables' export lock.
     */
    static void copy(NodeConfig node, String db, List<String> tables, Path staging) throws IOException {
        copy(node, db, tables, staging, PART);
    }

    /** As {@link #copy(NodeConfig, String, List, Path)}, in parts of {@code part} bytes. */
    static void copy(NodeConfig node, String db, List<String> tables, Path staging, long part) throws IOException {
        List<Part> parts = new ArrayList<>();
        for (String t : tables) {
            for (String ext : EXTENSIONS) {
                String name = t + ext;
                Path target = Files.createFile(staging.resolve(name));
                long size = DataFiles.size(node, db, name);
                for (long off = 0; off < size; off += part) {
                    parts.add(new Part(name, target, off, Math.min(part, size - off)));
                }
            }
        }
        run(parts, p -> {
            long n = DataFiles.copyRange(node, db, p.name(), p.target(), p.offset(), p.length());
            if (n != p.length()) {
                throw new IOException("copied " + n + " of " + p.length() + " bytes of " + p.name() + " at "
                        + p.offset());
            }
            return n;
        });
    }

    private interface PartWork {
        long on(Part p) throws IOException;
    }

    /** Runs {@code work} on every part, {@link #COPY_STREAMS} at once, in file order (reads stay sequential). */
    private static void run(List<Part> parts, PartWork work) throws IOException {
        try (ExecutorService pool = Executors.newFixedThreadPool(COPY_STREAMS, Thread.ofPlatform()
                .name("backup-copy-", 0).daemon().factory())) {
            List<Future<Long>> done = new ArrayList<>();
            for (Part p : parts) {
                done.add(pool.submit(() -> work.on(p)));
            }
            awaitAll(done);
        }
    }

    /**
     * Compresses the staged files into {@code tablesDir} (largest first, side by side), deleting
     * each staged file once it is compressed; returns their entries in the manifest's order.
     */
    static List<BackupManifest.FileEntry> compress(List<String> tables, Path staging, Path tablesDir)
            throws IOException {
        record Job(String table, String ext, long size) {
        }
        List<Job> jobs = new ArrayList<>();
        for (String t : tables) {
            for (String ext : EXTENSIONS) {
                jobs.add(new Job(t, ext, Files.size(staging.resolve(t + ext))));
            }
        }
        List<Job> bySize = jobs.stream().sorted(Comparator.comparingLong(Job::size).reversed()).toList();
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
        java.util.Map<Job, Future<BackupFiles.Written>> written = new java.util.HashMap<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads, Thread.ofPlatform()
                .name("backup-zstd-", 0).daemon().factory())) {
            for (Job j : bySize) {
                written.put(j, pool.submit(() -> {
                    Path from = staging.resolve(j.table() + j.ext());
                    BackupFiles.Written w;
                    try (InputStream in = Files.newInputStream(from)) {
                        w = BackupFiles.compress(in, tablesDir.resolve(j.table() + j.ext() + ".zst"), false);
                    }
                    Files.delete(from);
                    return w;
                }));
            }
            awaitAll(List.copyOf(written.values()));
        }
        // All at once, after compressing, not each after its file: the compressing threads never
        // wait for the disk (measured: 50-60 ms for the 32 files of the bench practice).
        syncAll(jobs.stream().map(j -> tablesDir.resolve(j.table() + j.ext() + ".zst")).toList());
        List<BackupManifest.FileEntry> out = new ArrayList<>();
        for (Job j : jobs) {
            BackupFiles.Written w = get(written.get(j));
            out.add(new BackupManifest.FileEntry("tables/" + j.table() + j.ext() + ".zst",
                    j.ext().equals(".ibd") ? "tablespace" : "table-config", w.bytes(), w.rawBytes(), w.sha256()));
        }
        return out;
    }

    private static void syncAll(List<Path> files) throws IOException {
        long s0 = System.nanoTime();
        try (ExecutorService pool = Executors.newFixedThreadPool(SYNC_STREAMS, Thread.ofPlatform()
                .name("backup-sync-", 0).daemon().factory())) {
            List<Future<Long>> synced = new ArrayList<>();
            for (Path f : files) {
                synced.add(pool.submit(() -> {
                    BackupFiles.sync(f);
                    return 0L;
                }));
            }
            awaitAll(synced);
        }
        LOG.debug("synced {} backup files in {} ms", files.size(), (System.nanoTime() - s0) / 1_000_000);
    }

    private record Part(String name, Path target, long offset, long length) {
    }

    /** Waits for every task; the first failure is thrown (as IOException when it was one) after all ended. */
    private static void awaitAll(List<? extends Future<?>> tasks) throws IOException {
        IOException first = null;
        for (Future<?> f : tasks) {
            try {
                get(f);
            } catch (IOException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private static <T> T get(Future<T> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IOException(e.getCause());
        }
    }
}
