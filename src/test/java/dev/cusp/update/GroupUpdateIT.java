package dev.cusp.update;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.api.Json;
import dev.cusp.group.GroupTestAccess;
import dev.cusp.support.TestSite;
import dev.cusp.tenant.TenantService;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A coordinated update of a real group: peers a and b and a report replica r. Refused at a
 * site that is not the update site and while a link is broken; then every site "installs" a
 * Cusp with one more practice migration (restarts with it) and {@code cusp update} at a brings
 * every tenant to it at every site, with a backup at each site that never replicated.
 */
@Tag("slow")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GroupUpdateIT {
    static TestSite a;
    static TestSite b;
    static TestSite r;
    static TenantService.Created t1;
    static TenantService.Created t2;

    @BeforeAll
    static void start() throws Exception {
        a = TestSite.start("upd-a", Map.of("site.name", "a"));
        b = TestSite.start("upd-b", Map.of("site.name", "b"));
        r = TestSite.start("upd-r", Map.of("site.name", "r"));
        assertThat(GroupTestAccess.join(b, GroupTestAccess.invite(a, "peer")).path("state").asText())
                .isEqualTo("succeeded");
        assertThat(GroupTestAccess.join(r, GroupTestAccess.invite(a, "replica")).path("state").asText())
                .isEqualTo("succeeded");
        t1 = a.newTenant("updone");
        t2 = a.newTenant("updtwo");
        for (TenantService.Created t : List.of(t1, t2)) {
            String token = GroupTestAccess.login(a, t);
            for (int i = 0; i < 3; i++) {
                GroupTestAccess.addPatient(a, t.tenant().name(), token, "Kept" + i);
            }
        }
        awaitHealthy();
        GroupTestAccess.awaitConverged(a, b, r);
    }

    @AfterAll
    static void stop() {
        for (TestSite s : new TestSite[] {r, b, a}) {
            if (s != null) {
                s.close();
            }
        }
    }

    /**
     * Every site healthy, in the monitor's view and in MariaDB's (receiver running), in the same
     * pass, for five seconds on end: after a restart of one site the others' links from it
     * reconnect a moment later, and a monitor cycle that began while it was down (its peer calls
     * wait for time-outs) may publish "disconnected" after the link is back. The update's own
     * pre-check reads the monitor, and refuses on it.
     */
    static void awaitHealthy() throws Exception {
        Map<String, JsonNode> seen = new java.util.TreeMap<>();
        await().atMost(Duration.ofSeconds(90)).during(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    boolean all = true;
                    for (TestSite s : new TestSite[] {a, b, r}) {
                        JsonNode st = Json.MAPPER.valueToTree(s.site.group().localStatus());
                        seen.put(s.site.group().siteName(), st);
                        boolean linksHealthy = st.path("links").size() == 1;
                        for (JsonNode l : st.path("links")) {
                            linksHealthy &= "healthy".equals(l.path("state").asText())
                                    && "running".equals(l.path("receiver").asText());
                        }
                        all &= st.path("health").asText().equals("healthy") && linksHealthy;
                    }
                    assertThat(all).as("every site and link healthy: " + seen).isTrue();
                });
    }

    static List<String> column(TestSite s, String sql) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = s.site.node().adminConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    static void sql(TestSite s, String... statements) throws Exception {
        try (Connection c = s.site.node().adminConnection(); Statement st = c.createStatement()) {
            for (String q : statements) {
                st.execute(q);
            }
        }
    }

    static List<String> backups(TestSite s) throws Exception {
        return column(s, "SELECT schema_name FROM information_schema.schemata WHERE schema_name LIKE 'bak\\_%'"
                + " ORDER BY schema_name");
    }

    /** Every statement text and table name the site's binary logs hold. */
    static String binlogText(TestSite s) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (String f : column(s, "SHOW BINARY LOGS")) {
            try (Connection c = s.site.node().adminConnection(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SHOW BINLOG EVENTS IN '" + f + "'")) {
                while (rs.next()) {
                    sb.append(rs.getString("Info")).append('\n');
                }
            }
        }
        return sb.toString();
    }

    @Test
    @Order(1)
    void aSiteThatIsNotTheUpdateSiteRefusesAndNamesIt() throws Exception {
        String[] out = GroupTestAccess.cli(b, "update");
        assertThat(out[0]).as(out[2]).isEqualTo("6");
        assertThat(out[2]).contains("site a (").contains("is this group's update site")
                .contains("cusp update --designate b");
        TestSite.Response info = GroupTestAccess.admin(b, "GET", "/api/v1/admin/update", null);
        assertThat(info.json().path("update_site").asText()).isEqualTo("a");
        TestSite.Response replica = GroupTestAccess.admin(a, "POST", "/api/v1/admin/update", Map.of("designate", "r"));
        assertThat(replica.status()).isEqualTo(409);
        assertThat(replica.json().at("/error/message").asText()).contains("must be an active peer");
        assertThat(backups(a)).isEmpty();
    }

    @Test
    @Order(2)
    void anUpdateIsRefusedWhileALinkIsBrokenAndChangesNothing() throws Exception {
        String db = t1.tenant().dbName();
        sql(b, "SET SESSION sql_log_bin = 0",
                "INSERT INTO `" + db + "`.patient (id, last_name, first_name) VALUES (900001, 'Local', 'b')");
        sql(a, "INSERT INTO `" + db + "`.patient (id, last_name, first_name) VALUES (900001, 'Primary', 'a')");
        await("b's link from a breaks").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> Json.MAPPER.valueToTree(b.site.group().localStatus()).at("/links/0/state").asText()
                        .equals("broken"));
        String[] out = GroupTestAccess.cli(a, "update");
        assertThat(out[0]).as(out[1] + out[2]).isEqualTo("6");
        assertThat(out[2]).contains("update refused, nothing was changed").contains("site b: the link from a is broken")
                .contains("1062").contains("site b is fenced");
        for (TestSite s : new TestSite[] {a, b, r}) {
            assertThat(backups(s)).as("no backup at " + s.site.group().siteName()).isEmpty();
            assertThat(column(s, "SELECT status FROM cusp.tenant WHERE name = '" + t1.tenant().name() + "'"))
                    .containsExactly("active");
        }
        // Mend b by hand: drop the row made behind replication's back, let the applier go on.
        sql(b, "SET SESSION sql_log_bin = 0", "DELETE FROM `" + db + "`.patient WHERE id = 900001", "START SLAVE 'a'");
        awaitHealthy();
        GroupTestAccess.awaitConverged(a, b, r);
    }

    @Test
    @Order(3)
    void anUpdateAcrossThreeSitesMigratesOnceVerifiesEverySiteAndKeepsUnreplicatedBackups() throws Exception {
        Map<String, Long> patientsBefore = new HashMap<>();
        for (TenantService.Created t : List.of(t1, t2)) {
            patientsBefore.put(t.tenant().name(), Long.parseLong(column(a, "SELECT COUNT(*) FROM `"
                    + t.tenant().dbName() + "`.patient").get(0)));
        }
        // Every site "installs" the newer Cusp: a restart that carries one more practice migration.
        String next = "classpath:db/practice-next";
        a = a.restart(Map.of("site.name", "a", "port", Integer.toString(a.site.port()), "practice.migrations.extra",
                next));
        b = b.restart(Map.of("site.name", "b", "port", Integer.toString(b.site.port()), "practice.migrations.extra",
                next));
        r = r.restart(Map.of("site.name", "r", "port", Integer.toString(r.site.port()), "practice.migrations.extra",
                next));
        awaitHealthy();

        String[] out = GroupTestAccess.cli(a, "update");
        assertThat(out[0]).as(out[1] + out[2]).isEqualTo("0");
        assertThat(out[1]).contains("checking every site").contains("backing up at every site")
                .contains(t1.tenant().name() + ": V4 -> V90").contains(t2.tenant().name() + ": V4 -> V90")
                .contains("backups at a").contains("backups at b").contains("backups at r");

        GroupTestAccess.awaitConverged(a, b, r);
        for (TestSite s : new TestSite[] {a, b, r}) {
            String site = s.site.group().siteName();
            for (TenantService.Created t : List.of(t1, t2)) {
                String db = t.tenant().dbName();
                assertThat(column(s, "SELECT MAX(CAST(version AS UNSIGNED)) FROM `" + db
                        + "`.flyway_schema_history WHERE success = 1")).as(site).containsExactly("90");
                assertThat(column(s, "SELECT COUNT(*) FROM `" + db + "`.flyway_schema_history WHERE version = '90'"))
                        .as("migrated once, at " + site).containsExactly("1");
                assertThat(column(s, "SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = '" + db
                        + "' AND table_name = 'patient' AND column_name = 'portal_opt_in'")).containsExactly("1");
                assertThat(column(s, "SELECT schema_version, status FROM cusp.tenant WHERE name = '" + t.tenant().name()
                        + "'")).as(site).containsExactly("90");
                assertThat(column(s, "SELECT status FROM cusp.tenant WHERE name = '" + t.tenant().name() + "'"))
                        .containsExactly("active");
                assertThat(Long.parseLong(column(s, "SELECT COUNT(*) FROM `" + db + "`.patient").get(0)))
                        .as("data intact at " + site).isEqualTo(patientsBefore.get(t.tenant().name()));
                // Exactly one backup of this tenant here, made here, with the old schema and all rows.
                String prefix = "bak_" + t.tenant().name() + "_" + t.tenant().id() + "_";
                List<String> mine = backups(s).stream().filter(n -> n.startsWith(prefix)).toList();
                assertThat(mine).as("one backup of " + db + " at " + site).hasSize(1);
                assertThat(out[1]).contains(mine.get(0));
                assertThat(Long.parseLong(column(s, "SELECT COUNT(*) FROM `" + mine.get(0) + "`.patient").get(0)))
                        .isEqualTo(patientsBefore.get(t.tenant().name()));
                assertThat(column(s, "SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = '"
                        + mine.get(0) + "' AND column_name = 'portal_opt_in'")).containsExactly("0");
            }
            // The backups were written with the binary log off: no event names them, so none replicated.
            assertThat(binlogText(s)).as("binary log of " + site).doesNotContain("bak_");
        }
        // The tenants serve again, at every peer, and writes replicate.
        String token = GroupTestAccess.login(b, t1);
        // The tenant is on the test's V90 schema now: its records carry a column this build's
        // document does not list.
        TestSite.Response added = b.callOnNewerSchema("POST", "/api/v1/t/" + t1.tenant().name() + "/patients", token,
                java.util.Map.of("last_name", "AfterUpdate", "first_name", "Pat"));
        assertThat(added.status()).as(added.body()).isEqualTo(201);
        long id = added.json().get("id").asLong();
        GroupTestAccess.awaitConverged(a, b, r);
        assertThat(column(r, "SELECT last_name FROM `" + t1.tenant().dbName() + "`.patient WHERE id = " + id))
                .containsExactly("AfterUpdate");
        TestSite.Response group = GroupTestAccess.admin(a, "GET", "/api/v1/admin/group", null);
        assertThat(group.body()).contains("\"version\":\"" + dev.cusp.base.CuspVersion.VERSION + "\"");
    }

    @Test
    @Order(4)
    void aMigrationFailingHalfWayAcrossTheGroupStopsExplainsAndLeavesEverySitesBackups() throws Exception {
        List<String> before = new ArrayList<>();
        for (TestSite s : new TestSite[] {a, b, r}) {
            before.addAll(backups(s));
        }
        String both = "classpath:db/practice-next,classpath:db/practice-broken";
        a = a.restart(Map.of("site.name", "a", "port", Integer.toString(a.site.port()), "practice.migrations.extra",
                both));
        b = b.restart(Map.of("site.name", "b", "port", Integer.toString(b.site.port()), "practice.migrations.extra",
                both));
        r = r.restart(Map.of("site.name", "r", "port", Integer.toString(r.site.port()), "practice.migrations.extra",
                both));
        awaitHealthy();

        String[] out = GroupTestAccess.cli(a, "update");
        assertThat(out[0]).as(out[1] + out[2]).isEqualTo("11");
        String first = t1.tenant().name();
        assertThat(out[2]).contains("update stopped: tenant " + first + ", migration V91 (V91__half_done.sql) failed")
                .contains("no_such_table").contains("MariaDB cannot roll back DDL")
                .contains("Not started, serving unchanged: [" + t2.tenant().name() + "]")
                .contains("Backups made before the update, kept").contains("at a:").contains("at b:").contains("at r:");
        GroupTestAccess.awaitConverged(a, b, r);
        for (TestSite s : new TestSite[] {a, b, r}) {
            String site = s.site.group().siteName();
            List<String> made = new ArrayList<>(backups(s));
            made.removeAll(before);
            assertThat(made).as("one new backup per tenant at " + site).hasSize(2);
            for (String m : made) {
                assertThat(out[2]).contains(m);
            }
            // The half that ran replicated like any DDL; the tenant is held everywhere.
            assertThat(column(s, "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = '"
                    + t1.tenant().dbName() + "' AND table_name = 'recall_note'")).as(site).containsExactly("1");
            assertThat(column(s, "SELECT status FROM cusp.tenant WHERE name = '" + first + "'")).as(site)
                    .containsExactly("updating");
            assertThat(column(s, "SELECT status FROM cusp.tenant WHERE name = '" + t2.tenant().name() + "'"))
                    .as(site).containsExactly("active");
        }
        // A failed migration does not break replication: every link stays healthy.
        awaitHealthy();
    }
}
