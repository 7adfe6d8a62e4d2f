package dev.cusp.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Three writable nodes in a full mesh (each pulls from both others over TLS), with key
 * spacing: concurrent writes everywhere converge to identical tables with no key collision.
 */
@Tag("slow")
class MeshIT {
    static final List<TestNode> NODES = new ArrayList<>();

    @BeforeAll
    static void mesh() {
        String[] names = {"mesha", "meshb", "meshc"};
        for (String n : names) {
            NODES.add(new TestNode(n));
        }
        for (int i = 0; i < 3; i++) {
            new KeySpacing(3, i + 1).apply(NODES.get(i).admin, NODES.get(i).admin);
        }
        for (int r = 0; r < 3; r++) {
            TestNode replica = NODES.get(r);
            ReplicationChannels ch = new ReplicationChannels(replica.admin);
            for (int s = 0; s < 3; s++) {
                if (s == r) {
                    continue;
                }
                TestNode source = NODES.get(s);
                String pw = ReplicationAccounts.create(source.admin, names[r], "127.0.0.1");
                ch.start(new ReplicationSource(names[s], "localhost", source.node.config().port(),
                        ReplicationAccounts.userFor(names[r]), pw,
                        replica.node.serverCopy("ca-" + names[s], source.home.tls().caCert())), replica.domain());
            }
        }
    }

    @AfterAll
    static void stop() {
        NODES.forEach(TestNode::close);
    }

    @Test
    void concurrentWritesAtEveryNodeConverge() throws Exception {
        try (Connection c = NODES.get(0).admin.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE od_mesh_1");
            s.execute("CREATE TABLE od_mesh_1.patient (id BIGINT PRIMARY KEY AUTO_INCREMENT, site VARCHAR(10),"
                    + " n INT)");
        }
        awaitConverged();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        List<Future<?>> jobs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            TestNode n = NODES.get(i);
            String site = "s" + i;
            jobs.add(pool.submit(() -> {
                try (Connection c = n.admin.getConnection(); PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO od_mesh_1.patient (site, n) VALUES (?, ?)")) {
                    for (int k = 0; k < 500; k++) {
                        ps.setString(1, site);
                        ps.setInt(2, k);
                        ps.executeUpdate();
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : jobs) {
            f.get();
        }
        pool.shutdown();
        awaitConverged();
        List<String> sums = new ArrayList<>();
        for (TestNode n : NODES) {
            try (Connection c = n.admin.getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT COUNT(*), COUNT(DISTINCT id) FROM od_mesh_1.patient")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(1500);
                assertThat(rs.getLong(2)).as("no key collisions").isEqualTo(1500);
            }
            try (Connection c = n.admin.getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("CHECKSUM TABLE od_mesh_1.patient")) {
                rs.next();
                sums.add(rs.getString(2));
            }
            assertThat(new ReplicationChannels(n.admin).states()).allSatisfy(st -> {
                assertThat(st.lastErrno()).isZero();
                assertThat(st.applierRunning()).isTrue();
            });
        }
        assertThat(sums).as("CHECKSUM TABLE equal on every node").containsOnly(sums.get(0));
    }

    /** Every node has applied every other node's current position. */
    private static void awaitConverged() {
        for (TestNode source : NODES) {
            String pos = ReplicationChannels.currentPos(source.admin);
            String own = source.domain() + "-";
            String ownPart = java.util.Arrays.stream(pos.split(",")).filter(p -> p.startsWith(own)).findFirst()
                    .orElse("");
            if (ownPart.isEmpty()) {
                continue;
            }
            for (TestNode replica : NODES) {
                if (replica != source) {
                    assertThat(new ReplicationChannels(replica.admin).waitFor(ownPart, 60))
                            .as("node reaches " + ownPart + ": " + new ReplicationChannels(replica.admin).states()).isTrue();
                }
            }
        }
    }
}
