package dev.cusp.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.support.TestSite;
import dev.cusp.tenant.TenantService;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The attacker: one practice (A) holding everything a practice gets, its administrator's token
 * and its database password, turned against everything else the site offers: another practice
 * (B), the site's admin API, the peer API, the node's accounts and files. Every way out must be
 * refused, cleanly (no 500), and leave B's data where it was.
 */
class AttackerIT {
    private static final String MARKER = "Zzyzxsecret";
    static TestSite site;
    static TenantService.Created a;
    static TenantService.Created b;
    static String tokenA;

    @BeforeAll
    static void twoPractices() {
        site = TestSite.shared();
        a = site.newTenant("atka");
        b = site.newTenant("atkb");
        tokenA = site.login(a);
        var r = site.call("POST", "/api/v1/t/" + b.tenant().name() + "/patients", site.login(b),
                Map.of("last_name", MARKER, "first_name", "Victim"));
        assertThat(r.status()).isEqualTo(201);
    }

    /** Every operation of the API, with its path parameters aimed at B or at the site. */
    private static List<String[]> everyOperation() {
        JsonNode doc = site.call("GET", "/api/v1/openapi.json", null, null).json();
        List<String[]> ops = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> paths = doc.get("paths").properties().iterator();
        while (paths.hasNext()) {
            var p = paths.next();
            String path = p.getKey().replace("{tenant}", b.tenant().name()).replace("{name}", b.tenant().name())
                    .replace("{id}", "1").replace("{user}", "admin").replace("{hash}", "0".repeat(64));
            p.getValue().properties().forEach(m -> ops.add(new String[] {m.getKey().toUpperCase(), path}));
        }
        assertThat(ops).as("the document lists the routes it once left out").anyMatch(o -> o[1].endsWith("/logout"))
                .anyMatch(o -> o[1].endsWith("/users/me/password")).anyMatch(o -> o[1].endsWith("/group/sites"));
        return ops;
    }

    private static boolean isPublic(String method, String path) {
        // A site's hello tells a site about to join its name and versions: public facts (PeerRoutes).
        return path.equals("/api/v1/health") || path.equals("/api/v1/openapi.json") || path.equals("/metrics")
                || path.equals("/api/v1/tls/crl") || path.endsWith("/login") || path.equals("/api/v1/peer/hello");
    }

    @Test
    void everyOperationAimedAtAnotherPracticeOrTheSiteRefusesAPracticeToken() {
        List<String> bad = new ArrayList<>();
        for (String[] op : everyOperation()) {
            var r = site.callUnchecked(op[0], op[1], tokenA, Map.of());
            String what = op[0] + " " + op[1] + " -> " + r.status() + " " + r.body();
            if (r.status() >= 500 || r.body().contains(MARKER) || r.body().contains(b.tenant().dbName())) {
                bad.add(what);
            } else if (!isPublic(op[0], op[1]) && r.status() < 400) {
                bad.add(what);
            }
        }
        assertThat(bad).as("operations that gave A something of B or of the site").isEmpty();
    }

    @Test
    void everyOperationRefusesNoTokenAndAForgedOne() {
        List<String> bad = new ArrayList<>();
        for (String token : new String[] {null, "forged", tokenA + "x"}) {
            for (String[] op : everyOperation()) {
                if (isPublic(op[0], op[1]) || op[1].equals("/api/v1/peer/join")) {
                    // A join's credential is the invitation secret in its body, not a token or a
                    // certificate; peerRoutesRefuseAPracticeTokenWithoutASiteCertificate tries one.
                    continue;
                }
                var r = site.callUnchecked(op[0], op[1], token, Map.of());
                if (r.status() != 401 && r.status() != 403 && r.status() != 405) {
                    bad.add((token == null ? "no token" : "forged") + ": " + op[0] + " " + op[1] + " -> "
                            + r.status() + " " + r.body());
                }
            }
        }
        assertThat(bad).isEmpty();
    }

    @Test
    void peerRoutesRefuseAPracticeTokenWithoutASiteCertificate() {
        String base = "/api/v1/peer";
        List<String> bad = new ArrayList<>();
        for (String[] op : new String[][] {{"GET", "/snapshot"}, {"POST", "/links"}, {"GET", "/status"},
            {"POST", "/remove"}, {"POST", "/removed"}, {"POST", "/reseed"}, {"POST", "/tenants/claim"},
            {"POST", "/tenants/release"}, {"GET", "/jobs/1"}, {"POST", "/join/complete"}, {"POST", "/url"}}) {
            var r = site.callUnchecked(op[0], base + op[1], tokenA, Map.of("discard_local", true));
            if (r.status() < 400 || r.status() >= 500) {
                bad.add(op[0] + " " + op[1] + " -> " + r.status() + " " + r.body());
            }
        }
        var join = site.callUnchecked("POST", base + "/join", tokenA, Map.of("secret", "guess", "site", "evil",
                "ca_pem", "x"));
        assertThat(join.status()).as(join.body()).isBetween(400, 499);
        assertThat(bad).isEmpty();
    }

    @Test
    void theDatabasePasswordCannotEscalate() {
        String own = a.tenant().dbName();
        String other = b.tenant().dbName();
        List<String> bad = new ArrayList<>();
        for (String sql : new String[] {
            "SET GLOBAL general_log = ON",
            "SET GLOBAL general_log_file = '/tmp/cusp-attacker.log'",
            "SET GLOBAL read_only = OFF",
            "SELECT 1 INTO OUTFILE '/tmp/cusp-attacker.out'",
            "SELECT LOAD_FILE('/etc/passwd') IS NOT NULL AS leaked",
            "CREATE USER evil@'%' IDENTIFIED BY 'x'",
            "GRANT ALL ON *.* TO CURRENT_USER()",
            "GRANT SELECT ON " + other + ".* TO CURRENT_USER()",
            "CREATE DEFINER=`cusp_admin`@`localhost` VIEW " + own + ".v_evil AS SELECT 1",
            "CREATE DEFINER=`cusp_admin`@`localhost` FUNCTION " + own + ".f_evil() RETURNS INT RETURN 1",
            "CREATE DEFINER=`cusp_admin`@`localhost` TRIGGER " + own + ".t_evil BEFORE INSERT ON " + own
                    + ".patient FOR EACH ROW SET @x = 1",
            "SELECT * FROM mysql.global_priv",
            "SHOW GRANTS FOR cusp_admin@localhost",
            "SHOW BINLOG EVENTS",
            "SHOW SLAVE STATUS",
            "SHOW MASTER STATUS",
            "FLUSH BINARY LOGS",
            "PURGE BINARY LOGS BEFORE NOW()",
            "STOP ALL SLAVES",
            "SHUTDOWN",
            "INSTALL SONAME 'ha_connect'",
            "CREATE SERVER evil FOREIGN DATA WRAPPER mysql OPTIONS (HOST '127.0.0.1')",
            "SELECT * FROM cusp.tenant"}) {
            var r = site.mariadb(a.tenant().dbUser(), a.dbPassword(), sql);
            boolean refused = r.exit() != 0 || r.output().trim().equals("0") || r.output().trim().equals("NULL");
            if (!refused) {
                bad.add(sql + " -> " + r.output());
            }
        }
        assertThat(bad).as("statements A's database user could run beyond its practice").isEmpty();
        var processes = site.mariadb(a.tenant().dbUser(), a.dbPassword(),
                "SELECT DISTINCT USER FROM information_schema.PROCESSLIST");
        assertThat(processes.output().trim()).isEqualTo(a.tenant().dbUser());
        var rows = site.mariadb(b.tenant().dbUser(), b.dbPassword(), "SELECT last_name FROM " + other + ".patient");
        assertThat(rows.output()).contains(MARKER);
    }

    @Test
    void theQueryWindowOfOnePracticeReachesNothingElse() {
        String other = b.tenant().dbName();
        List<String> bad = new ArrayList<>();
        for (String sql : new String[] {
            "SELECT * FROM " + other + ".patient",
            "SELECT * FROM `" + other + "`.patient",
            "SELECT * FROM mysql.global_priv",
            "SELECT * FROM information_schema.PROCESSLIST",
            "SELECT * FROM information_schema.GLOBAL_VARIABLES",
            "SELECT GET_LOCK('cusp', 0)",
            "SELECT SLEEP(2)",
            "SELECT \"a\\\", 'x\", SLEEP(2) # ' FROM patient",
            "SELECT * FROM patient PROCEDURE ANALYSE()"}) {
            var r = site.call("POST", "/api/v1/t/" + a.tenant().name() + "/query", tokenA, Map.of("sql", sql));
            if (r.status() != 400 && r.status() != 403) {
                bad.add(sql + " -> " + r.status() + " " + r.body());
            }
        }
        assertThat(bad).as("query-window statements that were not refused").isEmpty();
        // SHOW GRANTS is a practice's own business, but not its password hash.
        var grants = site.call("POST", "/api/v1/t/" + a.tenant().name() + "/query", tokenA,
                Map.of("sql", "SHOW GRANTS"));
        assertThat(grants.status()).isEqualTo(200);
        assertThat(grants.body()).containsIgnoringCase("GRANT").doesNotContainPattern("\\*[0-9A-Fa-f]{40}");
    }

    @Test
    void theSiteAdminNeverSeesAPracticeUsersPasswordHash() throws Exception {
        // A conflict on practice_user keeps both row images, hash included (restore needs them).
        String hash = "$argon2id$v=19$m=65536,t=3,p=1$c2FsdHNhbHQ$" + "h".repeat(43);
        String image = "{\"id\": 1, \"user_name\": \"admin\", \"password_hash\": \"" + hash + "\"}";
        var w = site.mariadb(b.tenant().dbUser(), b.dbPassword(), "INSERT INTO " + b.tenant().dbName()
                + ".conflict_log (detected_site, kind, table_name, row_id, local_site, local_change, local_image,"
                + " incoming_site, incoming_change, incoming_image, winner, rule, gtid) VALUES ('x', 'update-update',"
                + " 'practice_user', 1, 'x', 'update', '" + image + "', 'y', 'update', '" + image + "', 'local',"
                + " 'newest change wins', '0-1-1')");
        assertThat(w.exit()).as(w.output()).isZero();
        String admin = java.nio.file.Files.readString(site.site.home().cliToken()).trim();
        var r = site.call("GET", "/api/v1/admin/conflicts?tenant=" + b.tenant().name(), admin, null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("practice_user").contains("<hidden>").doesNotContain("argon2id");
    }
}
