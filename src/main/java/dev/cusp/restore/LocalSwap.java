package dev.cusp.restore;

import dev.cusp.backup.BackupManifest;
import dev.cusp.backup.BackupReader;
import dev.cusp.backup.BackupStore;
import dev.cusp.backup.DatabaseRename;
import dev.cusp.backup.SchemaObjects;
import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import dev.cusp.node.NodeConfig;
import dev.cusp.tenant.Tenant;
import dev.cusp.tenant.TenantRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * A restored practice put in place at this node under its {@link RestoreJournal}: loaded into a
 * staging database, its triggers checked, swapped in ({@link PracticeSwap}); and, after a stop,
 * the swap a journal describes completed or undone.
 */
final class LocalSwap {
    /** A trigger's CREATE statement up to its table: that table's plain name, no database. */
    private static final Pattern TRIGGER = Pattern.compile("(?i)CREATE\\s+DEFINER=`[^`]+`@`[^`]+`"
            + "\\s+TRIGGER\\s+`?[A-Za-z0-9_]+`?\\s+(?:BEFORE|AFTER)\\s+(?:INSERT|UPDATE|DELETE)\\s+ON\\s+`?([A-Za-z0-9_]+)`?\\s");
    private final DataSource admin;
    private final NodeConfig node;
    private final TenantRegistry registry;
    private final Path work;
    private final TestPause pause;

    LocalSwap(DataSource admin, NodeConfig node, TenantRegistry registry, Path work, TestPause pause) {
        this.admin = admin;
        this.node = node;
        this.registry = registry;
        this.work = work;
        this.pause = pause;
    }

    /** A new journal for a restore into {@code held} run by {@code origin}, in phase loading. */
    static RestoreJournal journal(Tenant held, String origin) {
        return new RestoreJournal(held.name(), held.dbName(), "cusp_rst_" + held.id(), "cusp_rsold_" + held.id(),
                RestoreJournal.LOADING, List.of(), List.of(), origin, List.of(), null, null);
    }

    /**
     * Puts a restored practice (a backup-format folder) in place of {@code held}'s tables: loaded
     * into a staging database, then swapped in under the journal (written at {@code j}'s phase).
     * The restored triggers are made with {@code held}'s own database user as definer.
     */
    RestoreJournal apply(Tenant held, BackupStore.Stored restored, RestoreJournal j, Consumer<String> step)
            throws SQLException {
        step.accept("loading the restored practice beside the live one");
        try (Connection c = admin.getConnection(); Statement s = c.createStatement()) {
            s.execute("SET SESSION sql_log_bin = 0");
            s.execute("DROP DATABASE IF EXISTS `" + j.staging() + "`");
            s.execute("DROP DATABASE IF EXISTS `" + j.old() + "`");
        }
        new BackupReader(admin, node).load(restored, j.staging(), BackupReader.LoadOptions.TABLES_ONLY);
        SchemaObjects.prove(admin, restored, j.staging(), held.dbUser());
        pause.reached("loaded");
        List<RestoreJournal.Trigger> live;
        try (Connection c = admin.getConnection(); Statement s = c.createStatement()) {
            live = PracticeSwap.triggers(s, j.target());
        }
        String user = "CREATE DEFINER=`" + held.dbUser() + "`@";
        Set<String> tables = new HashSet<>();
        restored.manifest().tables().forEach(x -> tables.add(x.name()));
        // The practice's own database named in a trigger (its head as the practice wrote it, its
        // body) becomes the one it is made in; a head naming any other database stays and is refused.
        String from = restored.manifest().database();
        List<BackupManifest.Trigger> made = restored.manifest().triggers().stream().map(g ->
                new BackupManifest.Trigger(g.name(), g.sqlMode(),
                        DatabaseRename.trigger(g.createTrigger(), from, j.target(), g.sqlMode()))).toList();
        for (BackupManifest.Trigger g : made) {
            // Run as the site's admin: only a trigger on one of the practice's own tables, named
            // without a database, is made (a manifest from another site is not taken on trust).
            Matcher m = TRIGGER.matcher(g.createTrigger());
            if (!m.lookingAt() || !tables.contains(m.group(1))) {
                throw new CuspException(ErrorCode.CONFLICT, "the restored practice's trigger " + g.name()
                        + " is not a trigger on one of its own tables; nothing was changed");
            }
        }
        List<RestoreJournal.Trigger> fresh = made.stream().map(g ->
                new RestoreJournal.Trigger(g.name(), g.sqlMode(), g.createTrigger()
                        .replaceFirst("^CREATE DEFINER=`[^`]+`@", Matcher.quoteReplacement(user))))
                .toList();
        RestoreJournal sw = j.withTriggers(live, fresh).at(RestoreJournal.SWAPPING);
        sw.write(work);
        step.accept("swapping the restored tables in");
        PracticeSwap.swap(admin, sw, () -> pause.reached("swapping"));
        RestoreJournal done = sw.at(RestoreJournal.SWAPPED);
        done.write(work);
        pause.reached("swapped");
        PracticeSwap.finish(admin, done);
        SchemaObjects.replace(admin, restored, j.target(), held.dbUser());
        return done;
    }

    /**
     * Puts a restored practice's swap state right after a stop: the rename's outcome decides
     * whether it is completed or undone. Returns true when the restored tables are in place
     * here. The journal is left for the caller.
     */
    boolean recover(RestoreJournal j) {
        try {
            if (RestoreJournal.DISTRIBUTING.equals(j.phase())) {
                return true; // Swapped and finished here; only the other sites are left.
            }
            if (RestoreJournal.SWAPPED.equals(j.phase())
                    || (RestoreJournal.SWAPPING.equals(j.phase()) && PracticeSwap.swapped(admin, j))) {
                PracticeSwap.finish(admin, j.at(RestoreJournal.SWAPPED));
                // The restored views and routines come after the swap: made (again) from the
                // restored copy, which stays on disk until the restore is over.
                Optional<Tenant> t = registry.find(j.tenant());
                if (j.restored() != null && t.isPresent() && Files.isDirectory(work.resolve(j.restored()))) {
                    SchemaObjects.replace(admin, BackupStore.open(work.resolve(j.restored())),
                            j.target(), t.get().dbUser());
                }
                Restorer.LOG.info("tenant {}: the interrupted restore was completed here", j.tenant());
                return true;
            }
            PracticeSwap.undo(admin, j);
            Restorer.LOG.info("tenant {}: the interrupted restore was undone here; the practice is as it was", j.tenant());
            return false;
        } catch (SQLException e) {
            throw new CuspException(ErrorCode.UNAVAILABLE, "cannot finish the interrupted restore of " + j.tenant()
                    + ": " + e.getMessage(), null, e);
        }
    }

    /** Undoes (or completes) the journalled swap into {@code db} left by a failed restore, if any, and deletes its journal. */
    void recoverFailed(String db) {
        RestoreJournal.all(work).stream().filter(x -> x.target().equals(db)).findFirst().ifPresent(x -> {
            recover(x);
            x.delete(work);
        });
    }
}
