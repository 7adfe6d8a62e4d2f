package dev.cusp.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cusp.support.TestSite;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CRLReason;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/**
 * The revocation list a running site serves, as a client finds it: at the address its
 * certificate names, without a token, signed by the CA in {@code HOME/tls/ca.pem}; and the
 * certificate checked against it with {@code openssl verify -crl_check}, the check testssl.sh
 * makes when it may fetch the list.
 */
class RevocationListIT {

    @Test
    void theServedListVerifiesAndTheSiteCertificateNamesIt() throws Exception {
        TestSite site = TestSite.shared();
        Path ca = site.site.home().tls().caCert();
        X509Certificate served = presented(site.site.port(), CertificateAuthority.load(ca));
        String url = CertificateAuthority.crlUrl(served).orElseThrow();
        assertThat(url).isEqualTo("https://localhost:" + site.site.port() + "/api/v1/tls/crl");

        HttpResponse<byte[]> r = fetch(site.http, url);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("application/pkix-crl"));
        X509CRL crl = crl(r.body());
        crl.verify(CertificateAuthority.load(ca).getPublicKey());
        assertThat(crl.isRevoked(served)).isFalse();
        assertThat(openssl(ca, crl, served)).contains("OK");
    }

    @Test
    void aCertificateReplacedAtRestartIsListedAndTheNodePresentsItsSuccessor() throws Exception {
        TestSite site = TestSite.start("crl", Map.of());
        try {
            Path ca = site.site.home().tls().caCert();
            X509Certificate caCert = CertificateAuthority.load(ca);
            X509Certificate before = presented(site.site.port(), caCert);
            // Port 0: the restarted server listens elsewhere, so its certificate is re-issued to
            // name the list there, and the one before is superseded.
            site = site.restart(Map.of());
            X509Certificate after = presented(site.site.port(), caCert);
            assertThat(after.getSerialNumber()).isNotEqualTo(before.getSerialNumber());
            assertThat(CertificateAuthority.crlUrl(after)).hasValue(CertificateAuthority.crlUrl("localhost",
                    site.site.port()));
            assertThat(nodeCertificate(site.site.node().config().port())).as("the node presents the new certificate")
                    .isEqualTo(after);

            HttpResponse<byte[]> r = fetch(HttpClient.newBuilder().sslContext(TlsContexts.client(null, caCert, false))
                    .build(), CertificateAuthority.crlUrl(after).orElseThrow());
            X509CRL crl = crl(r.body());
            crl.verify(caCert.getPublicKey());
            assertThat(crl.getRevokedCertificate(before.getSerialNumber()).getRevocationReason())
                    .isEqualTo(CRLReason.SUPERSEDED);
            assertThat(crl.isRevoked(after)).isFalse();
            assertThat(openssl(ca, crl, before)).contains("certificate revoked");
            assertThat(openssl(ca, crl, after)).contains("OK");
        } finally {
            site.close();
        }
    }

    /** The certificate the HTTPS server presents. */
    static X509Certificate presented(int port, X509Certificate ca) throws Exception {
        try (SSLSocket s = (SSLSocket) TlsContexts.client(null, ca, false).getSocketFactory()
                .createSocket("127.0.0.1", port)) {
            s.startHandshake();
            return (X509Certificate) s.getSession().getPeerCertificates()[0];
        }
    }

    /** The certificate the MariaDB node presents (its protocol's own TLS upgrade, through openssl). */
    static X509Certificate nodeCertificate(int port) throws Exception {
        Process p = new ProcessBuilder("openssl", "s_client", "-starttls", "mysql", "-connect", "127.0.0.1:" + port)
                .redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        Matcher m = Pattern.compile("-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----", Pattern.DOTALL)
                .matcher(out);
        assertThat(m.find()).as(out).isTrue();
        return TlsContexts.parsePem(m.group());
    }

    static HttpResponse<byte[]> fetch(HttpClient http, String url) throws Exception {
        // No token, no client version: what curl or a TLS library fetching a CRL sends.
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    static X509CRL crl(byte[] der) throws Exception {
        return (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(der));
    }

    /** {@code openssl verify -crl_check} with the CA and the list in one file, as testssl.sh runs it. */
    static String openssl(Path ca, X509CRL crl, X509Certificate cert) throws Exception {
        Path dir = Files.createTempDirectory("crl-check");
        try {
            Path bundle = dir.resolve("ca-and-crl.pem");
            Files.writeString(bundle, Files.readString(ca) + "-----BEGIN X509 CRL-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(crl.getEncoded())
                    + "\n-----END X509 CRL-----\n");
            Path leaf = dir.resolve("cert.pem");
            Files.writeString(leaf, TlsContexts.pem(cert));
            Process p = new ProcessBuilder("openssl", "verify", "-crl_check", "-CAfile", bundle.toString(),
                    leaf.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            return out;
        } finally {
            TestSite.deleteFolder(dir);
        }
    }
}
