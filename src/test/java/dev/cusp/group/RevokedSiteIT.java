package dev.cusp.group;

import static dev.cusp.group.GroupSites.admin;
import static dev.cusp.group.GroupSites.awaitLinks;
import static dev.cusp.group.GroupSites.invite;
import static dev.cusp.group.GroupSites.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.api.Json;
import dev.cusp.support.TestSite;
import dev.cusp.tls.CertificateAuthority;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A member site's certificate stops working at every other site once its own CA revokes it, and
 * once the site is removed from the group: three real peers a, b and c in a mesh. What an
 * attacker holding c's key and certificate, or c's replication password, keeps of it.
 */
@Tag("slow")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RevokedSiteIT {
    static TestSite a;
    static TestSite b;
    static TestSite c;

    @BeforeAll
    static void start() throws Exception {
        ExecutorService ex = Executors.newFixedThreadPool(2);
        Future<TestSite> fa = ex.submit(() -> TestSite.start("revoked-a", Map.of("site.name", "a")));
        Future<TestSite> fb = ex.submit(() -> TestSite.start("revoked-b", Map.of("site.name", "b")));
        a = fa.get();
        b = fb.get();
        Future<TestSite> fc = ex.submit(() -> TestSite.start("revoked-c", Map.of("site.name", "c")));
        assertThat(join(b, invite(a, "peer"), false).path("state").asText()).isEqualTo("succeeded");
        c = fc.get();
        ex.shutdown();
        assertThat(join(c, invite(a, "peer"), false).path("state").asText()).isEqualTo("succeeded");
        awaitLinks(a, 2);
        awaitLinks(b, 2);
        awaitLinks(c, 2);
    }

    @AfterAll
    static void stop() {
        GroupSites.closeAll(c, b, a);
    }

    @Test
    @Order(1)
    void aCertificateItsSiteRevokedIsRefusedAtEveryOtherSite() throws Exception {
        // A second certificate of c's CA (another key): what a thief of an earlier key of c holds.
        Path cTls = c.site.home().tls().caCert().getParent();
        Path stolen = Files.createTempDirectory(a.site.home().dir(), "stolen");
        for (String f : List.of("ca.pem", "ca.key")) {
            Files.copy(cTls.resolve(f), stolen.resolve(f));
        }
        CertificateAuthority thief = new CertificateAuthority(stolen);
        thief.ensure("c", "127.0.0.1");
        X509Certificate cert = CertificateAuthority.load(thief.siteCert());
        for (TestSite s : List.of(a, b)) {
            TestSite.Response r = peerCall(thief, s, "/api/v1/peer/status");
            assertThat(r.status()).as("c's CA signed it, and nothing revoked it yet: " + r.body()).isEqualTo(200);
        }

        // c's operator revokes it, as the README says: one line in HOME/tls/revoked.
        Files.writeString(c.site.home().tls().revocations().revokedFile(), cert.getSerialNumber().toString(16)
                + " keyCompromise\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        for (TestSite s : List.of(a, b)) {
            await("site " + s.site.group().siteName() + " refuses the revoked certificate").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500)).until(() -> peerCall(thief, s, "/api/v1/peer/status").status() == 403);
            TestSite.Response r = peerCall(thief, s, "/api/v1/peer/status");
            assertThat(r.json().at("/error/code").asText()).isEqualTo("FORBIDDEN");
            assertThat(r.json().at("/error/message").asText()).contains("site c's certificate authority revoked")
                    .contains(cert.getSerialNumber().toString(16)).contains("key_compromise");
            // c itself, with its own certificate, goes on as before.
            assertThat(peerCall(c.site.home().tls(), s, "/api/v1/peer/status").status()).isEqualTo(200);
        }
    }

    @Test
    @Order(2)
    void aRemovedSitesCertificateAndReplicationSessionsEndAtBothRemainingSites() throws Exception {
        // c's replication accounts at a and b, as its node keeps them (HOME/node/data/master-SITE.info):
        // sessions opened with them stand for a removed site that does not stop its links itself.
        List<Connection> held = new ArrayList<>();
        for (TestSite s : List.of(a, b)) {
            List<String> info = Files.readAllLines(c.site.node().config().dataDir().resolve("master-"
                    + s.site.group().siteName() + ".info"));
            assertThat(info.get(4)).isEqualTo("repl_c");
            held.add(DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + s.site.node().config().port()
                    + "/?sslMode=trust", info.get(4), info.get(5)));
        }
        for (Connection h : held) {
            assertThat(h.isValid(5)).isTrue();
        }

        TestSite.Response removed = admin(a, "DELETE", "/api/v1/admin/group/sites/c", null);
        assertThat(removed.status()).as(removed.body()).isEqualTo(200);

        for (TestSite s : List.of(a, b)) {
            String name = s.site.group().siteName();
            await("site " + name + " refuses removed c's certificate").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> peerCall(c.site.home().tls(), s, "/api/v1/peer/status").status() == 403);
            TestSite.Response r = peerCall(c.site.home().tls(), s, "/api/v1/peer/links");
            assertThat(r.status()).as(r.body()).isEqualTo(403);
            assertThat(r.json().at("/error/message").asText()).contains("not from a site of this replication group");
            await("site " + name + " ends c's replication sessions").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500)).until(() -> sessionsOf(s, "repl_c") == 0);
            assertThat(GroupSites.count(s, "SELECT COUNT(*) FROM mysql.user WHERE user = 'repl_c'")).isZero();
        }
        for (Connection h : held) {
            assertThat(h.isValid(5)).as("a session of a dropped replication account is ended").isFalse();
            h.close();
        }
    }

    private static long sessionsOf(TestSite s, String user) throws Exception {
        try (Connection conn = s.site.node().adminConnection(); Statement st = conn.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM information_schema.processlist WHERE user = '"
                     + user + "'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** A peer call to {@code s} presenting {@code own}'s site certificate. */
    private static TestSite.Response peerCall(CertificateAuthority own, TestSite s, String path) throws Exception {
        HttpClient http = HttpClient.newBuilder().sslContext(dev.cusp.tls.TlsContexts.client(own,
                CertificateAuthority.load(s.site.home().tls().caCert()), true)).connectTimeout(Duration.ofSeconds(5))
                .build();
        String method = path.endsWith("/links") ? "POST" : "GET";
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(s.url + path)).timeout(Duration.ofSeconds(30))
                .method(method, method.equals("POST") ? HttpRequest.BodyPublishers.ofString("{}")
                        : HttpRequest.BodyPublishers.noBody()).header("Content-Type", "application/json").build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode n = r.body().isBlank() ? Json.MAPPER.createObjectNode() : Json.MAPPER.readTree(r.body());
        return new TestSite.Response(r.statusCode(), r.body(), n);
    }
}
