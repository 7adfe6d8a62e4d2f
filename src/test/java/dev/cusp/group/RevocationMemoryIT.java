package dev.cusp.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.api.Json;
import dev.cusp.base.JsonMapping;
import dev.cusp.wire.PeerMembership;
import dev.cusp.support.TestSite;
import dev.cusp.tls.CertificateAuthority;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A revocation is not forgotten when the checking site restarts while the revoking site is
 * down, and a member whose revocation list was never read is not taken for clean: two real peers
 * a and b, and a thief holding a certificate of b's CA that b revoked.
 */
@Tag("slow")
class RevocationMemoryIT {
    static TestSite a;
    static TestSite b;

    @BeforeAll
    static void start() throws Exception {
        TestSite[] ab = GroupSites.twoPeers("revmem");
        a = ab[0];
        b = ab[1];
    }

    @AfterAll
    static void stop() {
        GroupSites.closeAll(b, a);
    }

    @Test
    void aRevokedCertificateStaysRefusedAcrossARestartWhileItsSiteIsDown() throws Exception {
        Path bTls = b.site.home().tls().caCert().getParent();
        Path stolen = Files.createTempDirectory(a.site.home().dir(), "stolen");
        for (String f : List.of("ca.pem", "ca.key")) {
            Files.copy(bTls.resolve(f), stolen.resolve(f));
        }
        CertificateAuthority thief = new CertificateAuthority(stolen);
        thief.ensure("b", "127.0.0.1");
        X509Certificate cert = CertificateAuthority.load(thief.siteCert());
        assertThat(peerCall(thief, a).status()).isEqualTo(200);
        Files.writeString(b.site.home().tls().revocations().revokedFile(), cert.getSerialNumber().toString(16)
                + " keyCompromise\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        await("a refuses the revoked certificate").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> peerCall(thief, a).status() == 403);
        Path kept = a.site.home().dir().resolve("tls/peer-crls/b.crl");
        await("a keeps b's list").atMost(Duration.ofSeconds(30)).until(() -> Files.isRegularFile(kept));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(kept))).isEqualTo("rw-------");

        // b goes down (or is cut off), and a restarts: the thief tries now.
        b.site.close();
        a = a.restart(Map.of("site.name", "a"));
        TestSite.Response r = peerCall(thief, a);
        assertThat(r.status()).as("the list kept from before the restart: " + r.body()).isEqualTo(403);
        assertThat(r.json().at("/error/message").asText()).contains("site b's certificate authority revoked")
                .contains(cert.getSerialNumber().toString(16));

        // No list of b ever read (a new home, or its file lost): unknown, so refused, b's own certificate too.
        a.site.close();
        Files.delete(kept);
        a = a.restart(Map.of("site.name", "a"));
        for (CertificateAuthority who : List.of(thief, b.site.home().tls())) {
            TestSite.Response u = peerCall(who, a);
            assertThat(u.status()).as(u.body()).isEqualTo(503);
            assertThat(u.json().at("/error/message").asText()).contains("site b's revocation list has never been read");
            // membership too: neither "member" (the thief would pass) nor "not a member" (b, told it
            // was removed, would stand alone): unknown, try again.
            TestSite.Response m = peerCall(who, a, "/api/v1/peer/membership");
            assertThat(m.status()).as(m.body()).isEqualTo(503);
            assertThat(m.json().at("/error/message").asText()).contains("site b's revocation list has never been read");
        }

        // b back (on another port: it records its new URL): a reads its list and b is answered again.
        b = b.restart(Map.of("site.name", "b"));
        await("a answers b once it reads b's list").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> peerCall(b.site.home().tls(), a).status() == 200);
        assertThat(peerCall(thief, a).status()).isEqualTo(403);
        PeerMembership own = JsonMapping.read(peerCall(b.site.home().tls(), a, "/api/v1/peer/membership").json(),
                PeerMembership.class);
        assertThat(own).isEqualTo(new PeerMembership(true, "b", Member.ACTIVE));
        TestSite.Response stolenAsks = peerCall(thief, a, "/api/v1/peer/membership");
        assertThat(stolenAsks.status()).as(stolenAsks.body()).isEqualTo(200);
        assertThat(JsonMapping.read(stolenAsks.json(), PeerMembership.class).member()).isFalse();
    }

    /** A peer call to {@code s} presenting {@code own}'s site certificate. */
    private static TestSite.Response peerCall(CertificateAuthority own, TestSite s) throws Exception {
        return peerCall(own, s, "/api/v1/peer/status");
    }

    private static TestSite.Response peerCall(CertificateAuthority own, TestSite s, String path) throws Exception {
        HttpClient http = HttpClient.newBuilder().sslContext(dev.cusp.tls.TlsContexts.client(own,
                CertificateAuthority.load(s.site.home().tls().caCert()), true)).connectTimeout(Duration.ofSeconds(5))
                .build();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(s.url + path))
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
        JsonNode n = r.body().isBlank() ? Json.MAPPER.createObjectNode() : Json.MAPPER.readTree(r.body());
        return new TestSite.Response(r.statusCode(), r.body(), n);
    }
}
