package dev.cusp.update;

import dev.cusp.base.CuspVersion;
import dev.cusp.base.JsonMapping;
import dev.cusp.error.CuspException;
import dev.cusp.group.Group;
import dev.cusp.replication.GtidPos;
import dev.cusp.replication.ReplicationChannels;
import dev.cusp.tenant.Tenant;
import dev.cusp.tenant.TenantService;
import dev.cusp.wire.PeerStatus;
import dev.cusp.wire.SchemaView;
import dev.cusp.wire.UpdateInfo;
import dev.cusp.wire.UpdateVerified;
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
    public UpdateInfo info() {
        PeerStatus st = group.localStatus();
        return new UpdateInfo(group.siteName(), CuspVersion.VERSION, tenants.migrations().latest(),
                tenants.migrations().locations(), st.role(), st.health(), st.fenced(), st.links(), st.gtidCurrentPos(),
                group.seeding());
    }

    /** Backs up each named tenant here into {@code bak_NAME_ID_<time>}, with the binary log off. */
    public Map<String, String> backup(List<String> names) {
        Map<String, String> out = new LinkedHashMap<>();
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
    public UpdateVerified verify(String gtid, int timeoutSeconds, List<String> names) {
        boolean reached = waitFor(gtid, timeoutSeconds);
        Map<String, SchemaView> schemas = new LinkedHashMap<>();
        for (String n : names) {
            Tenant t = tenants.registry().require(n);
            schemas.put(n, SchemaState.read(admin, t.dbName()).describe());
        }
        return new UpdateVerified(group.siteName(), reached, schemas);
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
