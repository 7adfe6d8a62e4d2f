package dev.cusp.maintenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.api.Json;
import dev.cusp.support.TestSite;
import dev.cusp.tenant.TenantService;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every maintenance method on one real site: each finds exactly the row planted for it, its fix
 * (through the admin API, as the practice's own database user) clears it, a second check and a
 * second fix find nothing, and every fix is in the practice's security log. Refusals answer the
 * right status, field and exit code and change nothing.
 */
class MaintenanceIT {
    static TestSite site;

    @BeforeAll
    static void start() {
        site = TestSite.shared();
    }

    static String token() throws Exception {
        return Files.readString(site.site.home().cliToken()).trim();
    }

    static TestSite.Response admin(String method, String path, Object body) throws Exception {
        return site.call(method, path, token(), body);
    }

    static String[] cli(String... args) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        String[] all = java.util.Arrays.copyOf(args, args.length + 2);
        all[args.length] = "--home";
        all[args.length + 1] = site.site.home().dir().toString();
        int code = dev.cusp.Cusp.run(new java.io.PrintStream(out, true), new java.io.PrintStream(err, true), all);
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }

    /** Runs {@code dbm check} for one tenant at this site; returns the job's result. */
    static JsonNode check(String tenant) throws Exception {
        TestSite.Response r = admin("POST", "/api/v1/admin/tenants/" + tenant + "/dbm/check", Map.of());
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        String job = "/api/v1/admin/jobs/" + r.json().path("id").asText();
        JsonNode j = await("dbm check to finish").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200))
                .until(() -> admin("GET", job, null).json(), done -> !done.path("state").asText().equals("running"));
        assertThat(j.path("state").asText()).as(j.toString()).isEqualTo("succeeded");
        return j.path("result");
    }

    /** Method -> keys found at this site, for one tenant. */
    static Map<String, Set<Long>> found(JsonNode result) {
        Map<String, Set<Long>> out = new TreeMap<>();
        for (JsonNode m : result.path("tenants").get(0).path("methods")) {
            Set<Long> ids = new TreeSet<>();
            JsonNode f = m.path("results").elements().next();
            f.path("ids").forEach(i -> ids.add(i.asLong()));
            assertThat(f.path("count").asLong()).isEqualTo(ids.size());
            if (!ids.isEmpty()) {
                out.put(m.path("method").asText(), ids);
            }
        }
        return out;
    }

    static long count(String sql) throws Exception {
        try (Connection c = site.site.node().adminConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static TenantService.Created planted() throws Exception {
        TenantService.Created t = site.newTenant("dbm");
        try (Connection c = site.site.node().adminConnection()) {
            Plants.run(c, t.tenant().dbName(), Plants.BASE);
            for (var e : Plants.all().values()) {
                Plants.run(c, t.tenant().dbName(), e.getKey());
            }
        }
        return t;
    }

    @Test
    void theCatalogHasEveryKindOfMethodAndSaysWhyUnsafeOnesAreUnsafe() throws Exception {
        List<MaintenanceMethod> all = MethodCatalog.all();
        assertThat(all).hasSizeGreaterThanOrEqualTo(25);
        assertThat(all.stream().map(MaintenanceMethod::name)).doesNotHaveDuplicates();
        assertThat(all).filteredOn(m -> !m.replicationSafe()).isNotEmpty()
                .allSatisfy(m -> assertThat(m.safety()).containsAnyOf("inserts", "clock"));
        String readme = Files.readString(java.nio.file.Path.of("README.md"));
        assertThat(all).as("the README's method table lists every method")
                .allSatisfy(m -> assertThat(readme).contains("| `" + m.name() + "` |"));
        assertThat(Plants.all().keySet()).as("a planted row for every method")
                .containsExactlyInAnyOrderElementsOf(all.stream().map(MaintenanceMethod::name).toList());
    }

    @Test
    void everyMethodFindsItsPlantedRowAndItsFixClearsIt() throws Exception {
        TenantService.Created t = planted();
        String name = t.tenant().name();
        String db = t.tenant().dbName();
        Map<String, Set<Long>> expected = new TreeMap<>();
        Plants.all().forEach((m, e) -> expected.put(m, new TreeSet<>(e.getValue())));
        JsonNode before = check(name);
        assertThat(before.path("agree").asBoolean()).isTrue();
        assertThat(before.path("sites").toString()).isEqualTo("[\"" + site.site.group().siteName() + "\"]");
        assertThat(found(before)).isEqualTo(expected);

        List<String> all = MethodCatalog.all().stream().map(MaintenanceMethod::name).toList();
        TestSite.Response fix = admin("POST", "/api/v1/admin/tenants/" + name + "/dbm/fix", Map.of("methods", all,
                "allow_unsafe", true));
        assertThat(fix.status()).as(fix.body()).isEqualTo(200);
        assertThat(fix.json().path("clean").asBoolean()).as(fix.body()).isTrue();
        for (JsonNode f : fix.json().path("fixed")) {
            assertThat(f.path("found").path("count").asLong()).as(f.toString()).isEqualTo(1);
            assertThat(f.path("rows_changed").asLong()).as(f.toString()).isGreaterThan(0);
        }
        assertThat(found(check(name))).as("nothing left after the fix").isEmpty();

        // What the fixes did, spot-checked in the data.
        assertThat(count("SELECT COUNT(*) FROM `" + db + "`.patient WHERE id = 990001 AND last_name = 'MISSING PATIENT'"))
                .isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM `" + db + "`.fee WHERE id IN (2043, 2044)")).isEqualTo(1);
        assertThat(count("SELECT patient_id FROM `" + db + "`.appointment WHERE id = 2021")).isEqualTo(1000);
        assertThat(count("SELECT guarantor_id FROM `" + db + "`.patient WHERE id = 2025")).isEqualTo(1000);
        assertThat(count("SELECT ordinal FROM `" + db + "`.patient_plan WHERE id = 2047")).isEqualTo(2);
        assertThat(count("SELECT COUNT(*) FROM `" + db + "`.patient_plan WHERE id = 2008")).isZero();

        // Every fix, and every unsafe override, is in the security log.
        long unsafe = MethodCatalog.all().stream().filter(m -> !m.replicationSafe()).count();
        assertThat(count("SELECT COUNT(*) FROM `" + db + "`.security_log WHERE action = 'dbm-fix'"))
                .isEqualTo(all.size());
        assertThat(count("SELECT COUNT(*) FROM `" + db + "`.security_log WHERE action = 'dbm-unsafe-override'"))
                .isEqualTo(unsafe);
        assertThat(count("SELECT COUNT(*) FROM `" + db + "`.security_log WHERE action = 'dbm-fix' AND user_name ="
                + " 'site-admin' AND details LIKE 'dbm fix fee-duplicate: 1 row(s) of fee found%[2044]%'")).isEqualTo(1);

        // A second fix finds nothing and changes nothing.
        fix = admin("POST", "/api/v1/admin/tenants/" + name + "/dbm/fix", Map.of("methods", all, "allow_unsafe", true));
        assertThat(fix.status()).as(fix.body()).isEqualTo(200);
        for (JsonNode f : fix.json().path("fixed")) {
            assertThat(f.path("rows_changed").asLong()).as(f.toString()).isZero();
        }
        assertThat(count("SELECT COUNT(*) FROM `" + db + "`.security_log WHERE action LIKE 'dbm-%'"))
                .isEqualTo(all.size() + unsafe);
    }

    @Test
    void refusalsNameTheFieldExitWithTheirCodeAndChangeNothing() throws Exception {
        TenantService.Created t = planted();
        String name = t.tenant().name();
        String db = t.tenant().dbName();

        TestSite.Response r = admin("POST", "/api/v1/admin/tenants/" + name + "/dbm/fix",
                Map.of("methods", List.of("fee-duplicate", "appointment-complete-in-future")));
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.json().at("/error/field").asText()).isEqualTo("allow_unsafe");
        assertThat(r.json().at("/error/message").asText()).contains("appointment-complete-in-future")
                .contains("clock").contains("--allow-unsafe").doesNotContain("fee-duplicate (");
        assertThat(count("SELECT COUNT(*) FROM `" + db + "`.fee WHERE id IN (2043, 2044)")).as("nothing changed")
                .isEqualTo(2);
        String[] run = cli("dbm", "fix", "--tenant", name, "appointment-patient-missing");
        assertThat(run[0]).as(run[1] + run[2]).isEqualTo("4");
        assertThat(run[2]).contains("--allow-unsafe").contains("duplicate key");

        r = admin("POST", "/api/v1/admin/tenants/" + name + "/dbm/fix", Map.of("methods", List.of("no-such")));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().at("/error/field").asText()).isEqualTo("methods");
        r = site.callUnchecked("POST", "/api/v1/admin/tenants/" + name + "/dbm/fix", token(),
                Map.of("methods", List.of()));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().at("/error/field").asText()).isEqualTo("methods");
        r = site.callUnchecked("POST", "/api/v1/admin/tenants/" + name + "/dbm/fix", token(),
                Map.of("methods", "fee-duplicate"));
        assertThat(r.status()).isEqualTo(400);
        r = admin("POST", "/api/v1/admin/tenants/nosuch/dbm/fix", Map.of("methods", List.of("fee-duplicate")));
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.json().at("/error/field").asText()).isEqualTo("tenant");
        r = admin("POST", "/api/v1/admin/tenants/" + name + "/dbm/fix", Map.of("methods", List.of("fee-duplicate"),
                "site", "nosuch"));
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.json().at("/error/field").asText()).isEqualTo("site");
        assertThat(cli("dbm", "fix", "--tenant", name, "no-such")[0]).isEqualTo("2");
        assertThat(cli("dbm", "fix", "fee-duplicate")[0]).as("--tenant is required").isEqualTo("2");
        assertThat(cli("dbm", "check", "nosuch")[0]).isEqualTo("5");
        // A practice token cannot use it at all.
        r = site.call("POST", "/api/v1/admin/tenants/" + name + "/dbm/fix", site.login(t),
                Map.of("methods", List.of("fee-duplicate"), "allow_unsafe", true));
        assertThat(r.status()).isEqualTo(403);
        assertThat(count("SELECT COUNT(*) FROM `" + db + "`.security_log WHERE action LIKE 'dbm-%'")).isZero();

        // The CLI: list, check (text and JSON), then a safe fix.
        run = cli("dbm", "list");
        assertThat(run[0]).isEqualTo("0");
        assertThat(run[1]).contains("fee-duplicate").contains("UNSAFE under replication").contains("why unsafe:");
        run = cli("dbm", "check", name);
        assertThat(run[0]).as(run[1] + run[2]).isEqualTo("0");
        assertThat(run[1]).contains("fee-duplicate").contains("agree").contains("cusp dbm fix --tenant");
        run = cli("dbm", "check", name, "--method", "fee-duplicate", "--json");
        assertThat(run[0]).isEqualTo("0");
        JsonNode j = Json.MAPPER.readTree(run[1]);
        assertThat(j.path("tenants").get(0).path("methods")).hasSize(1);
        assertThat(j.path("rows_found").asLong()).isEqualTo(1);
        run = cli("dbm", "fix", "--tenant", name, "fee-duplicate");
        assertThat(run[0]).as(run[1] + run[2]).isEqualTo("0");
        assertThat(run[1]).contains("fee-duplicate").contains("1 row(s) found").contains("now finds nothing");
        run = cli("dbm", "fix", "--tenant", name, "fee-duplicate", "--json");
        assertThat(run[0]).isEqualTo("0");
        assertThat(Json.MAPPER.readTree(run[1]).at("/fixed/0/note").asText()).isEqualTo("nothing found at any site");
    }

    @Test
    void aGeneratedSamplePracticeIsClean() throws Exception {
        TenantService.Created t = site.newTenant("dbmsample");
        site.site.tenants().seedData(t.tenant().name(), 200, 3);
        JsonNode r = check(t.tenant().name());
        assertThat(found(r)).as("no method finds anything in well-formed data").isEmpty();
        assertThat(r.path("methods_checked").asInt()).isEqualTo(MethodCatalog.all().size());
    }
}
