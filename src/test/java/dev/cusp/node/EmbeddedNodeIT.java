package dev.cusp.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cusp.site.SiteHome;
import dev.cusp.site.Settings;
import dev.cusp.base.FilePermissions;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedNodeIT {
    @TempDir
    Path home;

    @Test
    void startsConfiguredForReplicationAndKeepsDataAcrossRestart() throws Exception {
        SiteHome site = new SiteHome(home);
        site.initialize(Settings.defaults());
        var id = site.identity();
        NodeConfig cfg = new NodeConfig(site.node(), id.dbPort(), id.serverId(), id.gtidDomainId(), 64,
                site.tls().caCert(), site.tls().siteCert(), site.tls().siteKey(),
                FilePermissions.read(site.nodeAdminPassword()));
        try (EmbeddedNode node = new EmbeddedNode(cfg)) {
            node.start();
            try (Connection c = DriverManager.getConnection(node.jdbcUrl(null), EmbeddedNode.ADMIN_USER,
                    cfg.adminPassword()); Statement s = c.createStatement()) {
                ResultSet rs = s.executeQuery("SELECT @@server_id, @@gtid_domain_id, @@binlog_format, @@log_bin,"
                        + " @@log_slave_updates, @@have_ssl, @@bind_address");
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(id.serverId());
                assertThat(rs.getLong(2)).isEqualTo(id.gtidDomainId());
                assertThat(rs.getString(3)).isEqualTo("ROW");
                assertThat(rs.getInt(4)).isEqualTo(1);
                assertThat(rs.getInt(5)).isEqualTo(1);
                assertThat(rs.getString(6)).isEqualTo("YES");
                assertThat(rs.getString(7)).isEqualTo("127.0.0.1");
                s.execute("CREATE DATABASE keep_me");
                s.execute("CREATE TABLE keep_me.t (id INT PRIMARY KEY)");
                s.execute("INSERT INTO keep_me.t VALUES (42)");
            }
        }
        try (EmbeddedNode node = new EmbeddedNode(cfg)) {
            node.start();
            try (Connection c = DriverManager.getConnection(node.jdbcUrl(null), EmbeddedNode.ADMIN_USER,
                    cfg.adminPassword()); Statement s = c.createStatement()) {
                ResultSet rs = s.executeQuery("SELECT id FROM keep_me.t");
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(42);
            }
        }
    }
}
