package dev.cusp.replication;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.cusp.node.EmbeddedNode;
import dev.cusp.node.NodeConfig;
import dev.cusp.base.FilePermissions;
import dev.cusp.site.Settings;
import dev.cusp.site.SiteHome;
import dev.cusp.support.TestSite;
import java.util.Map;

/** A real node of its own site (own identity, CA and certificate), with an admin pool. */
final class TestNode implements AutoCloseable {
    final SiteHome home;
    final EmbeddedNode node;
    final HikariDataSource admin;

    TestNode(String name) {
        home = new SiteHome(TestSite.newHome(name));
        home.initialize(Settings.load(Map.of("site.name", name), Map.of(), null));
        var id = home.identity();
        node = new EmbeddedNode(new NodeConfig(home.node(), id.dbPort(), id.serverId(), id.gtidDomainId(), 64,
                home.tls().caCert(), home.tls().siteCert(), home.tls().siteKey(),
                FilePermissions.read(home.nodeAdminPassword())));
        node.start();
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl(node.jdbcUrl(null));
        c.setUsername(EmbeddedNode.ADMIN_USER);
        c.setPassword(node.config().adminPassword());
        c.setMaximumPoolSize(4);
        admin = new HikariDataSource(c);
    }

    long domain() {
        return home.identity().gtidDomainId();
    }

    @Override
    public void close() {
        admin.close();
        node.close();
        dev.cusp.support.TestSite.deleteFolder(home.dir());
    }
}
