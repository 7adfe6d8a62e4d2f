package dev.cusp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.wire.GroupView;
import dev.cusp.wire.Tenants;
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
        JsonNode site = s.path("site");
        JsonNode node = s.path("node");
        out.printf("Site %s  (Cusp %s)  %s%n", site.path("name").asText(), site.path("version").asText(),
                site.path("url").asText());
        out.printf("  home %s%n  CA fingerprint (SHA-256) %s%n", site.path("home").asText(),
                site.path("ca_fingerprint_sha256").asText());
        out.printf("Node MariaDB %s on %s:%s  tls=%s%n", node.path("version").asText(), node.path("bind_address")
                .asText(), node.path("port").asText(), node.path("tls").asText());
        out.printf("  server_id=%s gtid_domain_id=%s binlog=%s format=%s log_slave_updates=%s%n",
                node.path("server_id").asText(), node.path("gtid_domain_id").asText(), node.path("log_bin").asText(),
                node.path("binlog_format").asText(), node.path("log_slave_updates").asText());
        out.printf("  gtid_current_pos=%s auto_increment %s/%s read_only=%s%n",
                node.path("gtid_current_pos").asText().isEmpty() ? "(empty)" : node.path("gtid_current_pos").asText(),
                node.path("auto_increment_increment").asText(), node.path("auto_increment_offset").asText(),
                node.path("read_only").asText());
        out.printf("Tenants: %d  (open pools %s, open connections %s)%n", s.path("tenants").size(),
                site.path("open_tenant_pools").asText(), site.path("open_tenant_connections").asText());
        Output.tenantTable(out, AdminClient.read(s, Tenants.class).tenants());
        Output.group(out, AdminClient.read(g, GroupView.class));
        if (g.path("sites").isEmpty()) {
            // In a group each site's alerts are listed under it above; a site in no group lists its own here.
            for (JsonNode a : s.path("alerts")) {
                out.printf("  ALERT since %s: [%s] %s%n    fix: %s%n", a.path("since").asText(),
                        a.path("code").asText("?"), a.path("message").asText(), a.path("fix").asText());
            }
        }
        for (JsonNode member : g.path("sites")) {
            JsonNode d = member.path("documents");
            if (d.isObject()) {
                out.printf("Documents at %s: %d file(s) missing (%.1f MB)%s; fetched %d since start%n",
                        member.path("name").asText(), d.path("files").asLong(), d.path("bytes").asLong() / 1048576.0,
                        d.path("oldest_seconds").isNull() ? "" : ", the oldest for " + d.path("oldest_seconds")
                                .asLong() + " s", d.path("fetched_files").asLong());
            }
        }
        return 0;
    }
}
