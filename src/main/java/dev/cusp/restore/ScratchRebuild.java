package dev.cusp.restore;

import dev.cusp.backup.BackupReader;
import dev.cusp.backup.BackupStore;
import dev.cusp.backup.BackupWriter;
import dev.cusp.backup.SchemaObjects;
import dev.cusp.node.EmbeddedNode;
import dev.cusp.node.NodeConfig;
import dev.cusp.tenant.Tenant;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.mariadb.jdbc.MariaDbDataSource;

/**
 * The practice rebuilt away from the node: its backup loaded into a scratch server, the archived
 * binary logs replayed there up to the moment, and the result written out in the backup format
 * (below the work folder), ready to be swapped in here and handed out to the group.
 */
final class ScratchRebuild {
    private final NodeConfig node;
    private final BinlogArchive archive;
    private final Path work;
    private final String site;
    private final TestPause pause;

    /** The rebuilt practice and how long its replay took. */
    record Rebuilt(BackupStore.Stored restored, long replayMillis) {
    }

    ScratchRebuild(NodeConfig node, BinlogArchive archive, Path work, String site, TestPause pause) {
        this.node = node;
        this.archive = archive;
        this.work = work;
        this.site = site;
        this.pause = pause;
    }

    /** Rebuilds {@code p}'s practice, written out for {@code held} (the practice restored into). */
    Rebuilt rebuild(Restorer.Prepared p, Tenant held, Consumer<String> step) throws SQLException, IOException {
        Tenant t = p.tenant();
        step.accept("starting a scratch server");
        try (ScratchNode scratch = ScratchNode.start(node, work, List.of(wild(t.dbName())))) {
            DataSource sds = dataSource(scratch.config());
            step.accept("loading backup " + p.base().manifest().id());
            new BackupReader(sds, scratch.config()).load(p.base(), t.dbName(), BackupReader.LoadOptions.WITH_TRIGGERS);
            step.accept("replaying " + p.plan().txns() + " transactions of the binary log archive");
            long replayMs = Replayer.replay(scratch, archive, p.plan(), files -> { });
            pause.reached("replayed");
            step.accept("copying the restored practice out of the scratch server");
            BackupStore out = new BackupStore(out(work, held));
            BackupWriter writer = new BackupWriter(sds, scratch.config(), out, site);
            if (!SchemaObjects.carried(p.base())) {
                // A backup from before backups carried views, routines and events: the copy carries
                // none either (not an empty set), so every site keeps the practice's own.
                writer.withoutSchemaObjects();
            }
            return new Rebuilt(writer.write(t, "restore"), replayMs);
        }
    }

    /** The folder the practice restored into {@code held} is written to. */
    static Path out(Path work, Tenant held) {
        return work.resolve("out-" + held.id());
    }

    /** The replication filter for exactly one database ({@code _} is a LIKE wildcard: escaped). */
    static String wild(String db) {
        return db.replace("_", "\\_") + ".%";
    }

    private static DataSource dataSource(NodeConfig c) throws SQLException {
        MariaDbDataSource ds = new MariaDbDataSource("jdbc:mariadb://127.0.0.1:" + c.port() + "/");
        ds.setUser(EmbeddedNode.ADMIN_USER);
        ds.setPassword(c.adminPassword());
        return ds;
    }
}
