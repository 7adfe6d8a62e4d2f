package dev.cusp.tenant;

import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import dev.cusp.node.Binlog;
import dev.cusp.node.NodeTools;
import dev.cusp.secret.Passwords;
import dev.cusp.secret.SecretBox;
import dev.cusp.base.FilePermissions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.BiConsumer;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates, inspects, backs up, suspends and drops tenants. Every step that changes the node
 * is undone if a later step fails, so a tenant either exists completely or not at all.
 */
public final class TenantService {
    private static final Logger LOG = LoggerFactory.getLogger(TenantService.class);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'_'HHmmss");
    public static final String FIRST_ADMIN = "admin";

    private final DataSource admin;
    private final TenantRegistry registry;
    private final TenantPools pools;
    private final SecretBox secrets;
    private final NodeTools tools;
    private final Path documents;
    private final Path backups;
    private final BackupPaths backupPaths;
    private final PracticeJdbc jdbc;
    private final BiConsumer<String, Boolean> onTenantChanged;
    private final TenantSeedData seedData;
    private final PracticeMigrations migrations;

    /**
     * @param onTenantChanged told of a tenant's suspend, resume or drop; the flag is true when
     *                        the tenant is closed (its sessions must end)
     */
    public TenantService(DataSource admin, TenantRegistry registry, TenantPools pools, SecretBox secrets,
                         NodeTools tools, Path documents, BackupPaths backupPaths, PracticeJdbc jdbc,
                         BiConsumer<String, Boolean> onTenantChanged, PracticeMigrations migrations) {
        this.admin = admin;
        this.registry = registry;
        this.pools = pools;
        this.secrets = secrets;
        this.tools = tools;
        this.documents = documents;
        this.backups = backupPaths.folder();
        this.backupPaths = backupPaths;
        this.jdbc = jdbc;
        this.onTenantChanged = onTenantChanged;
        this.seedData = new TenantSeedData(registry, pools);
        this.migrations = migrations;
    }

    public TenantRegistry registry() {
        return registry;
    }

    /** How this site connects as a practice's own account (TLS, verified against the site's CA). */
    public PracticeJdbc jdbc() {
        return jdbc;
    }

    /** The practice schema migrations this site carries. */
    public PracticeMigrations migrations() {
        return migrations;
    }

    /**
     * Migrates one tenant to the newest schema this site carries, as the tenant's own user
     * (with the binary log on: the migration replicates). Returns the version it is at.
     */
    public String migrate(Tenant t) {
        return migrations.migrate(jdbcUrl(t.dbName()), t.dbUser(), secrets.open(t.sealedPassword()));
    }

    /** Tells the site's caches and sessions that a tenant's status changed (true: it is closed). */
    public void changed(String name, boolean closed) {
        onTenantChanged.accept(name, closed);
    }

    /** What {@code tenant create} returns: the only time the passwords are shown. */
    public record Created(Tenant tenant, String dbPassword, String adminUser, String adminPassword, Path documents,
                          String host, int port) {
    }

    /**
     * Asked before a tenant is made, with its name and id: a replication group makes sure no
     * other site has or is making either (see {@code group.TenantClaims}); it throws when one does.
     */
    public interface Claims {
        Claim claim(String name, int id);
    }

    /** Held while the tenant is made. */
    public interface Claim extends AutoCloseable {
        @Override
        void close();
    }

    private volatile Claims claims = (name, id) -> () -> { };

    /** Who is asked before a tenant is made (the site's replication group). */
    public void claimsBy(Claims claims) {
        this.claims = claims;
    }

    // javac's "try" lint: the claim is held while the tenant is made and let go after; nothing uses it.
    @SuppressWarnings("try")
    public Created create(String name, Integer rawId) {
        TenantNames.requireName(name);
        int id = TenantNames.requireId(rawId);
        try (Claim ignored = claims.claim(name, id)) {
            return createClaimed(name, id);
        }
    }

    private Created createClaimed(String name, int id) {
        String db = Tenant.dbNameFor(name, id);
        String password = Passwords.generate(24);
        Tenant t = new Tenant(name, id, db, db, secrets.seal(password), Tenant.Status.CREATING, null, null);
        registry.reserve(t);
        Path docs = documents.resolve(db);
        try {
            // The first administrator's Argon2id hash (tens of ms of CPU) is computed while the
            // node makes the schema (mostly waiting on the node).
            String adminPassword = Passwords.generate(20);
            FutureTask<String> adminHash = new FutureTask<>(
                    () -> Passwords.hash(adminPassword));
            Thread.ofVirtual().name("tenant-create-hash").start(adminHash);
            createDatabaseAndUser(db, password);
            String version = migrations.createFresh(jdbcUrl(db), db, password);
            insertFirstAdmin(db, password, await(adminHash));
            FilePermissions.privateDir(docs);
            registry.update(name, Tenant.Status.ACTIVE, version);
            LOG.info("tenant {}: created database {} at schema version {}", name, db, version);
            return new Created(registry.require(name), password, FIRST_ADMIN, adminPassword, docs, jdbc.host(),
                    jdbc.port());
        } catch (RuntimeException e) {
            LOG.warn("tenant {}: creation failed, undoing: {}", name, e.getMessage());
            undoCreate(t, docs);
            if (e instanceof CuspException) {
                throw e;
            }
            throw new CuspException(ErrorCode.INTERNAL, "tenant '" + name + "' could not be created and nothing was"
                    + " kept: " + e.getMessage(), null, e);
        }
    }

    private String jdbcUrl(String db) {
        return jdbc.url(db);
    }

    private void createDatabaseAndUser(String db, String password) {
        try (Connection c = admin.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE `" + db + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
            PracticeAccounts.create(s, db, password);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + db + ": " + e.getMessage(), e);
        }
    }

    private static String await(FutureTask<String> task) {
        try {
            return task.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while hashing the administrator's password", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot hash the administrator's password: " + e.getCause(), e.getCause());
        }
    }

    private void insertFirstAdmin(String db, String dbPassword, String adminHash) {
        try (Connection c = java.sql.DriverManager.getConnection(jdbcUrl(db), db, dbPassword);
             PreparedStatement ps = c.prepareStatement(
                     "INSERT INTO practice_user (user_name, password_hash, is_admin) VALUES (?, ?, TRUE)")) {
            ps.setString(1, FIRST_ADMIN);
            ps.setString(2, adminHash);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create the practice administrator: " + e.getMessage(), e);
        }
    }

    private void undoCreate(Tenant t, Path docs) {
        try (Connection c = admin.getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS `" + t.dbName() + "`");
            PracticeAccounts.drop(c, t.dbUser());
        } catch (SQLException e) {
            LOG.error("tenant {}: undo failed: {}", t.name(), e.getMessage());
        }
        deleteTree(docs);
        registry.delete(t.name());
    }

    /** Sizes in bytes of each tenant's databases, by tenant name. */
    public Map<String, Long> sizes() {
        Map<String, Long> out = new LinkedHashMap<>();
        try (Connection c = admin.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT table_schema, SUM(data_length + index_length) FROM "
                     + "information_schema.tables WHERE table_schema LIKE 'od\\_%' GROUP BY table_schema")) {
            Map<String, Long> bySchema = new LinkedHashMap<>();
            while (rs.next()) {
                bySchema.put(rs.getString(1), rs.getLong(2));
            }
            for (Tenant t : registry.all()) {
                out.put(t.name(), bySchema.getOrDefault(t.dbName(), 0L));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    /** The tenant's databases: its own, the ones it owns (scratch), and its backups. */
    public List<String> databases(Tenant t) {
        List<String> out = new ArrayList<>();
        try (Connection c = admin.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT schema_name FROM information_schema.schemata WHERE schema_name = ? OR schema_name LIKE ?"
                        + " OR schema_name LIKE ? ORDER BY schema_name")) {
            ps.setString(1, t.dbName());
            ps.setString(2, t.dbName().replace("_", "\\_") + "\\_%");
            ps.setString(3, BackupNames.like(t));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    public Path documentsOf(Tenant t) {
        return documents.resolve(t.dbName());
    }

    /**
     * Result of a backup: where it went. {@code documents} is the folder of the practice's files
     * beside it (with {@code manifest.sha256}), or null when the practice has none.
     */
    public record Backup(String database, Path file, Path documents) {
        public Backup(String database, Path file) {
            this(database, file, null);
        }
    }

    /**
     * A consistent copy ({@code --single-transaction}) into {@code bak_NAME_N_<timestamp>}
     * (see {@link BackupNames}: out of the practice's reach), or into an SQL file. Not written
     * to the binary log, so it never replicates.
     */
    public Backup backup(String name, boolean toFile, Path file) {
        Tenant t = registry.require(name);
        String stamp = LocalDateTime.now(ZoneOffset.UTC).format(STAMP);
        if (toFile || file != null) {
            Path target = backupPaths.check(file != null ? file : backups.resolve(t.dbName() + "-" + stamp + ".sql"));
            tools.dumpToFile(t.dbName(), target);
            Path docs = backupDocuments(t, target.resolveSibling(target.getFileName() + "-documents"));
            LOG.info("tenant {}: backed up to {}", name, target);
            return new Backup(null, target, docs);
        }
        String db = BackupNames.database(t, stamp);
        try {
            Binlog.withoutBinlog(admin, c -> c.createStatement().execute("CREATE DATABASE `" + db
                    + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"));
        } catch (SQLException e) {
            throw new CuspException(ErrorCode.CONFLICT, "cannot create " + db + ": " + e.getMessage()
                    + " (one backup per second at most)");
        }
        try {
            tools.copyDatabase(t.dbName(), db);
        } catch (RuntimeException e) {
            dropQuietly(db);
            throw e;
        }
        Path docs = backupDocuments(t, backups.resolve(db + "-documents"));
        LOG.info("tenant {}: backed up to database {}", name, db);
        return new Backup(db, null, docs);
    }

    /**
     * The practice's files into {@code dir}, after its rows were copied: every content a row
     * refers to now (read as the practice's own user), with a manifest of their hashes. Rows
     * added between the two copies may lack their files in the backup; the manifest says which
     * hashes it holds. Null when no row refers to a content.
     */
    private Path backupDocuments(Tenant t, Path dir) {
        try (TenantPools.Lease l = pools.lease(t)) {
            java.util.Set<String> referenced = dev.cusp.document.Documents.referenced(l.connection());
            if (referenced.isEmpty()) {
                return null;
            }
            var r = dev.cusp.document.DocumentBackup.write(new dev.cusp.document.DocumentStore(documentsOf(t)),
                    referenced, dir);
            LOG.info("tenant {}: {} document files ({} bytes) backed up to {}{}", t.name(), r.files(), r.bytes(), dir,
                    r.missing() > 0 ? "; " + r.missing() + " not at this site yet (see the manifest)" : "");
            return dir;
        } catch (SQLException | IOException e) {
            throw new CuspException(ErrorCode.UNAVAILABLE, "the backup of " + t.name() + "'s rows is done, but its"
                    + " document files could not be copied to " + dir + ": " + e.getMessage(), null, e);
        }
    }

    /**
     * Fills an empty practice with a generated sample practice of {@code patients} patients,
     * the same rows for the same seed; see {@link dev.cusp.sampledata.PracticeDataGenerator}.
     */
    public dev.cusp.sampledata.PracticeDataGenerator.Result seedData(String name, Integer patients, long seed) {
        return seedData.seed(name, patients, seed);
    }

    public Tenant suspend(String name) {
        return suspendEverywhere(name).tenant();
    }

    /** A suspended practice, and which other sites confirmed its sessions there are cut. */
    public record Suspended(Tenant tenant, SessionCuts cuts) {
    }

    /** Suspends here, then has the group's other sites cut the practice's sessions ({@link #afterSuspend}). */
    public Suspended suspendEverywhere(String name) {
        Tenant t = registry.require(name);
        setLocked(t, true);
        registry.update(name, Tenant.Status.SUSPENDED, null);
        pools.evict(name);
        killConnections(t);
        onTenantChanged.accept(name, true);
        LOG.info("tenant {}: suspended", name);
        SessionCuts cuts = afterSuspend.apply(name);
        return new Suspended(registry.require(name), cuts);
    }

    private volatile java.util.function.Function<String, SessionCuts> afterSuspend = name -> SessionCuts.NONE;

    /**
     * What runs once a tenant is suspended here (the group's other sites cut its connections
     * there: the replicated lock alone ends no open connection).
     */
    public void afterSuspend(java.util.function.Function<String, SessionCuts> then) {
        this.afterSuspend = then;
    }

    public Tenant resume(String name) {
        Tenant t = registry.require(name);
        setLocked(t, false);
        registry.update(name, Tenant.Status.ACTIVE, null);
        onTenantChanged.accept(name, false);
        LOG.info("tenant {}: resumed", name);
        return registry.require(name);
    }

    /**
     * Locks (and disconnects) or unlocks the practice's database account without changing its
     * status: a restore holds the practice this way while its tables are replaced. The lock is a
     * replicated statement, so it holds at every site of the group.
     */
    public void holdAccount(String name, boolean hold) {
        Tenant t = registry.require(name);
        setLocked(t, hold);
        if (hold) {
            killConnections(t);
        }
    }

    /** What {@code tenant drop} removed and kept. */
    public record Dropped(List<String> databases, Path finalBackup, Path documentsKept) {
    }

    public Dropped drop(String name, boolean keepBackup) {
        Tenant t = registry.require(name);
        Path finalBackup = null;
        Path docsKept = null;
        String stamp = LocalDateTime.now(ZoneOffset.UTC).format(STAMP);
        if (keepBackup) {
            finalBackup = backups.resolve(t.dbName() + "-final-" + stamp + ".sql");
            tools.dumpToFile(t.dbName(), finalBackup);
        }
        setLocked(t, true);
        pools.evict(name);
        killConnections(t);
        onTenantChanged.accept(name, true);
        List<String> dbs = databases(t);
        try (Connection c = admin.getConnection(); Statement s = c.createStatement()) {
            for (String db : dbs) {
                if (db.startsWith(BackupNames.PREFIX)) {
                    // This site's own backups: made with the binary log off, dropped the same way.
                    dropQuietly(db);
                } else {
                    s.execute("DROP DATABASE IF EXISTS `" + db + "`");
                }
            }
            PracticeAccounts.drop(c, t.dbUser());
        } catch (SQLException e) {
            throw new IllegalStateException("cannot drop tenant " + name + ": " + e.getMessage(), e);
        }
        Path docs = documentsOf(t);
        if (Files.exists(docs)) {
            if (keepBackup) {
                docsKept = backups.resolve(t.dbName() + "-final-" + stamp + "-documents");
                try {
                    Files.move(docs, docsKept);
                } catch (IOException e) {
                    throw new IllegalStateException("cannot keep the documents of " + name + ": " + e.getMessage(), e);
                }
            } else {
                deleteTree(docs);
            }
        }
        registry.delete(name);
        LOG.info("tenant {}: dropped ({} databases){}", name, dbs.size(),
                keepBackup ? ", final backup " + finalBackup : "");
        return new Dropped(dbs, finalBackup, docsKept);
    }

    private void setLocked(Tenant t, boolean locked) {
        try (Connection c = admin.getConnection(); Statement s = c.createStatement()) {
            for (String h : PracticeAccounts.HOSTS) {
                s.execute("ALTER USER " + PracticeAccounts.account(t.dbUser(), h) + " ACCOUNT " + (locked ? "LOCK" : "UNLOCK"));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot " + (locked ? "lock" : "unlock") + " " + t.dbUser(), e);
        }
    }

    private void killConnections(Tenant t) {
        try {
            killSessions(admin, t.dbUser());
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Ends every open session of a practice's database account at this node (reads only the
     * process list; nothing the practice owns runs). Used by suspend, drop and restore holds.
     */
    public static void killSessions(javax.sql.DataSource admin, String user) throws SQLException {
        killSessions(admin, List.of(user));
    }

    /** {@link #killSessions(javax.sql.DataSource, String)} for several accounts with one look at the process list. */
    public static void killSessions(javax.sql.DataSource admin, java.util.Collection<String> users) throws SQLException {
        if (users.isEmpty()) {
            return;
        }
        try (Connection c = admin.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT id FROM information_schema.processlist WHERE user IN ("
                        + String.join(", ", java.util.Collections.nCopies(users.size(), "?")) + ")")) {
            int i = 1;
            for (String user : users) {
                ps.setString(i++, user);
            }
            List<Long> ids = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
            try (Statement s = c.createStatement()) {
                for (long id : ids) {
                    try {
                        s.execute("KILL CONNECTION " + id);
                    } catch (SQLException gone) {
                        // Already closed between the listing and the kill.
                    }
                }
            }
        }
    }

    private void dropQuietly(String db) {
        try {
            Binlog.withoutBinlog(admin, c -> c.createStatement().execute("DROP DATABASE IF EXISTS `" + db + "`"));
        } catch (SQLException e) {
            LOG.warn("cannot remove backup database {}: {}", db, e.getMessage());
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.warn("cannot remove {}: {}", dir, e.getMessage());
        }
    }
}
