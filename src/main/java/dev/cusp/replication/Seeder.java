package dev.cusp.replication;

import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import dev.cusp.node.Binlog;
import dev.cusp.node.NodeConfig;
import dev.cusp.node.NodeTools;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * Seeds a new node from a consistent snapshot of a source node at a known GTID position, then
 * leaves the node ready to replicate from exactly that position. The copied rows are loaded
 * with the binary log off: in a mesh they would otherwise flow back to every peer as new
 * transactions.
 *
 * <p>What is copied: the control database {@code cusp}, every tenant database (not their
 * backups, which never replicate), and the tenants' database users with their grants.
 */
public final class Seeder {
    private static final Pattern GTID = Pattern.compile("gtid_slave_pos\\s*=\\s*'([^']*)'");

    private final NodeConfig source;
    private final DataSource sourceAdmin;
    private final NodeConfig target;
    private final DataSource targetAdmin;

    public Seeder(NodeConfig source, DataSource sourceAdmin, NodeConfig target, DataSource targetAdmin) {
        this.source = source;
        this.sourceAdmin = sourceAdmin;
        this.target = target;
        this.targetAdmin = targetAdmin;
    }

    /** Progress of a seed: bytes of SQL moved so far. */
    public record Progress(long bytes, long elapsedMillis) {
    }

    /** The outcome: the GTID position the target now stands at, and what it took. */
    public record Result(String gtidPos, List<String> databases, int users, long bytes, long millis) {
    }

    public Result seed(Consumer<Progress> progress) {
        long start = System.nanoTime();
        List<String> dbs = databases();
        List<String> cmd = new ArrayList<>(List.of(source.binary("mariadb-dump").toString(),
                "--defaults-extra-file=" + new NodeTools(source).adminOptionFile(),
                "--single-transaction", "--master-data=2", "--gtid", "--routines", "--triggers", "--events",
                "--hex-blob", "--quick", "--extended-insert", "--net-buffer-length=4194304", "--databases"));
        cmd.addAll(dbs);
        List<String> load = List.of(target.binary("mariadb").toString(),
                "--defaults-extra-file=" + new NodeTools(target).adminOptionFile(), "--max-allowed-packet=256M",
                "--init-command=SET SESSION sql_log_bin=0");
        String gtid = null;
        long bytes = 0;
        try {
            Process dump = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.PIPE).start();
            Process in = new ProcessBuilder(load).redirectErrorStream(true).start();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(dump.getInputStream(),
                    StandardCharsets.UTF_8), 1 << 20); OutputStream w = in.getOutputStream()) {
                String line;
                long lastReport = System.nanoTime();
                while ((line = r.readLine()) != null) {
                    if (gtid == null && line.startsWith("--") && line.contains("gtid_slave_pos")) {
                        Matcher m = GTID.matcher(line);
                        if (m.find()) {
                            gtid = m.group(1);
                        }
                    }
                    byte[] b = (line + "\n").getBytes(StandardCharsets.UTF_8);
                    w.write(b);
                    bytes += b.length;
                    if (System.nanoTime() - lastReport > 1_000_000_000L) {
                        progress.accept(new Progress(bytes, (System.nanoTime() - start) / 1_000_000));
                        lastReport = System.nanoTime();
                    }
                }
            }
            String loadOut = new String(in.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!dump.waitFor(6, TimeUnit.HOURS) || dump.exitValue() != 0) {
                throw new CuspException(ErrorCode.INTERNAL, "snapshot of the source failed: "
                        + new String(dump.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).trim());
            }
            if (!in.waitFor(6, TimeUnit.HOURS) || in.exitValue() != 0) {
                throw new CuspException(ErrorCode.INTERNAL, "loading the snapshot failed: " + loadOut.trim());
            }
        } catch (IOException e) {
            throw new CuspException(ErrorCode.INTERNAL, "seeding failed: " + e.getMessage(), null, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CuspException(ErrorCode.INTERNAL, "seeding interrupted");
        }
        if (gtid == null) {
            throw new CuspException(ErrorCode.INTERNAL, "the snapshot carried no GTID position");
        }
        int users = copyTenantUsers();
        setSlavePos(gtid);
        progress.accept(new Progress(bytes, (System.nanoTime() - start) / 1_000_000));
        return new Result(gtid, dbs, users, bytes, (System.nanoTime() - start) / 1_000_000);
    }

    /** The control database and every tenant database, without backups. */
    private List<String> databases() {
        List<String> out = new ArrayList<>();
        try (Connection c = sourceAdmin.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT schema_name FROM information_schema.schemata WHERE"
                     + " schema_name = 'cusp' OR (schema_name LIKE 'od\\_%' AND schema_name NOT LIKE '%\\_bak\\_%')"
                     + " ORDER BY schema_name")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        if (out.isEmpty()) {
            throw new CuspException(ErrorCode.CONFLICT, "the source has nothing to seed from (no control database)");
        }
        return out;
    }

    /** Tenant users ({@code od_*}) with their password hashes and grants, applied without binlog. */
    private int copyTenantUsers() {
        List<String> statements = new ArrayList<>();
        try (Connection c = sourceAdmin.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT user, host FROM mysql.user WHERE user LIKE 'od\\_%'")) {
            List<String[]> users = new ArrayList<>();
            while (rs.next()) {
                users.add(new String[] {rs.getString(1), rs.getString(2)});
            }
            for (String[] u : users) {
                String account = "'" + u[0] + "'@'" + u[1] + "'";
                try (ResultSet cu = s.executeQuery("SHOW CREATE USER " + account)) {
                    cu.next();
                    statements.add(cu.getString(1).replaceFirst("^CREATE USER", "CREATE OR REPLACE USER"));
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
        try {
            Binlog.withoutBinlog(targetAdmin, c -> {
                try (Statement s = c.createStatement()) {
                    for (String st : statements) {
                        s.execute(st);
                    }
                }
                return null;
            });
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create the tenant users on the new node: " + e.getMessage(), e);
        }
        return (int) statements.stream().filter(x -> x.startsWith("CREATE")).count();
    }

    private void setSlavePos(String gtid) {
        try (Connection c = targetAdmin.getConnection();
             PreparedStatement ps = c.prepareStatement("SET GLOBAL gtid_slave_pos = ?")) {
            ps.setString(1, gtid);
            ps.execute();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot set gtid_slave_pos to " + gtid + ": " + e.getMessage(), e);
        }
    }
}
