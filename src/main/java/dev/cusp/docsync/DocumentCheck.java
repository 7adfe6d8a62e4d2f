package dev.cusp.docsync;

import dev.cusp.base.JsonMapping;
import dev.cusp.error.CuspException;
import dev.cusp.group.Group;
import dev.cusp.group.Member;
import dev.cusp.group.PeerClient;
import dev.cusp.job.Job;
import dev.cusp.tenant.Tenant;
import dev.cusp.tenant.TenantRegistry;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The files half of {@code cusp check} and {@code cusp repair}: at every active site, each hash
 * a practice's rows name is present and its bytes hash to its name. A repair sets aside a file
 * whose bytes are wrong and fetches it, and every missing one, again from a site that holds it
 * good (the fetch checks the hash before the file enters the store).
 */
public final class DocumentCheck {
    private static final Logger LOG = LoggerFactory.getLogger(DocumentCheck.class);
    static final String PEER = "/api/v1/peer/documents";
    private static final Duration PEER_TIMEOUT = Duration.ofMinutes(30);
    private final DataSource admin;
    private final TenantRegistry registry;
    private final Group group;
    private final DocumentSync sync;
    private final PeerClient peers;

    public DocumentCheck(DataSource admin, TenantRegistry registry, Group group, DocumentSync sync, PeerClient peers) {
        this.admin = admin;
        this.registry = registry;
        this.group = group;
        this.sync = sync;
        this.peers = peers;
    }

    /** The practices named (one, or every one when {@code tenant} is null); 404 for an unknown name. */
    public List<Tenant> tenants(String tenant) {
        if (tenant == null) {
            return registry.all();
        }
        return List.of(registry.require(tenant));
    }

    /** This site's files of the given practices; with {@code mend}, bad and missing ones are fetched again. */
    public FileReport.Site local(String tenant, boolean mend) {
        List<FileReport.Practice> out = new ArrayList<>();
        LocalContent store = sync.store();
        for (Tenant t : tenants(tenant)) {
            List<DocumentRows.Ref> refs;
            try {
                refs = DocumentRows.refs(admin, t.dbName());
            } catch (SQLException e) {
                throw new CuspException(dev.cusp.error.ErrorCode.UNAVAILABLE, "practice " + t.name()
                        + ": its document rows cannot be read: " + e.getMessage());
            }
            List<String> missing = new ArrayList<>();
            List<String> corrupt = new ArrayList<>();
            long refetched = 0;
            for (DocumentRows.Ref r : refs) {
                boolean bad = false;
                try {
                    if (!store.has(t.dbName(), r.sha256())) {
                        missing.add(r.sha256());
                        bad = true;
                    } else if (!store.intact(t.dbName(), r.sha256())) {
                        corrupt.add(r.sha256());
                        bad = true;
                        if (mend) {
                            LOG.warn("documents: {} {}: the stored bytes do not hash to the name; set aside",
                                    t.name(), r.sha256());
                            store.setAside(t.dbName(), r.sha256());
                        }
                    }
                } catch (IOException e) {
                    corrupt.add(r.sha256());
                    bad = true;
                }
                if (bad && mend && sync.fetchNow(t, r.sha256(), r.size())) {
                    refetched++;
                }
            }
            out.add(new FileReport.Practice(t.name(), refs.size(), missing, corrupt, refetched));
        }
        if (mend) {
            sync.nudge();
        }
        return new FileReport.Site(group.siteName(), out);
    }

    /** Every active site's files (this one's first); with {@code mend}, each site repairs its own. */
    public FileReport.Group acrossGroup(String tenant, boolean mend, Job job) {
        tenants(tenant);
        List<FileReport.Site> sites = new ArrayList<>();
        Map<String, String> unreachable = new TreeMap<>();
        job.step((mend ? "repairing" : "checking") + " files at " + group.siteName());
        sites.add(local(tenant, mend));
        for (Member m : group.documents().members()) {
            if (m.name().equals(group.siteName()) || !m.active()) {
                continue;
            }
            job.step((mend ? "repairing" : "checking") + " files at " + m.name());
            try {
                sites.add(JsonMapping.MAPPER.treeToValue(peers.call(m, "POST", PEER + (mend ? "/repair" : "/check"),
                        new FileReport.Request(tenant), PEER_TIMEOUT), FileReport.Site.class));
            } catch (CuspException | IOException e) {
                unreachable.put(m.name(), e.getMessage());
            }
        }
        // As the rows' check does: clean means every site that answered holds every file intact; a
        // site that could not be asked is named (unreachable), not counted as a difference.
        boolean clean = sites.stream().allMatch(FileReport.Site::clean);
        return new FileReport.Group(clean, sites, unreachable);
    }
}
