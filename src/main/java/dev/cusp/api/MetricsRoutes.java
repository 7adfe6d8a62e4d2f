package dev.cusp.api;

import dev.cusp.base.JsonMapping;
import dev.cusp.group.Group;
import dev.cusp.group.Monitor;
import dev.cusp.tenant.TenantPools;
import dev.cusp.wire.PeerLink;
import dev.cusp.wire.PeerStatus;
import io.javalin.Javalin;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /metrics}: Prometheus text format, for a scraper on the admin's network. It holds
 * no tenant names, data or secrets, only the site's replication health and resource use, so
 * it needs no token (a scraper could not renew one).
 */
public final class MetricsRoutes implements RouteModule {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Group group;
    private final MultiGauge linkState;
    private final MultiGauge linkBehind;
    private final MultiGauge linkFault;
    private final MultiGauge siteFault;

    public MetricsRoutes(Group group, TenantPools pools) {
        this.group = group;
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        Gauge.builder("cusp.tenant.pools.open", pools, TenantPools::openPools)
                .description("Tenant connection pools open now").register(registry);
        Gauge.builder("cusp.tenant.connections.open", pools, TenantPools::openConnections)
                .description("Database connections open across tenant pools").register(registry);
        Gauge.builder("cusp.replication.site.state", group, g -> g.monitor().siteHealth().ordinal())
                .description("This site's replication state: 0 healthy, 1 lagging, 2 disconnected, 3 diverged,"
                        + " 4 broken").register(registry);
        Gauge.builder("cusp.replication.fenced", group, g -> g.monitor().fenced().isPresent() ? 1 : 0)
                .description("1 while writes are refused here because replication is broken").register(registry);
        Gauge.builder("cusp.replication.deletion.guard", group, g -> g.monitor().deletionGuard().isPresent() ? 1 : 0)
                .description("1 while merges and deletes wait for a disconnected peer").register(registry);
        Gauge.builder("cusp.replication.alerts.active", group, g -> g.monitor().alerts(false).size())
                .description("Replication alerts not yet cleared").register(registry);
        linkState = MultiGauge.builder("cusp.replication.link.state")
                .description("1 for the state each link from a source is in").register(registry);
        linkFault = MultiGauge.builder("cusp.replication.link.fault")
                .description("1 for each link that is not healthy, labelled with its fault code (see the README's"
                        + " troubleshooting table)").register(registry);
        siteFault = MultiGauge.builder("cusp.site.fault")
                .description("1 for each fault of the site itself (not of one link) active now, labelled with its"
                        + " code and the alert's subject: a clone, a roll-back, errant transactions, clock skew, low disk,"
                        + " the binary log budget").register(registry);
        linkBehind = MultiGauge.builder("cusp.replication.link.seconds.behind")
                .description("Seconds the applier is behind the source (absent when unknown)").baseUnit("seconds")
                .register(registry);
    }

    @Override
    public void register(Javalin app) {
        app.get("/metrics", ctx -> {
            refreshLinks();
            ctx.contentType("text/plain; version=0.0.4; charset=utf-8");
            ctx.result(registry.scrape());
        }, ApiRole.PUBLIC);
    }

    private void refreshLinks() {
        Map<String, Monitor.Link> links = group.monitor().links();
        List<MultiGauge.Row<?>> states = new ArrayList<>();
        for (Monitor.Link l : links.values()) {
            for (Monitor.Health h : Monitor.Health.values()) {
                states.add(MultiGauge.Row.of(Tags.of("source", l.source(), "state", h.label()), l.health() == h ? 1 : 0));
            }
        }
        linkState.register(states, true);
        List<MultiGauge.Row<?>> faults = new ArrayList<>();
        for (Monitor.Link l : links.values()) {
            if (l.fault() != null) {
                faults.add(MultiGauge.Row.of(Tags.of("source", l.source(), "code", l.code()), 1));
            }
        }
        linkFault.register(faults, true);
        List<MultiGauge.Row<?>> site = new ArrayList<>();
        group.monitor().siteFaults().forEach((key, code) -> site.add(MultiGauge.Row.of(Tags.of("code", code,
                "subject", key), 1)));
        siteFault.register(site, true);
        List<MultiGauge.Row<?>> behind = new ArrayList<>();
        PeerStatus own = JsonMapping.read(JsonMapping.MAPPER.valueToTree(group.localStatus()), PeerStatus.class);
        for (PeerLink l : own.links()) {
            if (l.secondsBehind() != null) {
                behind.add(MultiGauge.Row.of(Tags.of("source", l.channel()), l.secondsBehind()));
            }
        }
        linkBehind.register(behind, true);
    }
}
