package dev.cusp.backup;

import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import dev.cusp.node.Binlog;
import dev.cusp.node.DataFiles;
import dev.cusp.node.NodeConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks a backup against its manifest and loads it into a new database the site names.
 *
 * <p>A load runs as the site's admin account with the binary log off (it never replicates;
 * a restore in a group moves the loaded practice to the other sites itself). It runs only
 * statements the backup's manifest recorded from the server's own descriptions ({@code SHOW
 * CREATE TABLE}, {@code SHOW CREATE TRIGGER}), each checked for its shape first; tables are
 * filled by importing their tablespaces, so no row passes through SQL and no practice object
 * (view, routine, trigger) ever runs. Triggers are created only when asked (a restore), never
 * for a drill's scratch copy.
 */
public final class BackupReader {
    private static final Logger LOG = LoggerFactory.getLogger(BackupReader.class);
    /** A database the site names for a load: outside every practice's grants unless the caller means it. */
    private static final Pattern TARGET = Pattern.compile("[a-z][a-z0-9_]{0,63}");
    private static final Pattern CREATE_TABLE = Pattern.compile("(?s)CREATE TABLE `([A-Za-z0-9_]{1,64})` \\(.*\\)"
            + " ENGINE=InnoDB[^;]*");
    private static final Pattern CREATE_TRIGGER = Pattern.compile("(?s)CREATE DEFINER=`[^`]+`@`[^`]+` TRIGGER .*");

    private final DataSource admin;
    private final NodeConfig node;

    public BackupReader(DataSource admin, NodeConfig node) {
        this.admin = admin;
        this.node = node;
    }

    /** What to load besides the tables. */
    public record LoadOptions(boolean triggers) {
        public static final LoadOptions TABLES_ONLY = new LoadOptions(false);
        public static final LoadOptions WITH_TRIGGERS = new LoadOptions(true);
    }

    /** A finished load. */
    public record Loaded(String database, int tables, long rawBytes, long elapsedMillis) {
    }

    /**
     * Reads every file of the backup whole and compares its size and SHA-256 with the manifest.
     *
     * @return one sentence per missing or damaged file, naming it; empty when every file matches
     */
    public static List<String> verifyFiles(BackupStore.Stored b) {
        List<String> problems = new ArrayList<>(presence(b));
        if (!problems.isEmpty()) {
            return problems;
        }
        for (BackupManifest.FileEntry f : b.manifest().files()) {
            try {
                if (!BackupFiles.sha256(resolve(b, f)).equals(f.sha256())) {
                    problems.add(damaged(b, f));
                }
            } catch (IOException e) {
                problems.add("backup " + b.manifest().id() + ": cannot read " + f.path() + ": " + e.getMessage());
            }
        }
        return problems;
    }

    /**
     * Loads backup {@code b} into the new database {@code target}. Every file must be there with
     * its recorded size before anything is made; each file's checksum is checked as it is read,
     * and a load that fails for any reason drops {@code target} again: the node is as it was.
     *
     * @throws CuspException INVALID_INPUT for a bad target name, CONFLICT when {@code target}
     *                       exists or a file of the backup is missing or damaged (named)
     */
    public Loaded load(BackupStore.Stored b, String target, LoadOptions options) {
        if (target == null || !TARGET.matcher(target).matches()) {
            throw CuspException.invalid("database", "a database to load into: lower-case letters, digits and _,"
                    + " at most 64");
        }
        List<String> missing = presence(b);
        if (!missing.isEmpty()) {
            throw new CuspException(ErrorCode.CONFLICT, String.join("; ", missing) + "; nothing was changed",
                    "backup");
        }
        BackupManifest m = b.manifest();
        for (BackupManifest.Table t : m.tables()) {
            requireShape(m, t.name(), t.createTable(), CREATE_TABLE);
        }
        if (options.triggers()) {
            m.triggers().forEach(g -> requireShape(m, g.name(), g.createTrigger(), CREATE_TRIGGER));
        }
        long start = System.nanoTime();
        try {
            Binlog.withoutBinlog(admin, c -> {
                try (Statement s = c.createStatement()) {
                    s.execute("CREATE DATABASE `" + target + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
                }
                return null;
            });
        } catch (SQLException e) {
            throw new CuspException(ErrorCode.CONFLICT, "cannot create database " + target + ": " + e.getMessage(),
                    "database");
        }
        long raw = 0;
        try {
            raw = Binlog.withoutBinlog(admin, c -> fill(c, b, target, options));
        } catch (SQLException | RuntimeException e) {
            drop(target);
            if (e instanceof CuspException ce) {
                throw ce;
            }
            throw new CuspException(ErrorCode.UNAVAILABLE, "loading backup " + m.id() + " of " + m.tenant()
                    + " failed: " + e.getMessage() + "; " + target + " was removed again", "backup", e);
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        LOG.info("backup {} of {} loaded into {} ({} tables) in {} ms", m.id(), m.tenant(), target,
                m.tables().size(), ms);
        return new Loaded(target, m.tables().size(), raw, ms);
    }

    /** Exact row counts of the tables of a database this site loaded (its own base tables, no practice code). */
    public Map<String, Long> rowCounts(String database, List<String> tables) {
        Map<String, Long> out = new LinkedHashMap<>();
        try (Connection c = admin.getConnection(); Statement s = c.createStatement()) {
            for (String t : tables) {
                try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM `" + database + "`.`" + t + "`")) {
                    rs.next();
                    out.put(t, rs.getLong(1));
                }
            }
        } catch (SQLException e) {
            throw new CuspException(ErrorCode.UNAVAILABLE, "cannot count rows in " + database + ": " + e.getMessage());
        }
        return out;
    }

    /** Drops a database a load made (binary log off, as it was made). */
    public void drop(String database) {
        try {
            Binlog.withoutBinlog(admin, c -> c.createStatement().execute("DROP DATABASE IF EXISTS `" + database + "`"));
        } catch (SQLException e) {
            LOG.warn("cannot drop {}: {}", database, e.getMessage());
        }
    }

    private long fill(Connection c, BackupStore.Stored b, String target, LoadOptions options) throws SQLException {
        BackupManifest m = b.manifest();
        long raw = 0;
        try (Statement s = c.createStatement()) {
            s.execute("USE `" + target + "`");
            s.execute("SET SESSION foreign_key_checks = 0");
            try {
                for (BackupManifest.Table t : m.tables()) {
                    s.execute(t.createTable());
                    s.execute("ALTER TABLE `" + t.name() + "` DISCARD TABLESPACE");
                    raw += place(b, m.file(t.tablespace()), target, t.name() + ".ibd");
                    raw += place(b, m.file(t.config()), target, t.name() + ".cfg");
                    s.execute("ALTER TABLE `" + t.name() + "` IMPORT TABLESPACE");
                    DataFiles.delete(node, target, t.name() + ".cfg");
                }
                if (options.triggers()) {
                    for (BackupManifest.Trigger g : m.triggers()) {
                        try (PreparedStatement ps = c.prepareStatement("SET SESSION sql_mode = ?")) {
                            ps.setString(1, g.sqlMode());
                            ps.execute();
                        }
                        s.execute(DatabaseRename.trigger(g.createTrigger(), m.database(), target, g.sqlMode()));
                    }
                    SchemaObjects.make(c, b, target, m.database(), SchemaObjects.read(b), true);
                }
            } finally {
                s.execute("SET SESSION sql_mode = DEFAULT");
                s.execute("SET SESSION foreign_key_checks = 1");
            }
        } catch (IOException e) {
            throw new CuspException(ErrorCode.UNAVAILABLE, "cannot load backup " + m.id() + ": " + e.getMessage()
                    + "; " + target + " was removed again", "backup", e);
        }
        return raw;
    }

    /** Decompresses one file into the target's database folder, checking its checksum on the way. */
    private long place(BackupStore.Stored b, BackupManifest.FileEntry f, String target, String name)
            throws IOException {
        long n;
        String sha;
        try (BackupFiles.Checked in = BackupFiles.decompress(resolve(b, f));
             OutputStream out = DataFiles.create(node, target, name)) {
            n = in.in().transferTo(out);
            sha = in.sha256();
        } catch (IOException e) {
            // zstd's own frame checksum, or a truncated frame: the file is damaged.
            throw new CuspException(ErrorCode.CONFLICT, damaged(b, f) + " (" + e.getMessage() + "); nothing was"
                    + " changed", "backup");
        }
        if (!sha.equals(f.sha256())) {
            throw new CuspException(ErrorCode.CONFLICT, damaged(b, f) + "; nothing was changed", "backup");
        }
        return n;
    }

    private static String damaged(BackupStore.Stored b, BackupManifest.FileEntry f) {
        return "backup " + b.manifest().id() + " of " + b.manifest().tenant() + ": file " + b.folder().resolve(f.path())
                + " is damaged (its SHA-256 differs from the manifest's)";
    }

    /** Missing files, and files of another size than recorded, named. */
    private static List<String> presence(BackupStore.Stored b) {
        List<String> out = new ArrayList<>();
        for (BackupManifest.FileEntry f : b.manifest().files()) {
            Path p;
            try {
                p = resolve(b, f);
            } catch (CuspException e) {
                out.add(e.getMessage());
                continue;
            }
            try {
                if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    out.add("backup " + b.manifest().id() + " of " + b.manifest().tenant() + ": file " + p
                            + " is missing");
                } else if (Files.size(p) != f.bytes()) {
                    out.add("backup " + b.manifest().id() + " of " + b.manifest().tenant() + ": file " + p + " has "
                            + Files.size(p) + " bytes, the manifest says " + f.bytes() + " (damaged or cut short)");
                }
            } catch (IOException e) {
                out.add("backup " + b.manifest().id() + ": cannot read " + p + ": " + e.getMessage());
            }
        }
        return out;
    }

    /** A manifest path inside the backup's folder; never {@code ..} or absolute. */
    private static Path resolve(BackupStore.Stored b, BackupManifest.FileEntry f) {
        Path p = b.folder().resolve(f.path()).normalize();
        if (Path.of(f.path()).isAbsolute() || !p.startsWith(b.folder())) {
            throw new CuspException(ErrorCode.CONFLICT, "backup " + b.manifest().id() + ": manifest names a file"
                    + " outside its folder (" + f.path() + ")", "backup");
        }
        return p;
    }

    private static void requireShape(BackupManifest m, String name, String sql, Pattern shape) {
        String lower = sql.toLowerCase(Locale.ROOT);
        if (!shape.matcher(sql).matches() || lower.contains("data directory") || lower.contains("index directory")) {
            throw new CuspException(ErrorCode.CONFLICT, "backup " + m.id() + " of " + m.tenant() + ": the recorded"
                    + " definition of " + name + " is not one this site loads (changed by hand?); nothing was changed",
                    "backup");
        }
    }
}
