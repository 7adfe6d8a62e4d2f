package dev.cusp.replication;

import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import dev.cusp.node.Binlog;
import dev.cusp.node.NodeConfig;
import dev.cusp.node.NodeTools;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * Seeds a node from a consistent snapshot of a source node at a known GTID position, then
 * leaves it ready to replicate from exactly that position. Two halves, so the snapshot can
 * travel between sites over HTTPS: {@link #snapshot} runs at the source and writes a stream;
 * {@link #load} runs at the target and reads it.
 *
 * <p>The stream is {@code mariadb-dump --single-transaction --gtid --master-data=2} of the
 * control database and every tenant database (not their backups, which never replicate),
 * followed by the tenants' database users with their grants, and an end marker: a stream cut
 * short is detected and refused. The target loads it with the binary log off: in a mesh the
 * copied rows would otherwise flow back to every peer as new transactions. Its binary log then
 * starts at the snapshot's position, so other sites can replicate from it.
 */
public final class Seeder {
    static final String END_MARKER = "-- cusp: snapshot complete";
    private static final String FAILED_MARKER = "-- cusp: snapshot FAILED: ";
    private static final Pattern GTID = Pattern.compile("gtid_slave_pos\\s*=\\s*'([^']*)'");

    private Seeder() {
    }

    /** Progress of a load: SQL bytes and (approximate) rows so far, against the source's estimate. */
    public record Progress(long bytes, long rows, long estimatedBytes, long elapsedMillis) {
        /** Seconds left at the rate so far, or -1 when unknown. */
        public long etaSeconds() {
            if (estimatedBytes <= 0 || bytes <= 0 || bytes >= estimatedBytes) {
                return bytes >= estimatedBytes && estimatedBytes > 0 ? 0 : -1;
            }
            return (long) ((estimatedBytes - bytes) * (elapsedMillis / 1000.0) / bytes);
        }
    }

    /** The outcome: the GTID position the target now stands at, and what it took. */
    public record Result(String gtidPos, List<String> databases, int users, long bytes, long rows, long millis) {
    }

    /** What a source tells a target before streaming: its databases and their size on disk. */
    public record Estimate(List<String> databases, long bytes, long rows) {
    }

    /** The control database and every tenant database, without backups, with their size. */
    public static Estimate estimate(DataSource sourceAdmin) {
        List<String> dbs = new ArrayList<>();
        try (Connection c = sourceAdmin.getConnection(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT schema_name FROM information_schema.schemata WHERE"
                    + " schema_name = 'cusp' OR (schema_name LIKE 'od\\_%' AND schema_name NOT LIKE '%\\_bak\\_%')"
                    + " ORDER BY schema_name")) {
                while (rs.next()) {
                    dbs.add(rs.getString(1));
                }
            }
            if (dbs.isEmpty()) {
                throw new CuspException(ErrorCode.CONFLICT, "the source has nothing to seed from (no control database)");
            }
            try (ResultSet rs = s.executeQuery("SELECT COALESCE(SUM(data_length), 0), COALESCE(SUM(table_rows), 0)"
                    + " FROM information_schema.tables WHERE table_schema IN ('" + String.join("','", dbs) + "')")) {
                rs.next();
                return new Estimate(dbs, rs.getLong(1), rs.getLong(2));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot list the source's databases: " + e.getMessage(), e);
        }
    }

    /**
     * Writes a snapshot of the source to {@code out}. On failure the stream ends with a failure
     * line instead of the end marker, so the target refuses it.
     */
    public static void snapshot(NodeConfig source, DataSource sourceAdmin, List<String> databases, OutputStream out)
            throws IOException {
        List<String> cmd = new ArrayList<>(List.of(source.binary("mariadb-dump").toString(),
                "--defaults-extra-file=" + new NodeTools(source).adminOptionFile(),
                "--single-transaction", "--master-data=2", "--gtid", "--routines", "--triggers", "--events",
                "--hex-blob", "--quick", "--extended-insert", "--net-buffer-length=4194304", "--databases"));
        cmd.addAll(databases);
        Process dump = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.PIPE).start();
        CompletableFuture<String> errors = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(dump.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return e.getMessage();
            }
        });
        try (InputStream in = dump.getInputStream()) {
            in.transferTo(out);
        } catch (IOException e) {
            dump.destroyForcibly();
            throw e;
        }
        try {
            if (!dump.waitFor(1, TimeUnit.HOURS) || dump.exitValue() != 0) {
                out.write((FAILED_MARKER + errors.join().trim().replace('\n', ' ') + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
        // Users are read after the snapshot: a user made since then is made again, harmlessly,
        // when its CREATE OR REPLACE USER replicates; one dropped since is dropped again (IF EXISTS).
        StringBuilder users = new StringBuilder("\n-- cusp: tenant database users\n");
        for (String st : tenantUsers(sourceAdmin)) {
            users.append(st).append(";\n");
        }
        users.append(END_MARKER).append('\n');
        out.write(users.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /**
     * Empties the target (its tenant databases, control database and tenant users, with the
     * binary log off), loads the snapshot from {@code in}, and sets the target's GTID state to
     * the snapshot's position. The target must not be replicating.
     */
    public static Result load(InputStream in, NodeConfig target, DataSource targetAdmin, long estimatedBytes,
                              Consumer<Progress> progress) {
        long start = System.nanoTime();
        empty(targetAdmin);
        List<String> load = List.of(target.binary("mariadb").toString(),
                "--defaults-extra-file=" + new NodeTools(target).adminOptionFile(), "--max-allowed-packet=1G",
                "--init-command=SET SESSION sql_log_bin=0");
        String gtid = null;
        boolean complete = false;
        String failed = null;
        long bytes = 0;
        long rows = 0;
        boolean inInsert = false;
        List<String> dbs = new ArrayList<>();
        int users = 0;
        try {
            Process client = new ProcessBuilder(load).redirectErrorStream(true).start();
            CompletableFuture<String> clientOut = CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    return e.getMessage();
                }
            });
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 20);
                 OutputStream w = client.getOutputStream()) {
                String line;
                long lastReport = System.nanoTime();
                while ((line = r.readLine()) != null) {
                    if (line.startsWith("--")) {
                        if (gtid == null && line.contains("gtid_slave_pos")) {
                            Matcher m = GTID.matcher(line);
                            if (m.find()) {
                                gtid = m.group(1);
                            }
                        } else if (line.equals(END_MARKER)) {
                            complete = true;
                        } else if (line.startsWith(FAILED_MARKER)) {
                            failed = line.substring(FAILED_MARKER.length());
                        } else if (line.startsWith("-- Current Database: ")) {
                            dbs.add(line.substring("-- Current Database: ".length()).replace("`", ""));
                        }
                    } else if (line.startsWith("INSERT INTO ")) {
                        // mariadb-dump 11.4 writes "INSERT INTO t VALUES" then one row per line;
                        // older ones put the rows on the INSERT line, joined by "),(".
                        inInsert = !line.endsWith(";");
                        int v = line.indexOf(" VALUES (");
                        if (v >= 0) {
                            rows += 1 + count(line.substring(v), "),(");
                        }
                    } else if (inInsert && line.startsWith("(")) {
                        rows += 1 + count(line, "),(");
                        inInsert = !line.endsWith(";");
                    } else if (line.startsWith("CREATE OR REPLACE USER")) {
                        users++;
                    }
                    byte[] b = (line + "\n").getBytes(StandardCharsets.UTF_8);
                    w.write(b);
                    bytes += b.length;
                    if (System.nanoTime() - lastReport > 1_000_000_000L) {
                        progress.accept(new Progress(bytes, rows, estimatedBytes, (System.nanoTime() - start) / 1_000_000));
                        lastReport = System.nanoTime();
                    }
                }
            } catch (IOException e) {
                client.destroyForcibly();
                throw new CuspException(ErrorCode.UNAVAILABLE, "the snapshot stream broke after " + bytes
                        + " bytes: " + e.getMessage() + "; nothing is replicating yet, run the command again");
            }
            if (!client.waitFor(6, TimeUnit.HOURS) || client.exitValue() != 0) {
                throw new CuspException(ErrorCode.INTERNAL, "loading the snapshot failed: " + clientOut.join().trim());
            }
        } catch (IOException e) {
            throw new CuspException(ErrorCode.INTERNAL, "cannot run the node's client to load the snapshot: "
                    + e.getMessage(), null, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CuspException(ErrorCode.INTERNAL, "seeding interrupted");
        }
        if (failed != null) {
            throw new CuspException(ErrorCode.UNAVAILABLE, "the source could not take its snapshot: " + failed);
        }
        if (!complete) {
            throw new CuspException(ErrorCode.UNAVAILABLE, "the snapshot stream ended early (" + bytes
                    + " bytes); nothing is replicating yet, run the command again");
        }
        if (gtid == null) {
            throw new CuspException(ErrorCode.INTERNAL, "the snapshot carried no GTID position");
        }
        startBinlogAt(targetAdmin, gtid);
        progress.accept(new Progress(bytes, rows, estimatedBytes, (System.nanoTime() - start) / 1_000_000));
        return new Result(gtid, dbs, users, bytes, rows, (System.nanoTime() - start) / 1_000_000);
    }

    /** Both halves on one machine, through a pipe: a node seeded from another in the same process. */
    public static Result seed(NodeConfig source, DataSource sourceAdmin, NodeConfig target, DataSource targetAdmin,
                              Consumer<Progress> progress) {
        Estimate est = estimate(sourceAdmin);
        try (PipedInputStream in = new PipedInputStream(1 << 20); PipedOutputStream out = new PipedOutputStream(in)) {
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try (out) {
                    snapshot(source, sourceAdmin, est.databases(), out);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            Result r = load(in, target, targetAdmin, est.bytes(), progress);
            writer.join();
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Drops what a load replaces, with the binary log off: nothing of it is a new transaction. */
    static void empty(DataSource admin) {
        try {
            Binlog.withoutBinlog(admin, c -> {
                List<String> drop = new ArrayList<>();
                try (Statement s = c.createStatement()) {
                    try (ResultSet rs = s.executeQuery("SELECT schema_name FROM information_schema.schemata WHERE"
                            + " schema_name = 'cusp' OR (schema_name LIKE 'od\\_%' AND schema_name NOT LIKE '%\\_bak\\_%')")) {
                        while (rs.next()) {
                            drop.add("DROP DATABASE `" + rs.getString(1) + "`");
                        }
                    }
                    try (ResultSet rs = s.executeQuery("SELECT user, host FROM mysql.user WHERE user LIKE 'od\\_%'")) {
                        while (rs.next()) {
                            drop.add("DROP USER IF EXISTS '" + rs.getString(1) + "'@'" + rs.getString(2) + "'");
                        }
                    }
                    for (String d : drop) {
                        s.execute(d);
                    }
                }
                return null;
            });
        } catch (SQLException e) {
            throw new IllegalStateException("cannot empty the node before seeding: " + e.getMessage(), e);
        }
    }

    /** Tenant users ({@code od_*}) with their password hashes and grants, as SQL statements. */
    static List<String> tenantUsers(DataSource sourceAdmin) {
        List<String> statements = new ArrayList<>();
        try (Connection c = sourceAdmin.getConnection(); Statement s = c.createStatement()) {
            List<String[]> users = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT user, host FROM mysql.user WHERE user LIKE 'od\\_%'")) {
                while (rs.next()) {
                    users.add(new String[] {rs.getString(1), rs.getString(2)});
                }
            }
            for (String[] u : users) {
                String account = "'" + u[0] + "'@'" + u[1] + "'";
                try (ResultSet cu = s.executeQuery("SHOW CREATE USER " + account)) {
                    if (!cu.next()) {
                        continue;
                    }
                    statements.add(cu.getString(1).replaceFirst("^CREATE USER", "CREATE OR REPLACE USER"));
                } catch (SQLException droppedMeanwhile) {
                    continue;
                }
                try (ResultSet g = s.executeQuery("SHOW GRANTS FOR " + account)) {
                    while (g.next()) {
                        String grant = g.getString(1);
                        if (!grant.startsWith("GRANT USAGE")) {
                            statements.add(grant);
                        }
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the source's tenant users: " + e.getMessage(), e);
        }
        return statements;
    }

    /**
     * Starts the target's binary log at the snapshot's position ({@code RESET MASTER}, then
     * {@code gtid_binlog_state}) and sets {@code gtid_slave_pos} to it: the target now holds
     * exactly the source's history, and other sites at or past that position can replicate
     * from it.
     */
    static void startBinlogAt(DataSource admin, String gtid) {
        try (Connection c = admin.getConnection(); Statement s = c.createStatement()) {
            // Sites replicating from this node would otherwise stay attached to the old, deleted
            // binary log and wait there for ever, "running" but receiving nothing: end them, so
            // they reconnect to the new log from their own positions.
            endBinlogReaders(s);
            s.execute("RESET MASTER");
            try (PreparedStatement ps = c.prepareStatement("SET GLOBAL gtid_binlog_state = ?")) {
                ps.setString(1, gtid);
                ps.execute();
            }
            try (PreparedStatement ps = c.prepareStatement("SET GLOBAL gtid_slave_pos = ?")) {
                ps.setString(1, gtid);
                ps.execute();
            }
            endBinlogReaders(s);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot set the GTID position " + gtid + ": " + e.getMessage(), e);
        }
    }

    private static void endBinlogReaders(Statement s) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (ResultSet rs = s.executeQuery("SELECT id FROM information_schema.processlist WHERE command LIKE"
                + " 'Binlog Dump%'")) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        for (long id : ids) {
            try {
                s.execute("KILL CONNECTION " + id);
            } catch (SQLException alreadyGone) {
                // Ended by itself meanwhile.
            }
        }
    }

    private static int count(String s, String needle) {
        int n = 0;
        for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + needle.length())) {
            n++;
        }
        return n;
    }
}
