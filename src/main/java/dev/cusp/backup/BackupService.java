package dev.cusp.backup;

import dev.cusp.node.NodeConfig;
import dev.cusp.tenant.Tenant;
import dev.cusp.tenant.TenantRegistry;
import java.nio.file.Path;
import java.util.List;
import javax.sql.DataSource;

/**
 * This site's backups: the one object the API, the scheduler and a restore use. Backups are
 * made, loaded and dropped here with the binary log off: each site keeps its own, none replicates.
 */
public final class BackupService {
    private final TenantRegistry registry;
    private final BackupStore store;
    private final BackupWriter writer;
    private final BackupReader reader;

    public BackupService(DataSource admin, NodeConfig node, TenantRegistry registry, Path folder, String site) {
        this.registry = registry;
        this.store = new BackupStore(folder);
        this.writer = new BackupWriter(admin, node, store, site);
        this.reader = new BackupReader(admin, node);
        // What a site killed mid-backup left: a staging copy in the node folder, a partial folder.
        BackupWriter.removeStaging(node);
        store.removePartials();
    }

    public BackupStore store() {
        return store;
    }

    public BackupWriter writer() {
        return writer;
    }

    public BackupReader reader() {
        return reader;
    }

    /** Backs up practice {@code name} now. */
    public BackupStore.Stored backup(String name, String kind) {
        return writer.write(registry.require(name), kind);
    }

    /** The complete backups of practice {@code name} (every practice when null), oldest first. */
    public List<BackupStore.Stored> list(String name) {
        if (name == null) {
            return store.list(null);
        }
        Tenant t = registry.require(name);
        return store.list(t.dbName());
    }
}
