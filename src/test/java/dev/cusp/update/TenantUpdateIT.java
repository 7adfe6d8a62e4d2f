package dev.cusp.update;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.api.Json;
import dev.cusp.support.TestSite;
import dev.cusp.tenant.BackupNames;
import dev.cusp.tenant.TenantService;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * One hosting site whose tenants are on different practice schema versions at once: a site
 * "updated" to a Cusp with one more migration (a test-only Flyway location) keeps serving the
 * tenant still on the old schema, updates another in its own window, and a migration that
 * fails half-way leaves the backups and an explanation.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TenantUpdateIT {
    static final String NEXT = "classpath:db/practice-next";
    static final String BROKEN = "classpath:db/practice-broken";
    static TestSite s;
    static TenantService.Created older;
    static TenantService.Created newer;

    @BeforeAll
    static void start() {
        s = TestSite.start("tenant-update", Map.of("site.name", "host"));
        older = s.newTenant("older");
        newer = s.newTenant("newer");
        for (TenantService.Created t : List.of(older, newer)) {
            addPatient(t, "Before");
        }
        // "Install" a Cusp that carries one more practice migration: restart with it.
        s = s.restart(Map.of("site.name", "host", "practice.migrations.extra", NEXT));
    }

    @AfterAll
    static void stop() {
        if (s != null) {
            s.close();
        }
    }

    static String[] cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--home", s.site.home().dir().toString()));
        int code = dev.cusp.Cusp.run(new PrintStream(out, true), new PrintStream(err, true), all.toArray(String[]::new));
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }

    static String token(TenantService.Created t) {
        TestSite.Response r = s.call("POST", "/api/v1/t/" + t.tenant().name() + "/login", null,
                Map.of("user", t.adminUser(), "password", t.adminPassword()));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().path("token").asText();
    }

    static long addPatient(TenantService.Created t, String last) {
        // This test's V90 migration adds patient.portal_opt_in, which this build's document does not list.
        TestSite.Response r = s.callOnNewerSchema("POST", "/api/v1/t/" + t.tenant().name() + "/patients", token(t),
                Map.of("last_name", last, "first_name", "Ann"));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().path("id").asLong();
    }

    static List<String> column(String sql) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = s.site.node().adminConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    static String flywayVersion(TenantService.Created t) throws Exception {
        return column("SELECT MAX(CAST(version AS UNSIGNED)) FROM `" + t.tenant().dbName()
                + "`.flyway_schema_history WHERE success = 1").get(0);
    }

    static JsonNode tenantRow(String name) throws Exception {
        String[] r = cli("tenant", "list", "--json");
        assertThat(r[0]).as(r[2]).isEqualTo("0");
        for (JsonNode t : Json.MAPPER.readTree(r[1]).path("tenants")) {
            if (t.path("name").asText().equals(name)) {
                return t;
            }
        }
        throw new AssertionError("no tenant " + name + " in " + r[1]);
    }

    @Test
    @Order(1)
    void oneTenantIsUpdatedInItsOwnWindowAndBothVersionsAreServed() throws Exception {
        assertThat(tenantRow(older.tenant().name()).path("schema_version").asText()).isEqualTo("4");
        assertThat(tenantRow(newer.tenant().name()).path("schema_version").asText()).isEqualTo("4");

        String[] r = cli("tenant", "update", newer.tenant().name());
        assertThat(r[0]).as(r[2]).isEqualTo("0");
        assertThat(r[1]).contains(newer.tenant().name() + ": V4 -> V90").contains("backups at host");

        assertThat(flywayVersion(newer)).isEqualTo("90");
        assertThat(flywayVersion(older)).isEqualTo("4");
        assertThat(tenantRow(newer.tenant().name()).path("schema_version").asText()).isEqualTo("90");
        assertThat(tenantRow(older.tenant().name()).path("schema_version").asText()).isEqualTo("4");
        assertThat(tenantRow(newer.tenant().name()).path("status").asText()).isEqualTo("active");
        assertThat(column("SELECT column_name FROM information_schema.columns WHERE table_schema = '"
                + newer.tenant().dbName() + "' AND table_name = 'patient' AND column_name = 'portal_opt_in'"))
                .hasSize(1);
        assertThat(column("SELECT column_name FROM information_schema.columns WHERE table_schema = '"
                + older.tenant().dbName() + "' AND column_name = 'portal_opt_in'")).isEmpty();
        // The backup was taken first, on the old schema, with the patient in it.
        List<String> backups = column("SELECT schema_name FROM information_schema.schemata WHERE schema_name LIKE '"
                + BackupNames.like(newer.tenant()) + "'");
        assertThat(backups).hasSize(1);
        assertThat(r[1]).contains(backups.get(0));
        assertThat(column("SELECT COUNT(*) FROM `" + backups.get(0) + "`.patient WHERE last_name = 'Before'"))
                .containsExactly("1");
        assertThat(column("SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = '" + backups.get(0)
                + "' AND column_name = 'portal_opt_in'")).containsExactly("0");

        // Both tenants, on V4 and V90, log in, write and read through the same API.
        for (TenantService.Created t : List.of(older, newer)) {
            long id = addPatient(t, "After");
            TestSite.Response got = s.callOnNewerSchema("GET", "/api/v1/t/" + t.tenant().name() + "/patients/" + id,
                    token(t), null);
            assertThat(got.status()).as(got.body()).isEqualTo(200);
            assertThat(got.json().path("last_name").asText()).isEqualTo("After");
            TestSite.Response list = s.callOnNewerSchema("GET", "/api/v1/t/" + t.tenant().name() + "/patients?q=Bef",
                    token(t), null);
            assertThat(list.status()).as(list.body()).isEqualTo(200);
            assertThat(list.body()).contains("Before");
        }
    }

    @Test
    @Order(2)
    void aTenantAlreadyAtTheNewestVersionIsLeftAloneAndNewTenantsStartThere() throws Exception {
        String[] r = cli("tenant", "update", newer.tenant().name());
        assertThat(r[0]).as(r[2]).isEqualTo("0");
        assertThat(r[1]).contains("skipped " + newer.tenant().name() + " (already at V90)");
        TenantService.Created fresh = s.newTenant("fresh");
        assertThat(flywayVersion(fresh)).isEqualTo("90");
        String[] missing = cli("tenant", "update", "nosuchtenant");
        assertThat(missing[0]).isEqualTo("5");
        assertThat(missing[2]).contains("no tenant named 'nosuchtenant'");
    }

    @Test
    @Order(3)
    void aMigrationFailingHalfWayStopsExplainsAndLeavesTheBackups() throws Exception {
        s = s.restart(Map.of("site.name", "host", "practice.migrations.extra", NEXT + "," + BROKEN));
        List<String> before = column("SELECT schema_name FROM information_schema.schemata WHERE schema_name LIKE"
                + " 'bak\\_%'");
        String[] r = cli("update");
        assertThat(r[0]).as(r[1] + r[2]).isEqualTo("11");
        String msg = r[2];
        // Tenants go in name order: "fresh..." first, at V90, fails in V91.
        assertThat(msg).contains("update stopped: tenant fresh").contains("migration V91 (V91__half_done.sql) failed")
                .contains("no_such_table").contains("MariaDB cannot roll back DDL").contains("flyway_schema_history")
                .contains("No tenant was migrated before it").contains("Not started, serving unchanged")
                .contains(newer.tenant().name()).contains(older.tenant().name())
                .contains("Backups made before the update, kept").contains("cusp tenant resume fresh");
        List<String> after = column("SELECT schema_name FROM information_schema.schemata WHERE schema_name LIKE"
                + " 'bak\\_%'");
        after.removeAll(before);
        assertThat(after).as("one new backup per tenant").hasSize(3);
        for (String b : after) {
            assertThat(msg).contains(b);
        }
        String fresh = column("SELECT name FROM cusp.tenant WHERE name LIKE 'fresh%'").get(0);
        String freshDb = column("SELECT db_name FROM cusp.tenant WHERE name LIKE 'fresh%'").get(0);
        assertThat(column("SELECT status FROM cusp.tenant WHERE name = '" + fresh + "'")).containsExactly("updating");
        assertThat(column("SELECT table_name FROM information_schema.tables WHERE table_schema = '" + freshDb
                + "' AND table_name = 'recall_note'")).as("the half that ran stays").hasSize(1);
        assertThat(column("SELECT COUNT(*) FROM `" + freshDb + "`.flyway_schema_history WHERE version = '91'"
                + " AND success = 0")).containsExactly("1");
        TestSite.Response held = s.call("POST", "/api/v1/t/" + fresh + "/login", null, Map.of("user", "admin",
                "password", "whatever-it-is"));
        assertThat(held.status()).as(held.body()).isEqualTo(503);
        assertThat(held.json().at("/error/message").asText()).contains("being updated");
        // The tenants not started serve as before.
        assertThat(tenantRow(older.tenant().name()).path("status").asText()).isEqualTo("active");
        addPatient(older, "StillServed");
        assertThat(flywayVersion(older)).isEqualTo("4");
    }

    @Test
    @Order(4)
    void aSiteOfAnOlderCuspRefusesAPracticeMigratedBeyondItAndServesTheOthers() throws Exception {
        s = s.restart(Map.of("site.name", "host"));
        TestSite.Response refused = s.call("POST", "/api/v1/t/" + newer.tenant().name() + "/login", null,
                Map.of("user", newer.adminUser(), "password", newer.adminPassword()));
        assertThat(refused.status()).as(refused.body()).isEqualTo(409);
        assertThat(refused.json().at("/error/code").asText()).isEqualTo("VERSION_MISMATCH");
        assertThat(refused.json().at("/error/message").asText()).contains("is at schema version 90")
                .contains("up to " + dev.cusp.tenant.PracticeMigrations.of("").latest() + ")").contains("update this site");
        long id = addPatient(older, "OlderCusp");
        assertThat(s.call("GET", "/api/v1/t/" + older.tenant().name() + "/patients/" + id, token(older), null)
                .status()).isEqualTo(200);
    }
}
