package dev.cusp.update;

import dev.cusp.base.CuspVersion;
import dev.cusp.error.CuspException;
import dev.cusp.group.Group;
import dev.cusp.replication.GtidPos;
import dev.cusp.replication.ReplicationChannels;
import dev.cusp.tenant.Tenant;
import dev.cusp.tenant.TenantService;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One site's own part of an update, done for the update site over the peer routes (or
 * locally at the update site itself): tell its versions and replication state, back up
 * tenants with the binary log off, and report a tenant's schema once it has applied a
 * position.
 */
public final class UpdateLocal {
    private static final Logger LOG = LoggerFactory.getLogger(UpdateLocal.class);
    private final Group group;
    private final TenantService tenants;
    private final DataSource admin;

    public UpdateLocal(Group group, TenantService tenants, DataSource admin) {
        this.group = group;
        this.tenants = tenants;
        this.admin = admin;
    }

    /** Versions and replication state: what the update site checks before it starts. */
    public Map<String, Object> info() {
        dev.cusp.wire.PeerStatus st = group.localStatus();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("site", group.siteName());
        m.put("version", CuspVersion.VERSION);
        m.put("practice_schema_latest", tenants.migrations().latest());
        m.put("migration_locations", tenants.migrations().locations());
        m.put("role", st.role());
        m.put("health", st.health());
        m.put("fenced", st.fenced());
        m.put("links", st.links());
        m.put("gtid_current_pos", st.gtidCurrentPos());
        m.put("seeding", group.seeding());
        return m;
    }

    /** Backs up each named tenant here into {@code bak_NAME_ID_<time>}, with the binary log off. */
    public Map<String, Object> backup(List<String> names) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String n : names) {
            TenantService.Backup b = tenants.backup(n, false, null);
            out.put(n, b.database());
            LOG.info("update: tenant {} backed up to {} at {}", n, b.database(), group.siteName());
        }
        return out;
    }

    /**
     * Waits until this node has applied {@code gtid} (up to {@code timeoutSeconds}), then
     * reports each named tenant's schema here.
     */
    public Map<String, Object> verify(String gtid, int timeoutSeconds, List<String> names) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("site", group.siteName());
        boolean reached = waitFor(gtid, timeoutSeconds);
        out.put("reached", reached);
        Map<String, Object> schemas = new LinkedHashMap<>();
        for (String n : names) {
            Tenant t = tenants.registry().require(n);
            schemas.put(n, SchemaState.read(admin, t.dbName()).describe());
        }
        out.put("tenants", schemas);
        return out;
    }

    /**
     * Waits until this node's {@code @@gtid_current_pos} covers {@code gtid} (every domain at
     * least that far). Not {@code MASTER_GTID_WAIT} alone: it watches only what replication
     * applied ({@code gtid_slave_pos}), never this node's own transactions, so a position that
     * names this site's own domain would never be reached.
     */
    public boolean waitFor(String gtid, int timeoutSeconds) {
        if (gtid == null || gtid.isBlank()) {
            return true;
        }
        if (timeoutSeconds < 0 || timeoutSeconds > 600) {
            throw CuspException.invalid("timeout_seconds", "timeout_seconds must be from 0 to 600");
        }
        GtidPos target;
        try {
            target = GtidPos.parse(gtid);
        } catch (RuntimeException e) {
            throw CuspException.invalid("wait_gtid", "not a GTID position: " + gtid);
        }
        long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
        while (true) {
            if (GtidPos.parse(ReplicationChannels.currentPos(admin)).covers(target)) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }
}
