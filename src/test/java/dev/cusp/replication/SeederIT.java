package dev.cusp.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A new node seeded from a live source: same data and tenant users, positioned at the
 * snapshot's GTID, and replicating onwards, with none of the copied rows in its own binlog.
 */
class SeederIT {
    static TestNode a;
    static TestNode b;

    @BeforeAll
    static void nodes() {
        a = new TestNode("seeda");
        b = new TestNode("seedb");
    }

    @AfterAll
    static void stop() {
        b.close();
        a.close();
    }

    private static long count(TestNode n, String sql) throws Exception {
        try (Connection c = n.admin.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void seededNodeMatchesTheSourceAndReplicatesFromThereOn() throws Exception {
        try (Connection c = a.admin.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE cusp");
            s.execute("CREATE TABLE cusp.tenant (name VARCHAR(32) PRIMARY KEY)");
            s.execute("INSERT INTO cusp.tenant VALUES ('seed')");
            s.execute("CREATE DATABASE od_seed_1");
            s.execute("CREATE TABLE od_seed_1.patient (id BIGINT PRIMARY KEY AUTO_INCREMENT, name VARCHAR(40))");
            s.execute("INSERT INTO od_seed_1.patient (name) SELECT CONCAT('p', seq) FROM od_seed_1.seq_1_to_5000");
            s.execute("CREATE USER 'od_seed_1'@'127.0.0.1' IDENTIFIED BY 'Tenant-Pass-123456'");
            s.execute("GRANT ALL PRIVILEGES ON `od\\_seed\\_1`.* TO 'od_seed_1'@'127.0.0.1'");
            s.execute("SET SESSION sql_log_bin = 0");
            s.execute("CREATE DATABASE od_seed_1_bak_20260101_000000");
            s.execute("SET SESSION sql_log_bin = 1");
        }
        List<Seeder.Progress> progress = new ArrayList<>();
        Seeder.Result r = Seeder.seed(a.node.config(), a.admin, b.node.config(), b.admin, progress::add);
        assertThat(r.databases()).containsExactly("cusp", "od_seed_1");
        assertThat(r.users()).isEqualTo(1);
        assertThat(r.rows()).as("rows copied: 5,000 patients and 1 tenant").isEqualTo(5001);
        assertThat(r.gtidPos()).contains(a.domain() + "-");
        assertThat(progress).isNotEmpty();
        assertThat(count(b, "SELECT COUNT(*) FROM od_seed_1.patient")).isEqualTo(5000);
        String ownDomain = b.domain() + "-";
        try (Connection c = b.admin.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT @@gtid_binlog_pos, @@gtid_slave_pos")) {
            rs.next();
            assertThat(rs.getString(1)).as("seeded rows are not new transactions of the new node;"
                    + " its binary log starts at the snapshot's position").doesNotContain(ownDomain)
                    .isEqualTo(r.gtidPos());
            assertThat(rs.getString(2)).isEqualTo(r.gtidPos());
        }

        String pw = ReplicationAccounts.create(a.admin, "seedb", "127.0.0.1");
        ReplicationChannels channels = new ReplicationChannels(b.admin);
        channels.start(new ReplicationSource("seeda", "localhost", a.node.config().port(),
                ReplicationAccounts.userFor("seedb"), pw, b.node.serverCopy("ca-a", a.home.tls().caCert())), b.domain());
        try (Connection c = a.admin.getConnection(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO od_seed_1.patient (name) SELECT CONCAT('q', seq) FROM od_seed_1.seq_1_to_100");
            s.execute("INSERT INTO cusp.tenant VALUES ('later')");
        }
        assertThat(channels.waitFor(ReplicationChannels.currentPos(a.admin), 60)).as(channels.states().toString())
                .isTrue();
        assertThat(count(b, "SELECT COUNT(*) FROM od_seed_1.patient")).as("nothing applied twice, nothing missed")
                .isEqualTo(5100);
        assertThat(count(b, "SELECT COUNT(*) FROM cusp.tenant")).isEqualTo(2);
        assertThat(count(b, "SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name LIKE '%bak%'"))
                .isZero();
        try (Connection c = DriverManager.getConnection(b.node.jdbcUrl("od_seed_1"), "od_seed_1",
                "Tenant-Pass-123456"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM patient")) {
            rs.next();
            assertThat(rs.getLong(1)).as("the tenant's own user works on the new node").isEqualTo(5100);
        }
    }
}
