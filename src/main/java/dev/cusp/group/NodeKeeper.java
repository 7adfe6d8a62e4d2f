package dev.cusp.group;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.cusp.node.EmbeddedNode;
import dev.cusp.replication.KeySpacing;
import dev.cusp.replication.NodeSettings;
import dev.cusp.base.FilePermissions;
import dev.cusp.site.SiteHome;
import dev.cusp.site.SiteIdentity;
import dev.cusp.tenant.TenantPools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this site's node configured as the group decided: checks and fixes the replication
 * settings (key spacing, read-only, the rest of {@link NodeSettings}), keeps the group's part in
 * {@code site/node-settings.json} for the next start, restarts the embedded node when a setting
 * needs it, and retires pooled sessions so they pick up the new session defaults.
 */
public final class NodeKeeper {
    private static final Logger LOG = LoggerFactory.getLogger(NodeKeeper.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SiteHome home;
    private final DataSource admin;
    private final EmbeddedNode node;
    private final TenantPools pools;

    NodeKeeper(SiteHome home, DataSource admin, EmbeddedNode node, TenantPools pools) {
        this.home = home;
        this.admin = admin;
        this.node = node;
        this.pools = pools;
    }

    /** The node arguments kept from the group's last decision (key spacing, read-only, appliers). */
    public static List<String> savedArgs(SiteHome home) {
        Path f = settingsFile(home);
        if (!Files.exists(f)) {
            return List.of();
        }
        try {
            JsonNode n = JSON.readTree(f.toFile());
            return List.of("--auto-increment-increment=" + n.path("auto_increment_increment").asInt(1),
                    "--auto-increment-offset=" + n.path("auto_increment_offset").asInt(1),
                    "--read-only=" + (n.path("read_only").asBoolean(false) ? "ON" : "OFF"),
                    // A file from before the group chose appliers: one thread, as then.
                    "--slave-parallel-threads=" + n.path("slave_parallel_threads").asInt(EmbeddedNode.DEFAULT_APPLIERS));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + f + ": " + e.getMessage(), e);
        }
    }

    /** What {@code site/node-settings.json} holds: the settings the node starts with next time. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Persisted(int autoIncrementIncrement, int autoIncrementOffset, boolean readOnly, int slaveParallelThreads) {
    }

    private static Path settingsFile(SiteHome home) {
        return home.dir().resolve("site/node-settings.json");
    }

    /**
     * Brings the node to the settings a site of this kind with this many replication sources
     * needs; the rows say what was done.
     */
    List<NodeSettings.Row> apply(boolean writable, KeySpacing keys, SiteIdentity id, int sources) {
        int appliers = NodeSettings.appliersFor(sources);
        List<NodeSettings.Row> rows = NodeSettings.fix(admin, NodeSettings.required(writable, keys, id.serverId(),
                id.gtidDomainId(), appliers));
        boolean changed = rows.stream().anyMatch(r -> !r.action().equals("ok"));
        Persisted persisted = new Persisted(keys.increment(), keys.offset(), !writable, appliers);
        try {
            byte[] b = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(persisted);
            Path f = settingsFile(home);
            if (!Files.exists(f) || !java.util.Arrays.equals(Files.readAllBytes(f), b)) {
                FilePermissions.writePrivate(f, b);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        node.extraArgs(savedArgs(home));
        if (rows.stream().anyMatch(r -> r.action().equals("restart"))) {
            LOG.info("group: restarting the node for {}", rows);
            restart();
        }
        if (changed) {
            // Sessions copy auto_increment spacing from the globals when they open: retire the
            // open ones, the site's own admin pool (the conflict resolver writes through it) as
            // well as the tenants' pools.
            softEvict(admin);
            pools.refreshAll();
            LOG.info("group: node settings now {}", rows.stream().filter(r -> !r.action().equals("ok"))
                    .map(r -> r.setting() + "=" + r.required()).toList());
        }
        return rows;
    }

    /** Restarts the embedded node; pooled connections to the old process are retired. */
    void restart() {
        node.close();
        node.start();
        softEvict(admin);
        pools.evictAll();
    }

    /** Retires a pool's open connections as soon as each is idle (no-op for other data sources). */
    private static void softEvict(DataSource ds) {
        if (ds instanceof com.zaxxer.hikari.HikariDataSource h && h.getHikariPoolMXBean() != null) {
            h.getHikariPoolMXBean().softEvictConnections();
        }
    }
}
