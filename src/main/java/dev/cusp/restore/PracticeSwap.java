package dev.cusp.restore;

import dev.cusp.node.Binlog;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Puts the restored tables (loaded into a staging database) in place of a practice's tables in
 * one {@code RENAME TABLE}: the replaced tables go to a third database and are dropped after.
 * MariaDB refuses to move a table with triggers to another database, so the live triggers are
 * dropped just before the rename and the restored ones made just after; the journal holds both
 * sets, so a site killed in between puts back whichever the rename's outcome calls for. All of
 * it with the binary log off: at other sites a restore arrives as the same tables, not as
 * replicated DDL. Only names the site chose and {@code information_schema} are read; no
 * practice object runs.
 */
final class PracticeSwap {
    private PracticeSwap() {
    }

    /** The base tables of {@code db}. */
    static List<String> tables(Statement s, String db) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = s.getConnection().prepareStatement("SELECT table_name FROM"
                + " information_schema.tables WHERE table_schema = ? AND table_type = 'BASE TABLE' ORDER BY table_name")) {
            ps.setString(1, db);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    /** The triggers of {@code db} as SHOW CREATE TRIGGER prints them, in creation order. */
    static List<RestoreJournal.Trigger> triggers(Statement s, String db) throws SQLException {
        List<String> names = new ArrayList<>();
        try (PreparedStatement ps = s.getConnection().prepareStatement("SELECT trigger_name FROM"
                + " information_schema.triggers WHERE trigger_schema = ? ORDER BY created, action_order")) {
            ps.setString(1, db);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
        }
        List<RestoreJournal.Trigger> out = new ArrayList<>();
        for (String n : names) {
            try (ResultSet rs = s.executeQuery("SHOW CREATE TRIGGER `" + db + "`.`" + n.replace("`", "``") + "`")) {
                rs.next();
                out.add(new RestoreJournal.Trigger(n, rs.getString("sql_mode"), rs.getString("SQL Original Statement")));
            }
        }
        return out;
    }

    /** Swaps (journal phase {@code swapping} must be written before). */
    static void swap(DataSource admin, RestoreJournal j, Runnable afterTriggersDropped) throws SQLException {
        Binlog.withoutBinlog(admin, c -> {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE IF NOT EXISTS `" + j.old() + "`");
                dropTriggers(s, j.target(), j.liveTriggers());
                afterTriggersDropped.run();
                List<String> live = tables(s, j.target());
                List<String> restored = tables(s, j.staging());
                List<String> moves = new ArrayList<>();
                for (String t : live) {
                    moves.add(q(j.target(), t) + " TO " + q(j.old(), t));
                }
                for (String t : restored) {
                    moves.add(q(j.staging(), t) + " TO " + q(j.target(), t));
                }
                if (!moves.isEmpty()) {
                    s.execute("RENAME TABLE " + String.join(", ", moves));
                }
            }
            return null;
        });
    }

    /** After the swap: the restored triggers, then the replaced tables and the staging database dropped. */
    static void finish(DataSource admin, RestoreJournal j) throws SQLException {
        Binlog.withoutBinlog(admin, c -> {
            try (Statement s = c.createStatement()) {
                makeTriggers(c, s, j.target(), j.newTriggers());
                s.execute("DROP DATABASE IF EXISTS `" + j.old() + "`");
                s.execute("DROP DATABASE IF EXISTS `" + j.staging() + "`");
            }
            return null;
        });
    }

    /** Undoes a restore that did not reach the swap: the live triggers back, staging and old dropped. */
    static void undo(DataSource admin, RestoreJournal j) throws SQLException {
        Binlog.withoutBinlog(admin, c -> {
            try (Statement s = c.createStatement()) {
                if (j.liveTriggers() != null) {
                    makeTriggers(c, s, j.target(), j.liveTriggers());
                }
                if (tablesIn(s, j.old()) == 0) {
                    s.execute("DROP DATABASE IF EXISTS `" + j.old() + "`");
                }
                s.execute("DROP DATABASE IF EXISTS `" + j.staging() + "`");
            }
            return null;
        });
    }

    /** True when the rename happened: the staging database has no table left (or is gone). */
    static boolean swapped(DataSource admin, RestoreJournal j) throws SQLException {
        try (Connection c = admin.getConnection(); Statement s = c.createStatement()) {
            return tablesIn(s, j.staging()) == 0;
        }
    }

    private static int tablesIn(Statement s, String db) throws SQLException {
        return tables(s, db).size();
    }

    private static void dropTriggers(Statement s, String db, List<RestoreJournal.Trigger> triggers)
            throws SQLException {
        for (RestoreJournal.Trigger t : triggers) {
            s.execute("DROP TRIGGER IF EXISTS `" + db + "`.`" + t.name().replace("`", "``") + "`");
        }
    }

    private static void makeTriggers(Connection c, Statement s, String db, List<RestoreJournal.Trigger> triggers)
            throws SQLException {
        s.execute("USE `" + db + "`");
        for (RestoreJournal.Trigger t : triggers) {
            try (PreparedStatement ps = c.prepareStatement("SET SESSION sql_mode = ?")) {
                ps.setString(1, t.sqlMode());
                ps.execute();
            }
            // Recovery may run this twice: a trigger made before the kill is replaced, not an error.
            s.execute(t.create().replaceFirst("^CREATE DEFINER", "CREATE OR REPLACE DEFINER"));
        }
        s.execute("SET SESSION sql_mode = DEFAULT");
    }

    private static String q(String db, String t) {
        return "`" + db + "`.`" + t.replace("`", "``") + "`";
    }
}
