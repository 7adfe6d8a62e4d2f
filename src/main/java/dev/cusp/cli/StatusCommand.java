package dev.cusp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.base.JsonMapping;
import dev.cusp.docsync.Backlog;
import dev.cusp.wire.Alert;
import dev.cusp.wire.GroupView;
import dev.cusp.wire.NodeStatusView;
import dev.cusp.wire.SiteStatus;
import dev.cusp.wire.SiteView;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cusp status}: the site, its node's replication settings, and its tenants. */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Show the site, its database node, its tenants and its replication group (every site and link).")
public final class StatusCommand implements Callable<Integer> {
    @Mixin
    HomeOption home;
    @Option(names = "--json", description = "Print JSON.")
    boolean json;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        AdminClient client = AdminClient.connect(home.site());
        JsonNode s = client.get("/api/v1/admin/status");
        JsonNode g = client.get("/api/v1/admin/group");
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ((com.fasterxml.jackson.databind.node.ObjectNode) s).set("group", g);
            Output.json(out, s);
            return 0;
        }
        SiteStatus st = AdminClient.read(s, SiteStatus.class);
        SiteStatus.About site = st.site();
        NodeStatusView node = st.node();
        out.printf("Site %s  (Cusp %s)  %s%n", site.name(), site.version(), site.url());
        out.printf("  home %s%n  CA fingerprint (SHA-256) %s%n", site.home(), site.caFingerprintSha256());
        if (node.error() != null) {
            out.printf("Node: %s%n", node.error());
        } else {
            out.printf("Node MariaDB %s on %s:%s  tls=%s%n", node.version(), node.bindAddress(), node.port(), node.tls());
            out.printf("  server_id=%s gtid_domain_id=%s binlog=%s format=%s log_slave_updates=%s%n", node.serverId(),
                    node.gtidDomainId(), node.logBin(), node.binlogFormat(), node.logSlaveUpdates());
            out.printf("  gtid_current_pos=%s auto_increment %s/%s read_only=%s%n",
                    node.gtidCurrentPos() == null || node.gtidCurrentPos().isEmpty() ? "(empty)" : node.gtidCurrentPos(),
                    node.autoIncrementIncrement(), node.autoIncrementOffset(), node.readOnly());
        }
        out.printf("Tenants: %d  (open pools %s, open connections %s)%n", st.tenants().size(), site.openTenantPools(),
                site.openTenantConnections());
        Output.tenantTable(out, st.tenants());
        GroupView group = AdminClient.read(g, GroupView.class);
        Output.group(out, group);
        if (group.sites().isEmpty()) {
            // In a group each site's alerts are listed under it above; a site in no group lists its own here.
            for (Alert a : st.alerts()) {
                out.printf("  ALERT since %s: [%s] %s%n    fix: %s%n", a.since(), a.code() == null ? "?" : a.code(),
                        a.message(), a.fix());
            }
        }
        for (SiteView member : group.sites()) {
            if (member.documents() != null && member.documents().isObject()) {
                documents(out, member.name(), member.documents());
            }
        }
        return 0;
    }

    /**
     * A site's document backlog line. The backlog comes from that site, which may run another
     * version during an update: one this CLI cannot read is said for that site alone.
     */
    static void documents(PrintWriter out, String site, JsonNode backlog) {
        Backlog d;
        try {
            d = JsonMapping.read(backlog, Backlog.class);
        } catch (IllegalArgumentException e) {
            out.printf("Documents at %s: not readable by this CLI (%s)%n", site, e.getMessage());
            return;
        }
        out.printf("Documents at %s: %d file(s) missing (%.1f MB)%s; fetched %d since start%n", site, d.files(),
                d.bytes() / 1048576.0, d.oldestSeconds() == null ? "" : ", the oldest for " + d.oldestSeconds()
                        + " s", d.fetchedFiles());
    }
}
