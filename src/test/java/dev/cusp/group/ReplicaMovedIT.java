package dev.cusp.group;

import static dev.cusp.group.GroupSites.admin;
import static dev.cusp.group.GroupSites.invite;
import static dev.cusp.group.GroupSites.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.api.Json;
import dev.cusp.support.TestSite;
import dev.cusp.tls.CertificateAuthority;
import dev.cusp.tls.TlsContexts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A report replica restarted on another port is reached at its new URL: its node is read-only,
 * so it asks the site it replicates from to record the move in its row (peer route
 * {@code /peer/url}), which replicates back. And what a member certificate can do with that
 * route: nothing to another site's row, and not point its own row at another site. Two real
 * sites: a (peer, founder) and its report replica c.
 */
@Tag("slow")
class ReplicaMovedIT {
    static TestSite a;
    static TestSite c;

    @BeforeAll
    static void start() throws Exception {
        a = TestSite.start("rmoved-a", Map.of("site.name", "a"));
        c = TestSite.start("rmoved-c", Map.of("site.name", "c"));
        assertThat(join(c, invite(a, "replica"), false).path("state").asText()).isEqualTo("succeeded");
        GroupSites.awaitLinks(c, 1);
    }

    @AfterAll
    static void stop() {
        GroupSites.closeAll(c, a);
    }

    @Test
    void aReplicaRestartedOnAnotherPortIsReachedThereByItsUpstream() throws Exception {
        String before = served(c);
        await().atMost(Duration.ofSeconds(30)).until(() -> row(a, "c").path("reachable").asBoolean());

        c = c.restart(Map.of("site.name", "c"));
        String after = served(c);
        assertThat(after).as("port 0 binds another port").isNotEqualTo(before);

        await("a calls c at its new URL").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    JsonNode s = row(a, "c");
                    return s.path("url").asText().equals(after) && s.path("reachable").asBoolean();
                });
        // The row came back to c by replication, so c stops asking; a's own row is untouched.
        await().atMost(Duration.ofSeconds(30)).until(() -> row(c, "c").path("url").asText().equals(after));
        assertThat(row(c, "a").path("url").asText()).isEqualTo(served(a));
    }

    @Test
    void aMemberCertificateMovesNoOtherSitesRowNorItsOwnToAnotherSite() throws Exception {
        String aUrl = row(a, "a").path("url").asText();
        String cUrl = row(a, "c").path("url").asText();
        int dbPort = c.site.group().membership().id().dbPort();

        // c's certificate asks a to point a's row at c: refused, whatever the URL.
        TestSite.Response other = asC("{\"site\":\"a\",\"url\":\"" + served(c) + "\",\"node_host\":\"127.0.0.1\","
                + "\"node_port\":" + dbPort + "}");
        assertThat(other.status()).as(other.body()).isEqualTo(403);
        assertThat(other.json().at("/error/field").asText()).isEqualTo("site");
        // c's own row pointed at a, where a's CA answers, not c's: refused before anything is written.
        TestSite.Response redirect = asC("{\"site\":\"c\",\"url\":\"" + aUrl + "\",\"node_host\":\"127.0.0.1\","
                + "\"node_port\":" + dbPort + "}");
        assertThat(redirect.status()).as(redirect.body()).isEqualTo(403);
        assertThat(redirect.json().at("/error/field").asText()).isEqualTo("url");
        // Not an https URL of a host: 400 naming the field.
        TestSite.Response bad = asC("{\"site\":\"c\",\"url\":\"http://127.0.0.1:1/x\",\"node_host\":\"127.0.0.1\","
                + "\"node_port\":" + dbPort + "}");
        assertThat(bad.status()).as(bad.body()).isEqualTo(400);
        assertThat(bad.json().at("/error/field").asText()).isEqualTo("url");
        // Its own URL, but a node host or port CHANGE MASTER must never see: 400 naming the field.
        for (String[] h : new String[][] {{"node_host", "\"x', MASTER_USER='root\"", "" + dbPort},
                {"node_host", "\"localhost\\nroot\\npw\"", "" + dbPort}, {"node_port", "\"127.0.0.1\"", "70000"},
                {"node_port", "\"127.0.0.1\"", "0"}}) {
            TestSite.Response r = asC("{\"site\":\"c\",\"url\":\"" + cUrl + "\",\"node_host\":" + h[1]
                    + ",\"node_port\":" + h[2] + "}");
            assertThat(r.status()).as(r.body()).isEqualTo(400);
            assertThat(r.json().at("/error/field").asText()).as(r.body()).isEqualTo(h[0]);
        }

        assertThat(row(a, "a").path("url").asText()).isEqualTo(aUrl);
        assertThat(row(a, "c").path("url").asText()).isEqualTo(cUrl);
        assertThat(row(a, "c").path("node_host").asText()).isEqualTo("localhost");
    }

    /** POST /peer/url at a with c's site certificate (what anyone holding c's key can send). */
    private static TestSite.Response asC(String body) throws Exception {
        HttpClient http = HttpClient.newBuilder().sslContext(TlsContexts.client(c.site.home().tls(),
                CertificateAuthority.load(a.site.home().tls().caCert()), true)).connectTimeout(Duration.ofSeconds(5))
                .build();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(a.url + "/api/v1/peer/url"))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        return new TestSite.Response(r.statusCode(), r.body(), Json.MAPPER.readTree(r.body()));
    }

    /** The URL a site tells its group it serves at. */
    private static String served(TestSite s) {
        return s.site.group().membership().url();
    }

    private static JsonNode row(TestSite at, String name) throws Exception {
        for (JsonNode s : admin(at, "GET", "/api/v1/admin/group", null).json().path("sites")) {
            if (s.path("name").asText().equals(name)) {
                return s;
            }
        }
        throw new AssertionError("no site " + name + " at " + at.url);
    }
}
