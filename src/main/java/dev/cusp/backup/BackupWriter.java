package dev.cusp.backup;

import dev.cusp.base.JsonMapping;
import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import dev.cusp.node.NodeConfig;
import dev.cusp.tenant.Tenant;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes one practice's backup (method {@code tablespace}; see the package description): lock
 * the practice's tables for writing only while their files are copied on the node's own disk,
 * then compress and checksum them into the backup folder. Nothing is written to the binary log,
 * so a backup never replicates; the practice's own objects (views, routines) are never run.
 */
public final class BackupWriter {
    private static final Logger LOG = LoggerFactory.getLogger(BackupWriter.class);
    private static final DateTimeFormatter ID = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
    /** Names whose data file is the name itself (MariaDB encodes any other character in file names). */
    static final Pattern PLAIN_TABLE = Pattern.compile("[A-Za-z0-9_]{1,64}");

    /**
     * More files to put into a backup (the practice's documents): called with the backup's
     * folder while it is being written; returns the entries of the files it wrote there.
     */
    @FunctionalInterface
    public interface ExtraFiles {
        List<BackupManifest.FileEntry> write(Tenant tenant, Path backupFolder) throws IOException;
    }

    private final DataSource admin;
    private final NodeConfig node;
    private final BackupStore store;
    private final String site;
    private final ConcurrentHashMap<String, Boolean> running = new ConcurrentHashMap<>();
    private volatile ExtraFiles extra = (t, folder) -> List.of();
    private volatile boolean schemaObjects = true;

    public BackupWriter(DataSource admin, NodeConfig node, BackupStore store, String site) {
        this.admin = admin;
        this.node = node;
        this.store = store;
        this.site = site;
    }

    /** Who adds more files to every backup (see {@link ExtraFiles}). */
    public void extraFiles(ExtraFiles extra) {
        this.extra = extra;
    }

    /**
     * Backups written from now on carry no views, routines or events, and no entry for them: a
     * restore's rebuilt copy of a backup that carried none ({@link SchemaObjects#carried}), so
     * that every site that puts it in place keeps the practice's own.
     */
    public BackupWriter withoutSchemaObjects() {
        this.schemaObjects = false;
        return this;
    }

    public BackupStore store() {
        return store;
    }

    /**
     * Backs up {@code t} now.
     *
     * @param kind {@code scheduled}, {@code manual}, or the caller's word (see {@link BackupManifest#kind()})
     * @throws CuspException CONFLICT when a backup of the same practice is running, or the
     *                       practice holds a table this method cannot copy (named)
     */
    public BackupStore.Stored write(Tenant t, String kind) {
        if (running.putIfAbsent(t.dbName(), Boolean.TRUE) != null) {
            throw new CuspException(ErrorCode.CONFLICT, "a backup of " + t.name() + " is already running");
        }
        try {
            return writeAlone(t, kind);
        } finally {
            running.remove(t.dbName());
        }
    }

    private BackupStore.Stored writeAlone(Tenant t, String kind) {
        long start = System.nanoTime();
        String id = store.freeId(t.dbName(), ID.format(Instant.now()));
        Path partial = store.newPartial(t.dbName(), id);
        // In the node folder, which is root's (as PhysicalSnapshot's staging): the node's tmp is the
        // database OS user's, who could swap a folder there for a link while root copies into it.
        Path staging = node.dir().resolve(STAGING + UUID.randomUUID());
        try (Connection counter = admin.getConnection()) {
            Files.createDirectories(staging);
            Locked locked;
            counter.setAutoCommit(false);
            try {
                locked = lockAndCopy(t, staging, counter);
                long unlocked = System.nanoTime();
                // Counted in the snapshot opened under the lock (the files' moment), while the files
                // are compressed: writers are not held for either.
                List<String> names = locked.tables().stream().map(BackupManifest.Table::name).toList();
                CompletableFuture<Map<String, Long>> counts = CompletableFuture.supplyAsync(
                        () -> count(counter, t.dbName(), names));
                List<BackupManifest.FileEntry> files = TableFiles.compress(names, staging,
                        Files.createDirectories(partial.resolve("tables")));
                long compressed = System.nanoTime();
                Map<String, Long> rows = join(counts);
                LOG.info("tenant {}: backup files compressed and synced in {} ms after the lock; the row counts came"
                        + " {} ms later", t.name(), (compressed - unlocked) / 1_000_000,
                        (System.nanoTime() - compressed) / 1_000_000);
                locked = locked.withRows(rows);
                if (schemaObjects) {
                    files = SchemaObjects.withStored(files, staging, partial);
                }
                return finish(t, kind, id, partial, locked, files, start);
            } finally {
                counter.rollback();
                counter.setAutoCommit(true);
            }
        } catch (IOException e) {
            BackupStore.deleteTree(partial);
            throw new CuspException(ErrorCode.UNAVAILABLE, "backup of " + t.name() + " failed: cannot write "
                    + e.getMessage() + "; nothing was kept", null, e);
        } catch (SQLException e) {
            BackupStore.deleteTree(partial);
            throw new CuspException(ErrorCode.UNAVAILABLE, "backup of " + t.name() + " failed: " + e.getMessage()
                    + "; nothing was kept", null, e);
        } catch (RuntimeException e) {
            BackupStore.deleteTree(partial);
            throw e;
        } finally {
            BackupStore.deleteTree(staging);
        }
    }

    private static Map<String, Long> join(CompletableFuture<Map<String, Long>> counts) throws SQLException {
        try {
            return counts.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof SQLException q) {
                throw q;
            }
            throw e;
        }
    }

    private BackupStore.Stored finish(Tenant t, String kind, String id, Path partial, Locked locked,
                                      List<BackupManifest.FileEntry> tableFiles, long start) throws IOException {
        List<BackupManifest.FileEntry> files = new ArrayList<>(tableFiles);
        long raw = files.stream().mapToLong(BackupManifest.FileEntry::rawBytes).sum();
        files.addAll(extra.write(t, partial));
        long bytes = files.stream().mapToLong(BackupManifest.FileEntry::bytes).sum();
        BackupManifest m = new BackupManifest(BackupManifest.FORMAT, id, t.name(), t.id(), t.dbName(),
                t.schemaVersion(), kind, BackupManifest.METHOD_TABLESPACE, site, node.serverId(), locked.at(),
                locked.gtid(), locked.lockMillis(), (System.nanoTime() - start) / 1_000_000, bytes, raw,
                locked.tables(), locked.triggers(), locked.skipped(), files);
        BackupFiles.writeNew(partial.resolve(BackupStore.MANIFEST),
                JsonMapping.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(m));
        BackupFiles.syncFolder(partial);
        Path done = store.complete(partial, id);
        LOG.info("tenant {}: backup {} ({} tables, {} bytes, writers held {} ms, {} ms in all) at GTID {}",
                t.name(), id, m.tables().size(), bytes, m.lockMillis(), m.elapsedMillis(), m.gtidPosition());
        return BackupStore.open(done);
    }

    /** Prefix of the staging folders in the node folder (a crash leaves one: {@link #removeStaging}). */
    static final String STAGING = "backup-staging-";

    /** Removes staging folders a killed site left in the node folder. */
    public static void removeStaging(NodeConfig node) {
        try (var s = Files.list(node.dir())) {
            s.filter(p -> p.getFileName().toString().startsWith(STAGING)).forEach(BackupStore::deleteTree);
        } catch (IOException e) {
            LOG.warn("cannot list {}: {}", node.dir(), e.getMessage());
        }
    }

    private record Locked(Instant at, String gtid, long lockMillis, List<BackupManifest.Table> tables,
                          List<BackupManifest.Trigger> triggers, Map<String, String> skipped) {
        Locked withRows(Map<String, Long> rows) {
            return new Locked(at, gtid, lockMillis, tables.stream().map(t -> new BackupManifest.Table(t.name(),
                    t.createTable(), rows.get(t.name()), t.tablespace(), t.config())).toList(), triggers, skipped);
        }
    }

    /**
     * Holds the practice's writers while its files are copied to {@code staging}, and opens on
     * {@code counter} (not in autocommit) a consistent snapshot of that same moment.
     */
    private Locked lockAndCopy(Tenant t, Path staging, Connection counter) throws SQLException, IOException {
        String db = t.dbName();
        try (Connection c = admin.getConnection(); Statement s = c.createStatement()) {
            List<String> names = baseTables(c, db);
            // Views, routines and events are carried (SchemaObjects): nothing of the practice is skipped now.
            Map<String, String> skipped = Map.of();
            List<String> quoted = names.stream().map(n -> "`" + db + "`.`" + n + "`").toList();
            s.execute("SET SESSION sql_log_bin = 0");
            try {
                // Before the lock, so the copy under it reads memory: at load 18, a cold copy held the
                // writers 1.4-2.1 s, reading ahead first (0.2-0.4 s, writers free) 0.25-0.7 s.
                long warm0 = System.nanoTime();
                TableFiles.readAhead(node, db, names);
                long warm = (System.nanoTime() - warm0) / 1_000_000;
                long dirty = dirtyPages(s);
                long locked = System.nanoTime();
                // Proves every name a base table (FOR EXPORT refuses a view) and holds writers and
                // DDL of these tables, so what is copied, counted and described is one moment.
                s.execute("FLUSH TABLES " + String.join(", ", quoted) + " FOR EXPORT");
                long flushed = System.nanoTime();
                Instant at = Instant.now();
                try {
                    String gtid;
                    try (ResultSet rs = s.executeQuery("SELECT @@gtid_binlog_pos")) {
                        rs.next();
                        gtid = rs.getString(1);
                    }
                    try (Statement cs = counter.createStatement()) {
                        cs.execute("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ");
                        cs.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT");
                    }
                    // The counter holds every table as a base table until it has counted: once the
                    // export lock is gone the practice could swap one for a view, whose code the
                    // admin's COUNT(*) would run.
                    dev.cusp.tenant.TenantObjects.hold(counter, db, names);
                    Map<String, String> creates = new LinkedHashMap<>();
                    for (String n : names) {
                        try (ResultSet rs = s.executeQuery("SHOW CREATE TABLE `" + db + "`.`" + n + "`")) {
                            rs.next();
                            creates.put(n, rs.getString(2));
                        }
                    }
                    List<BackupManifest.Trigger> triggers = triggers(s, db);
                    if (schemaObjects) {
                        SchemaObjects.capture(admin, db, staging);
                    }
                    long described = System.nanoTime();
                    TableFiles.copy(node, db, names, staging);
                    List<BackupManifest.Table> tables = new ArrayList<>();
                    for (String n : names) {
                        tables.add(new BackupManifest.Table(n, creates.get(n), -1, "tables/" + n + ".ibd.zst",
                                "tables/" + n + ".cfg.zst"));
                    }
                    long copied = System.nanoTime();
                    s.execute("UNLOCK TABLES");
                    long held = (System.nanoTime() - locked) / 1_000_000;
                    LOG.info("tenant {}: backup lock held {} ms: {} ms to lock and flush ({} dirty pages in the"
                            + " node's buffer pool before), {} ms to describe {} tables, {} ms to copy their files"
                            + " (read ahead before the lock in {} ms)", t.name(), held, (flushed - locked) / 1_000_000,
                            dirty, (described - flushed) / 1_000_000, names.size(), (copied - described) / 1_000_000,
                            warm);
                    return new Locked(at, gtid, held, tables, triggers, skipped);
                } catch (SQLException | IOException | RuntimeException e) {
                    s.execute("UNLOCK TABLES");
                    throw e;
                }
            } finally {
                s.execute("SET SESSION sql_log_bin = 1");
            }
        }
    }

    /** The node's dirty buffer pool pages (what FLUSH TABLES ... FOR EXPORT may have to write first), for the log. */
    private static long dirtyPages(Statement s) throws SQLException {
        try (ResultSet rs = s.executeQuery("SHOW GLOBAL STATUS LIKE 'Innodb_buffer_pool_pages_dirty'")) {
            return rs.next() ? rs.getLong(2) : -1;
        }
    }

    /** Exact row counts, in the counter's snapshot (the moment of the backup's lock). */
    private static Map<String, Long> count(Connection c, String db, List<String> names) {
        Map<String, Long> out = new LinkedHashMap<>();
        try (Statement s = c.createStatement()) {
            for (String n : names) {
                // A base table, held so since the export lock (TenantObjects.hold): no practice code runs.
                try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM `" + db + "`.`" + n + "`")) {
                    rs.next();
                    out.put(n, rs.getLong(1));
                }
            }
        } catch (SQLException e) {
            throw new java.util.concurrent.CompletionException(e);
        }
        return out;
    }

    /** The practice's base tables, refusing (by name) any this method cannot copy. */
    private static List<String> baseTables(Connection c, String db) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT table_name, engine, create_options FROM"
                + " information_schema.tables WHERE table_schema = ? AND table_type = 'BASE TABLE' ORDER BY table_name")) {
            ps.setString(1, db);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String name = rs.getString(1);
                    String engine = rs.getString(2);
                    String options = rs.getString(3) == null ? "" : rs.getString(3).toLowerCase(java.util.Locale.ROOT);
                    if (!PLAIN_TABLE.matcher(name).matches() || !"InnoDB".equalsIgnoreCase(engine)
                            || options.contains("partitioned")) {
                        throw new CuspException(ErrorCode.CONFLICT, "cannot back up " + db + ": table '" + name
                                + "' is " + (PLAIN_TABLE.matcher(name).matches() ? (options.contains("partitioned")
                                ? "partitioned" : "not InnoDB (" + engine + ")") : "named with characters other than"
                                + " letters, digits and _") + "; a Cusp backup copies plain InnoDB tables only."
                                + " Rename, convert or drop it as the practice's database user");
                    }
                    out.add(name);
                }
            }
        }
        if (out.isEmpty()) {
            throw new CuspException(ErrorCode.CONFLICT, "cannot back up " + db + ": it has no tables");
        }
        return out;
    }

    /** The database's triggers, in creation order, as SHOW CREATE TRIGGER prints them (no code runs). */
    private static List<BackupManifest.Trigger> triggers(Statement s, String db) throws SQLException {
        List<String> names = new ArrayList<>();
        try (ResultSet rs = s.executeQuery("SELECT trigger_name FROM information_schema.triggers WHERE"
                + " trigger_schema = '" + db + "' ORDER BY created, action_order")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        List<BackupManifest.Trigger> out = new ArrayList<>();
        for (String n : names) {
            try (ResultSet rs = s.executeQuery("SHOW CREATE TRIGGER `" + db + "`.`" + n.replace("`", "``") + "`")) {
                rs.next();
                out.add(new BackupManifest.Trigger(n, rs.getString("sql_mode"), rs.getString("SQL Original Statement")));
            }
        }
        return out;
    }
}
