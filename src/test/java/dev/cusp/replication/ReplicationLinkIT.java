package dev.cusp.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** MariaDB GTID replication between two real nodes of two sites, over TLS pinned to the source CA. */
class ReplicationLinkIT {
    static TestNode a;
    static TestNode b;

    @BeforeAll
    static void nodes() {
        a = new TestNode("repla");
        b = new TestNode("replb");
    }

    @AfterAll
    static void stop() {
        b.close();
        a.close();
    }

    @Test
    void replicaAppliesTheSourcesChangesOverVerifiedTls() throws Exception {
        String pw = ReplicationAccounts.create(a.admin, "replb", "127.0.0.1");
        ReplicationChannels channels = new ReplicationChannels(b.admin);
        channels.start(new ReplicationSource("repla", "localhost", a.node.config().port(),
                ReplicationAccounts.userFor("replb"), pw, b.node.serverCopy("ca-a", a.home.tls().caCert())), b.domain());
        try (Connection c = a.admin.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE od_link_1");
            s.execute("CREATE TABLE od_link_1.t (id BIGINT PRIMARY KEY AUTO_INCREMENT, v VARCHAR(20))");
            for (int i = 0; i < 100; i++) {
                s.execute("INSERT INTO od_link_1.t (v) VALUES ('row" + i + "')");
            }
        }
        String pos = ReplicationChannels.currentPos(a.admin);
        assertThat(channels.waitFor(pos, 30)).as("replica reaches " + pos + ": " + channels.states()).isTrue();
        try (Connection c = b.admin.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*), MAX(v) FROM od_link_1.t")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(100);
        }
        LinkState st = channels.states().get(0);
        assertThat(st.channel()).isEqualTo("repla");
        assertThat(st.receiverRunning()).isTrue();
        assertThat(st.applierRunning()).isTrue();
        assertThat(st.lastErrno()).isZero();
        try (Connection c = b.admin.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SHOW ALL SLAVES STATUS")) {
            rs.next();
            assertThat(rs.getString("Master_SSL_Allowed")).isEqualTo("Yes");
            assertThat(rs.getString("Master_SSL_Verify_Server_Cert")).isEqualTo("Yes");
        }
    }

    @Test
    void aReplicaThatDoesNotTrustTheSourceCaNeverConnects() {
        // A pulls from B, but is told to trust A's own CA, which did not sign B's certificate.
        String pw = ReplicationAccounts.create(b.admin, "wrongca", "127.0.0.1");
        ReplicationChannels channels = new ReplicationChannels(a.admin);
        channels.start(new ReplicationSource("wrongca", "localhost", b.node.config().port(),
                ReplicationAccounts.userFor("wrongca"), pw, a.node.serverCopy("ca-a", a.home.tls().caCert())), a.domain());
        await().atMost(Duration.ofSeconds(30)).until(() -> channels.states().stream()
                .anyMatch(s -> s.channel().equals("wrongca") && s.lastErrno() != 0));
        LinkState st = channels.states().stream().filter(s -> s.channel().equals("wrongca")).findFirst().orElseThrow();
        assertThat(st.receiverRunning()).isFalse();
        assertThat(st.lastError()).containsIgnoringCase("ssl");
        channels.remove("wrongca");
        assertThat(channels.states()).noneMatch(s -> s.channel().equals("wrongca"));
    }
}
