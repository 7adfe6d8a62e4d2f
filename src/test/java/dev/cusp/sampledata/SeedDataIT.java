package dev.cusp.sampledata;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.Cusp;
import dev.cusp.support.TestSite;
import dev.cusp.tenant.TenantService;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code tenant seed-data} on a real site: the same seed and size give identical tables, the
 * generated practice hangs together (families, references, insurance), and bad requests are
 * refused naming what is wrong.
 */
class SeedDataIT {
    /** The tables the generator writes; procedure_code is the tenant's own (stamped at its creation). */
    static final List<String> TABLES = List.of("fee_schedule", "fee", "provider", "carrier", "insurance_plan",
            "patient", "patient_plan", "appointment", "procedure_log", "document");

    static TestSite site;
    static String admin;
    static TenantService.Created a;
    static JsonNode seededA;

    @BeforeAll
    static void seedOne() throws Exception {
        site = TestSite.shared();
        admin = Files.readString(site.site.home().cliToken()).trim();
        a = site.newTenant("seeda");
        TestSite.Response r = seed(a.tenant().name(), Map.of("patients", 300, "seed", 7));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        seededA = r.json();
    }

    static TestSite.Response seed(String tenant, Object body) {
        return site.call("POST", "/api/v1/admin/tenants/" + tenant + "/seed-data", admin, body);
    }

    /** A seed request that breaks the API's rules on purpose: sent without checking it against the document. */
    static TestSite.Response badSeed(String tenant, Object body) {
        return site.callUnchecked("POST", "/api/v1/admin/tenants/" + tenant + "/seed-data", admin, body);
    }

    static Connection db(TenantService.Created t) throws SQLException {
        return DriverManager.getConnection(site.site.tenants().jdbc().url(t.tenant().dbName()),
                t.tenant().dbUser(), t.dbPassword());
    }

    static long one(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** COUNT(*) and CHECKSUM TABLE of every generated table. */
    static Map<String, String> fingerprint(TenantService.Created t) throws SQLException {
        Map<String, String> m = new LinkedHashMap<>();
        try (Connection c = db(t)) {
            for (String table : TABLES) {
                // Every column but the replication change stamps (practice schema v3), which say
                // when each row was written, not what the generator wrote.
                List<String> cols = new ArrayList<>();
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT column_name FROM"
                        + " information_schema.columns WHERE table_schema = DATABASE() AND table_name = '" + table
                        + "' AND column_name NOT IN ('changed_at', 'changed_by', 'base_at', 'base_by')"
                        + " ORDER BY ordinal_position")) {
                    while (rs.next()) {
                        cols.add("`" + rs.getString(1) + "`");
                        cols.add("ISNULL(`" + rs.getString(1) + "`)");
                    }
                }
                m.put(table, one(c, "SELECT COUNT(*) FROM " + table) + " rows, checksum " + one(c,
                        "SELECT BIT_XOR(CRC32(CONCAT_WS('#', " + String.join(", ", cols) + "))) FROM " + table));
            }
        }
        return m;
    }

    @Test
    void theSameSeedAndSizeGiveIdenticalTables() throws Exception {
        TenantService.Created b = site.newTenant("seedb");
        TestSite.Response rb = seed(b.tenant().name(), Map.of("patients", 300, "seed", 7));
        assertThat(rb.status()).as(rb.body()).isEqualTo(200);
        assertThat(rb.json().get("rows")).isEqualTo(seededA.get("rows"));
        Map<String, String> fa = fingerprint(a);
        assertThat(fingerprint(b)).isEqualTo(fa);
        assertThat(fa.get("patient")).startsWith("300 rows");
        for (var e : seededA.get("rows").properties()) {
            assertThat(fa.get(e.getKey())).as(e.getKey()).startsWith(e.getValue().asLong() + " rows");
        }

        TenantService.Created other = site.newTenant("seedc");
        assertThat(seed(other.tenant().name(), Map.of("patients", 300, "seed", 8)).status()).isEqualTo(200);
        assertThat(fingerprint(other).get("patient")).as("another seed, another practice")
                .isNotEqualTo(fa.get("patient"));
    }

    @Test
    void theResponseCountsRowsPerTable() {
        JsonNode rows = seededA.get("rows");
        assertThat(seededA.get("patients").asInt()).isEqualTo(300);
        assertThat(seededA.get("seed").asLong()).isEqualTo(7);
        assertThat(rows.get("patient").asLong()).isEqualTo(300);
        assertThat(rows.get("fee").asLong()).isEqualTo(rows.get("fee_schedule").asLong() * 54);
        assertThat(seededA.get("total_rows").asLong()).isGreaterThan(5_000);
        assertThat(seededA.get("elapsed_ms").asLong()).isNotNegative();
    }

    @Test
    void familiesHaveAnAdultGuarantorWithTheirNameAndAddress() throws Exception {
        try (Connection c = db(a)) {
            assertThat(one(c, "SELECT COUNT(*) FROM patient WHERE guarantor_id IS NOT NULL")).as("family members")
                    .isGreaterThan(50);
            assertThat(one(c, "SELECT COUNT(*) FROM patient p LEFT JOIN patient g ON g.id = p.guarantor_id"
                    + " WHERE p.guarantor_id IS NOT NULL AND (g.id IS NULL OR g.guarantor_id IS NOT NULL"
                    + " OR g.last_name <> p.last_name OR g.address <> p.address)")).as("members whose guarantor is"
                    + " missing, not a family head, or of another family").isZero();
            assertThat(one(c, "SELECT COUNT(*) FROM patient WHERE guarantor_id IS NULL"
                    + " AND TIMESTAMPDIFF(YEAR, birth_date, '2026-01-01') < 18")).as("child guarantors").isZero();
            long insured = one(c, "SELECT COUNT(DISTINCT patient_id) FROM patient_plan pp JOIN patient p"
                    + " ON p.id = pp.patient_id JOIN insurance_plan i ON i.id = pp.insurance_plan_id");
            assertThat(insured).as("most but not all patients insured").isBetween(180L, 270L);
            assertThat(one(c, "SELECT COUNT(*) FROM provider WHERE specialty = 'General dentist'")).isPositive();
            assertThat(one(c, "SELECT COUNT(*) FROM provider WHERE specialty = 'Hygienist'")).isPositive();
        }
    }

    @Test
    void proceduresPointAtRealAppointmentsPatientsProvidersAndCodes() throws Exception {
        try (Connection c = db(a)) {
            assertThat(one(c, "SELECT COUNT(*) FROM procedure_log l LEFT JOIN patient p ON p.id = l.patient_id"
                    + " LEFT JOIN provider v ON v.id = l.provider_id LEFT JOIN procedure_code k"
                    + " ON k.id = l.procedure_code_id WHERE p.id IS NULL OR v.id IS NULL OR k.id IS NULL")).isZero();
            assertThat(one(c, "SELECT COUNT(*) FROM procedure_log l LEFT JOIN appointment ap"
                    + " ON ap.id = l.appointment_id WHERE l.appointment_id IS NOT NULL"
                    + " AND (ap.id IS NULL OR ap.patient_id <> l.patient_id OR DATE(ap.start_at) <> l.proc_date)"))
                    .isZero();
            for (String t : List.of("appointment", "document", "patient_plan")) {
                assertThat(one(c, "SELECT COUNT(*) FROM " + t + " x LEFT JOIN patient p ON p.id = x.patient_id"
                        + " WHERE p.id IS NULL")).as(t).isZero();
            }
            double perPatient = one(c, "SELECT COUNT(*) FROM procedure_log") / 300.0;
            assertThat(perPatient).as("about 20 procedures a patient").isBetween(12.0, 28.0);
            double mean = one(c, "SELECT COUNT(*) FROM appointment") / 300.0;
            long most = one(c, "SELECT MAX(n) FROM (SELECT COUNT(*) n FROM appointment GROUP BY patient_id) x");
            assertThat((double) most).as("a few patients come far more often").isGreaterThan(4 * mean);
            assertThat(one(c, "SELECT COUNT(DISTINCT k.code) FROM procedure_log l JOIN procedure_code k"
                    + " ON k.id = l.procedure_code_id WHERE k.code IN ('D0120', 'D1110', 'D2391', 'D0274')"))
                    .isEqualTo(4);
            assertThat(one(c, "SELECT COUNT(*) FROM procedure_log l JOIN appointment ap ON ap.id = l.appointment_id"
                    + " WHERE l.status = 'complete' AND l.fee <= 0")).as("completed work has a fee").isZero();
        }
    }

    @Test
    void badRequestsAreRefusedNamingTheField() {
        String n = a.tenant().name();
        assertRefused(badSeed(n, Map.of("patients", 0)), 400, "patients");
        assertRefused(badSeed(n, Map.of("patients", 200_001)), 400, "patients");
        assertRefused(badSeed(n, Map.of("patients", "many")), 400, "patients");
        assertRefused(badSeed(n, Map.of("seed", 3)), 400, "patients");
        assertRefused(badSeed(n, Map.of("patients", 10, "seed", "x")), 400, "seed");
        assertRefused(badSeed(n, Map.of("patients", 10, "size", 3)), 400, "size");
        assertRefused(seed("nosuchpractice", Map.of("patients", 10)), 404, null);
        TestSite.Response again = seed(n, Map.of("patients", 10));
        assertRefused(again, 409, null);
        assertThat(again.json().at("/error/message").asText()).contains("already has patients").contains("new tenant");
        TenantService.Created s = site.newTenant("seedsusp");
        site.site.tenants().suspend(s.tenant().name());
        assertRefused(seed(s.tenant().name(), Map.of("patients", 10)), 423, null);
    }

    private static void assertRefused(TestSite.Response r, int status, String field) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        if (field != null) {
            assertThat(r.json().at("/error/field").asText()).as(r.body()).isEqualTo(field);
        }
    }

    @Test
    void theCliSeedsThroughTheAdminApi() throws Exception {
        TenantService.Created t = site.newTenant("seedcli");
        String[] out = cusp("tenant", "seed-data", t.tenant().name(), "--patients", "20", "--seed", "3");
        assertThat(out[0]).as(out[2]).isEqualTo("0");
        assertThat(out[1]).contains("Seeded " + t.tenant().name() + " with 20 patients (seed 3)")
                .contains("procedure_log");
        try (Connection c = db(t)) {
            assertThat(one(c, "SELECT COUNT(*) FROM patient")).isEqualTo(20);
        }
        assertThat(cusp("tenant", "seed-data", t.tenant().name(), "--patients", "20")[0]).isEqualTo("6");
        assertThat(cusp("tenant", "seed-data", "nosuchpractice", "--patients", "20")[0]).isEqualTo("5");
    }

    private static String[] cusp(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--home";
        all[args.length + 1] = site.site.home().dir().toString();
        int code = Cusp.run(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), all);
        return new String[] {Integer.toString(code), out.toString(StandardCharsets.UTF_8),
            err.toString(StandardCharsets.UTF_8)};
    }
}
