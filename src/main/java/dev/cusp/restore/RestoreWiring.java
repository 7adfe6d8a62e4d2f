package dev.cusp.restore;

import dev.cusp.backup.BackupService;
import dev.cusp.node.NodeConfig;
import dev.cusp.site.Settings;
import dev.cusp.site.SiteHome;
import dev.cusp.tenant.TenantPools;
import dev.cusp.tenant.TenantRegistry;
import dev.cusp.tenant.TenantService;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BiConsumer;
import javax.sql.DataSource;

/** Makes the site's {@link Restorer}, finishes restores a killed site left, and starts the archive's schedule. */
public final class RestoreWiring {
    private RestoreWiring() {
    }

    public static Restorer start(Settings settings, SiteHome home, DataSource admin, NodeConfig node,
                                 TenantRegistry registry, TenantService tenants, TenantPools pools,
                                 BackupService backups, String site, BiConsumer<String, Boolean> tenantChanged) {
        BinlogArchive archive = new BinlogArchive(BinlogArchive.folder(backups.store().root()),
                Duration.ofDays(settings.get(Settings.RESTORE_BINLOG_RETAIN_DAYS)));
        Restorer r = new Restorer(admin, node, registry, tenants, pools, backups, archive, home.dir().resolve("rs"),
                site, tenantChanged);
        archive.register(node);
        r.recoverAll();
        // After the recovery: a crash test's site (another process) stops its next restore there.
        TestPause.requested().ifPresent(phase -> {
            Restorer.LOG.warn("restore: the next restore stops for good at {} (JVM property {}: tests only)", phase,
                    TestPause.PROPERTY);
            r.stopAt(phase);
        });
        // Every minute: closed files copied (the purge guard also copies right before it purges),
        // the current file closed every restore.binlog.flush.minutes, and files past the
        // retention deleted.
        Duration flush = Duration.ofMinutes(settings.get(Settings.RESTORE_BINLOG_FLUSH_MINUTES));
        r.every(Duration.ofMinutes(1), () -> {
            try (Connection c = admin.getConnection()) {
                archive.tick(node, c, flush);
            } catch (SQLException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
            archive.applyRetention(Instant.now());
        });
        return r;
    }
}
