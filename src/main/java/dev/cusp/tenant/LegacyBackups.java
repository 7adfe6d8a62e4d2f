package dev.cusp.tenant;

import dev.cusp.node.Binlog;
import dev.cusp.node.NodeTools;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves the backup databases older versions made ({@code od_<name>_<id>_bak_<stamp>}, inside
 * the practice's grants) to their names now ({@code bak_<name>_<id>_<stamp>}, see
 * {@link BackupNames}), on this node only, with the binary log off like the backups themselves.
 * MariaDB cannot rename a database, nor move a table with triggers to another one, so each is
 * copied and then dropped; a copy cut short is made again at the next start.
 */
public final class LegacyBackups {
    private static final Logger LOG = LoggerFactory.getLogger(LegacyBackups.class);
    private static final Pattern LEGACY = Pattern.compile("od_([a-z][a-z0-9]{0,31})_([0-9]{1,9})_bak_(.+)");

    private LegacyBackups() {
    }

    /** Moves every legacy backup database here; returns the new names. */
    public static List<String> moveAll(DataSource admin, NodeTools tools) {
        List<String> moved = new ArrayList<>();
        for (String old : legacy(admin)) {
            Matcher m = LEGACY.matcher(old);
            if (!m.matches()) {
                continue;
            }
            String target = BackupNames.PREFIX + m.group(1) + "_" + m.group(2) + "_" + m.group(3);
            if (target.length() > 64) {
                LOG.warn("node: backup database {} keeps its name: {} would be too long", old, target);
                continue;
            }
            try {
                run(admin, "DROP DATABASE IF EXISTS `" + target + "`");
                run(admin, "CREATE DATABASE `" + target + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
                tools.copyDatabase(old, target);
                run(admin, "DROP DATABASE `" + old + "`");
                LOG.info("node: backup database {} moved to {}, out of its practice's reach", old, target);
                moved.add(target);
            } catch (SQLException | RuntimeException e) {
                LOG.warn("node: cannot move backup database {} to {} (tried again at the next start): {}", old,
                        target, e.getMessage());
            }
        }
        return moved;
    }

    private static List<String> legacy(DataSource admin) {
        List<String> out = new ArrayList<>();
        try (var c = admin.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT schema_name FROM information_schema.schemata WHERE schema_name LIKE '"
                        + BackupNames.LEGACY_LIKE + "' ORDER BY schema_name")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        } catch (SQLException e) {
            LOG.warn("node: cannot list legacy backup databases: {}", e.getMessage());
        }
        return out;
    }

    private static void run(DataSource admin, String sql) throws SQLException {
        Binlog.withoutBinlog(admin, c -> {
            try (Statement s = c.createStatement()) {
                s.execute(sql);
            }
            return null;
        });
    }
}
