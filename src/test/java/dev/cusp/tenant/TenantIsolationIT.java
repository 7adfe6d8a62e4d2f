package dev.cusp.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cusp.support.TestSite;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Isolation both ways: with tenant A's own database credentials, the real {@code mariadb}
 * client cannot read or write tenant B; with A's token, B's URLs answer 403 and no data.
 */
class TenantIsolationIT {
    static TestSite site;
    static TenantService.Created a;
    static TenantService.Created b;

    @BeforeAll
    static void twoTenants() {
        site = TestSite.shared();
        a = site.newTenant("isoa");
        b = site.newTenant("isob");
        String tokenB = site.login(b);
        var r = site.call("POST", "/api/v1/t/" + b.tenant().name() + "/patients", tokenB,
                Map.of("last_name", "Secret", "first_name", "Bee"));
        assertThat(r.status()).isEqualTo(201);
    }

    private TestSite.ClientResult asA(String sql) {
        return site.mariadb(a.tenant().dbUser(), a.dbPassword(), sql);
    }

    @Test
    void tenantDatabaseUserReachesItsOwnDatabase() {
        var r = asA("SELECT COUNT(*) FROM " + a.tenant().dbName() + ".procedure_code");
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(Integer.parseInt(r.output().trim())).isGreaterThan(40);
    }

    @Test
    void tenantDatabaseUserCannotReadOrWriteAnotherTenant() {
        String other = b.tenant().dbName();
        for (String sql : new String[] {
            "SELECT * FROM " + other + ".patient",
            "INSERT INTO " + other + ".patient (last_name, first_name) VALUES ('x', 'y')",
            "UPDATE " + other + ".patient SET last_name = 'x'",
            "DELETE FROM " + other + ".patient",
            "DROP TABLE " + other + ".patient",
            "CREATE TABLE " + other + ".evil (id INT)",
            "USE " + other,
            "SELECT * FROM cusp.tenant",
            "SELECT * FROM mysql.user",
            "CREATE DATABASE " + other + "_stolen",
            // MariaDB's installer lets PUBLIC use test and test_*: a drop box between tenants.
            "CREATE DATABASE test_dropbox",
            "CREATE TABLE test.dropbox (id INT)",
            "CREATE TABLE test_shared.dropbox (id INT)"}) {
            var r = asA(sql);
            assertThat(r.exit()).as(sql + " -> " + r.output()).isNotZero();
            assertThat(r.output()).as(sql).containsIgnoringCase("denied");
        }
        var r = site.mariadb(b.tenant().dbUser(), b.dbPassword(), "SELECT COUNT(*) FROM " + other + ".patient");
        assertThat(r.output().trim()).isEqualTo("1");
    }

    @Test
    void tenantSeesOnlyItsOwnDatabases() {
        var r = asA("SHOW DATABASES");
        assertThat(r.exit()).isZero();
        assertThat(r.output()).contains(a.tenant().dbName()).doesNotContain(b.tenant().dbName())
                .doesNotContain("cusp\n");
    }

    @Test
    void grantsCoverOwnedDatabasesButNotATenantWhoseIdExtendsThisOne() {
        String own = a.tenant().dbName() + "_scratch";
        var created = asA("CREATE DATABASE " + own + "; DROP DATABASE " + own);
        assertThat(created.exit()).as(created.output()).isZero();
        // The seed's od_NAME_ID% pattern would let od_x_1 reach od_x_12; Cusp's grants do not.
        var r = asA("CREATE DATABASE " + a.tenant().dbName() + "7");
        assertThat(r.exit()).isNotZero();
        assertThat(r.output()).containsIgnoringCase("denied");
    }

    @Test
    void tokenOfOneTenantGetsNothingFromAnother() {
        String tokenA = site.login(a);
        String bBase = "/api/v1/t/" + b.tenant().name();
        for (String path : new String[] {"/patients", "/patients/1", "/patients?q=Sec", "/security-log"}) {
            var r = site.call("GET", bBase + path, tokenA, null);
            assertThat(r.status()).as(path).isEqualTo(403);
            assertThat(r.body()).as(path).doesNotContain("Secret");
        }
        var w = site.call("POST", bBase + "/patients", tokenA, Map.of("last_name", "Intruder", "first_name", "A"));
        assertThat(w.status()).isEqualTo(403);
        var del = site.call("DELETE", bBase + "/patients/1", tokenA, null);
        assertThat(del.status()).isEqualTo(403);
        var r = site.mariadb(b.tenant().dbUser(), b.dbPassword(), "SELECT COUNT(*) FROM " + b.tenant().dbName()
                + ".patient");
        assertThat(r.output().trim()).isEqualTo("1");
    }

    @Test
    void siteAdminTokenCannotReadPracticeData() throws Exception {
        String cli = Files.readString(site.site.home().cliToken()).trim();
        var r = site.call("GET", "/api/v1/t/" + b.tenant().name() + "/patients", cli, null);
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.body()).doesNotContain("Secret");
    }

    @Test
    void practiceTokenCannotUseTheAdminApi() {
        String tokenA = site.login(a);
        var r = site.call("GET", "/api/v1/admin/tenants", tokenA, null);
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.body()).doesNotContain(b.tenant().name());
    }

    @Test
    void passwordsAreSealedAtRestAndNotInTheLog() throws Exception {
        var r = site.mariadb("cusp_admin", Files.readString(site.site.home().nodeAdminPassword()).trim(),
                "SELECT db_password_enc FROM cusp.tenant WHERE name = '" + a.tenant().name() + "'");
        assertThat(r.output().trim()).startsWith("v1:").doesNotContain(a.dbPassword());
    }
}
