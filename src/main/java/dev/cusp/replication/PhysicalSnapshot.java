package dev.cusp.replication;

import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import dev.cusp.node.DataFiles;
import dev.cusp.node.NodeConfig;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A faster seed for embedded nodes: InnoDB's transportable tablespaces instead of SQL. The
 * source locks the tables it copies ({@code FLUSH TABLES ... FOR EXPORT}: consistent files and
 * the GTID position that goes with them), copies the files to a staging folder on its own disk,
 * unlocks (writers wait only for that local copy), then streams them. The target creates each
 * table, discards its empty tablespace, puts the file in place and imports it, table by table
 * while the stream goes on, all with the binary log off. No row is parsed or re-inserted and no
 * index is rebuilt: the copy moves at file speed.
 *
 * <p>Used when every copied table is InnoDB with no views, routines or events (the control
 * and practice schemas are); otherwise {@link Seeder} dumps SQL. Triggers (the practice schema's
 * conflict detection) travel as their CREATE statements, made after the tables and users.
 *
 * <p>Stream format (DataOutputStream): magic, GTID position, then records: {@code D} database
 * and its CREATE statement; {@code T} database, table and CREATE TABLE; {@code F} database,
 * file name, length, bytes (the table's .cfg and .ibd follow its {@code T}); {@code U} one SQL
 * statement for a tenant user; {@code G} database, sql_mode and CREATE TRIGGER; {@code E} the end.
 */
public final class PhysicalSnapshot {
    private static final Logger LOG = LoggerFactory.getLogger(PhysicalSnapshot.class);
    static final String MAGIC = "cusp-physical-snapshot-1";

    private PhysicalSnapshot() {
    }

    /** True when every table of {@code databases} can travel as a tablespace. */
    public static boolean possible(DataSource admin, List<String> databases) {
        String in = "('" + String.join("','", databases) + "')";
        try (Connection c = admin.getConnection(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema IN "
                    + in + " AND (table_type <> 'BASE TABLE' OR engine <> 'InnoDB')")) {
                rs.next();
                if (rs.getLong(1) > 0) {
                    return false;
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT (SELECT COUNT(*) FROM information_schema.routines WHERE"
                    + " routine_schema IN " + in + ") + (SELECT COUNT(*) FROM information_schema.events WHERE"
                    + " event_schema IN " + in + ") + (SELECT IF(@@innodb_file_per_table, 0, 1))")) {
                rs.next();
                return rs.getLong(1) == 0;
            }
        } catch (SQLException e) {
            return false;
        }
    }

    /** Source side: writes the snapshot of {@code databases} to {@code out}. */
    public static void write(NodeConfig source, DataSource admin, List<String> databases, OutputStream rawOut)
            throws IOException {
        // In the node folder, which is root's: the node's tmp folder is the database OS user's, who
        // could swap the staging folder for a link while root copies into it.
        Path staging = source.dir().resolve("snapshot-" + UUID.randomUUID());
        Files.createDirectories(staging);
        try {
            Map<String, List<String>> tables = new LinkedHashMap<>();
            Map<String, String> createDb = new LinkedHashMap<>();
            Map<String, String> createTable = new LinkedHashMap<>();
            List<String[]> triggers = new ArrayList<>();
            String gtid;
            try (Connection c = admin.getConnection(); Statement s = c.createStatement()) {
                for (String db : databases) {
                    List<String> t = new ArrayList<>();
                    try (ResultSet rs = s.executeQuery("SELECT table_name FROM information_schema.tables WHERE"
                            + " table_schema = '" + db + "' AND table_type = 'BASE TABLE' ORDER BY table_name")) {
                        while (rs.next()) {
                            t.add(rs.getString(1));
                        }
                    }
                    tables.put(db, t);
                    try (ResultSet rs = s.executeQuery("SHOW CREATE DATABASE `" + db + "`")) {
                        rs.next();
                        createDb.put(db, rs.getString(2));
                    }
                    for (String name : t) {
                        try (ResultSet rs = s.executeQuery("SHOW CREATE TABLE `" + db + "`.`" + name + "`")) {
                            rs.next();
                            createTable.put(db + "." + name, rs.getString(2));
                        }
                    }
                    triggers.addAll(triggers(s, db));
                }
                List<String> all = new ArrayList<>();
                tables.forEach((db, t) -> t.forEach(n -> all.add("`" + db + "`.`" + n + "`")));
                long locked = System.nanoTime();
                s.execute("FLUSH TABLES " + String.join(", ", all) + " FOR EXPORT");
                try {
                    try (ResultSet rs = s.executeQuery("SELECT @@gtid_binlog_pos")) {
                        rs.next();
                        gtid = rs.getString(1);
                    }
                    for (var e : tables.entrySet()) {
                        Path to = Files.createDirectories(staging.resolve(e.getKey()));
                        for (String name : e.getValue()) {
                            for (String ext : List.of(".cfg", ".ibd")) {
                                try (InputStream in = DataFiles.read(source, e.getKey(), name + ext)) {
                                    Files.copy(in, to.resolve(name + ext), StandardCopyOption.REPLACE_EXISTING);
                                }
                            }
                        }
                    }
                } finally {
                    s.execute("UNLOCK TABLES");
                }
                LOG.info("snapshot: {} tables locked for {} ms while copied locally, at GTID {}", all.size(),
                        (System.nanoTime() - locked) / 1_000_000, gtid);
            }
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(rawOut, 1 << 20));
            out.writeUTF(MAGIC);
            out.writeUTF(gtid);
            byte[] buf = new byte[1 << 20];
            for (var e : tables.entrySet()) {
                out.writeByte('D');
                out.writeUTF(e.getKey());
                writeText(out, createDb.get(e.getKey()));
                for (String name : e.getValue()) {
                    out.writeByte('T');
                    out.writeUTF(e.getKey());
                    out.writeUTF(name);
                    writeText(out, createTable.get(e.getKey() + "." + name));
                    for (String ext : List.of(".cfg", ".ibd")) {
                        Path f = staging.resolve(e.getKey()).resolve(name + ext);
                        out.writeByte('F');
                        out.writeUTF(name + ext);
                        out.writeLong(Files.size(f));
                        try (InputStream in = Files.newInputStream(f)) {
                            int n;
                            while ((n = in.read(buf)) > 0) {
                                out.write(buf, 0, n);
                            }
                        }
                        Files.delete(f);
                    }
                }
            }
            for (String st : Seeder.tenantUsers(admin)) {
                out.writeByte('U');
                writeText(out, st);
            }
            for (String[] g : triggers) {
                out.writeByte('G');
                out.writeUTF(g[0]);
                writeText(out, g[1]);
                writeText(out, g[2]);
            }
            out.writeByte('E');
            out.flush();
        } catch (SQLException e) {
            throw new IOException("snapshot failed: " + e.getMessage(), e);
        } finally {
            deleteTree(staging);
        }
    }

    /** Target side: empties the node, imports the stream, sets the GTID state. */
    public static Seeder.Result read(InputStream rawIn, NodeConfig target, DataSource admin, long estimatedBytes,
                                     Consumer<Seeder.Progress> progress) {
        long start = System.nanoTime();
        Seeder.empty(admin);
        List<String> dbs = new ArrayList<>();
        long bytes = 0;
        long rows = 0;
        int users = 0;
        String gtid;
        try (Connection c = admin.getConnection(); Statement s = c.createStatement()) {
            s.execute("SET SESSION sql_log_bin = 0");
            s.execute("SET SESSION foreign_key_checks = 0");
            DataInputStream in = new DataInputStream(new BufferedInputStream(rawIn, 1 << 20));
            if (!MAGIC.equals(in.readUTF())) {
                throw new CuspException(ErrorCode.INTERNAL, "not a Cusp physical snapshot");
            }
            gtid = in.readUTF();
            String db = null;
            String table = null;
            int filesOfTable = 0;
            long lastReport = System.nanoTime();
            byte[] buf = new byte[1 << 20];
            while (true) {
                int type = in.readByte();
                if (type == 'E') {
                    break;
                }
                switch (type) {
                    case 'D' -> {
                        db = in.readUTF();
                        dbs.add(db);
                        s.execute(readText(in));
                    }
                    case 'T' -> {
                        db = in.readUTF();
                        table = in.readUTF();
                        s.execute("USE `" + db + "`");
                        s.execute(readText(in));
                        s.execute("ALTER TABLE `" + db + "`.`" + table + "` DISCARD TABLESPACE");
                        filesOfTable = 0;
                    }
                    case 'F' -> {
                        String name = in.readUTF();
                        long size = in.readLong();
                        // Owned by the server's OS user, or the import cannot open it.
                        try (OutputStream o = DataFiles.create(target, db, name)) {
                            long left = size;
                            while (left > 0) {
                                int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                                if (n < 0) {
                                    throw new IOException("stream ended inside " + db + "/" + name);
                                }
                                o.write(buf, 0, n);
                                left -= n;
                                bytes += n;
                            }
                        }
                        if (++filesOfTable == 2) {
                            s.execute("ALTER TABLE `" + db + "`.`" + table + "` IMPORT TABLESPACE");
                            DataFiles.delete(target, db, table + ".cfg");
                            try (ResultSet rs = s.executeQuery("SELECT table_rows FROM information_schema.tables"
                                    + " WHERE table_schema = '" + db + "' AND table_name = '" + table + "'")) {
                                rows += rs.next() ? rs.getLong(1) : 0;
                            }
                        }
                    }
                    case 'U' -> {
                        s.execute(readText(in));
                        users++;
                    }
                    case 'G' -> {
                        String tdb = in.readUTF();
                        String mode = readText(in);
                        String create = readText(in);
                        s.execute("USE `" + tdb + "`");
                        try (java.sql.PreparedStatement ps = c.prepareStatement("SET SESSION sql_mode = ?")) {
                            ps.setString(1, mode);
                            ps.execute();
                        }
                        s.execute(create);
                        s.execute("SET SESSION sql_mode = DEFAULT");
                    }
                    default -> throw new IOException("unknown record " + type);
                }
                if (System.nanoTime() - lastReport > 1_000_000_000L) {
                    progress.accept(new Seeder.Progress(bytes, rows, estimatedBytes,
                            (System.nanoTime() - start) / 1_000_000));
                    lastReport = System.nanoTime();
                }
            }
        } catch (java.io.EOFException e) {
            throw new CuspException(ErrorCode.UNAVAILABLE, "the snapshot stream ended early (" + bytes
                    + " bytes); nothing is replicating yet, run the command again");
        } catch (IOException e) {
            throw new CuspException(ErrorCode.UNAVAILABLE, "the snapshot stream broke after " + bytes + " bytes: "
                    + e.getMessage() + "; nothing is replicating yet, run the command again");
        } catch (SQLException e) {
            throw new CuspException(ErrorCode.INTERNAL, "importing the snapshot failed: " + e.getMessage(), null, e);
        }
        Seeder.startBinlogAt(admin, gtid);
        progress.accept(new Seeder.Progress(bytes, rows, estimatedBytes, (System.nanoTime() - start) / 1_000_000));
        return new Seeder.Result(gtid, dbs, users, bytes, rows, (System.nanoTime() - start) / 1_000_000);
    }

    /** The database's triggers: database, sql_mode, CREATE TRIGGER (with its definer), in creation order. */
    private static List<String[]> triggers(Statement s, String db) throws SQLException {
        List<String> names = new ArrayList<>();
        try (ResultSet rs = s.executeQuery("SELECT trigger_name FROM information_schema.triggers WHERE"
                + " trigger_schema = '" + db + "' ORDER BY created, action_order")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        List<String[]> out = new ArrayList<>();
        for (String n : names) {
            try (ResultSet rs = s.executeQuery("SHOW CREATE TRIGGER `" + db + "`.`" + n + "`")) {
                rs.next();
                out.add(new String[] {db, rs.getString("sql_mode"), rs.getString("SQL Original Statement")});
            }
        }
        return out;
    }

    private static void writeText(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String readText(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > (64 << 20)) {
            throw new IOException("bad record length " + n);
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> w = Files.walk(dir)) {
            w.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // Best effort: the staging folder is under the node's tmp.
                }
            });
        } catch (IOException ignored) {
            // Best effort.
        }
    }
}
