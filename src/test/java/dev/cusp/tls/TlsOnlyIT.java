package dev.cusp.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.cusp.support.TestSite;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Arrays;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The site speaks TLS only, and its certificates chain to the site's own CA. */
class TlsOnlyIT {
    static TestSite site;
    static int port;

    @BeforeAll
    static void start() {
        site = TestSite.shared();
        port = URI.create(site.url).getPort();
    }

    @Test
    void plainHttpGetsNoData() throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write("GET /api/v1/health HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[4096];
            int n;
            try {
                n = in.read(buf);
            } catch (java.net.SocketException reset) {
                n = -1;
            }
            String answer = n <= 0 ? "" : new String(buf, 0, n, StandardCharsets.ISO_8859_1);
            assertThat(answer).doesNotContain("\"status\"").doesNotContain("ok");
            assertThat(answer.startsWith("HTTP/1.1 200")).isFalse();
        }
    }

    @Test
    void curlWithTheSiteCaGetsAnAnswer() throws Exception {
        Process p = new ProcessBuilder("curl", "-s", "--cacert", site.site.home().tls().caCert().toString(),
                site.url + "/api/v1/health").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();
        assertThat(out).contains("\"ok\"");
        Process insecure = new ProcessBuilder("curl", "-s", site.url + "/api/v1/health").start();
        assertThat(insecure.waitFor()).as("curl without the CA must refuse the certificate").isNotZero();
    }

    @Test
    void responsesAreNeverCompressed() throws Exception {
        var r = site.http.send(java.net.http.HttpRequest.newBuilder(URI.create(site.url + "/api/v1/openapi.json"))
                .header("Accept-Encoding", "gzip, deflate, br").build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body().length()).as("large enough that a server would compress it").isGreaterThan(10_000);
        assertThat(r.headers().firstValue("Content-Encoding")).isEmpty();
    }

    @Test
    void serverCertificateChainsToTheSiteCa() throws Exception {
        X509Certificate ca = CertificateAuthority.load(site.site.home().tls().caCert());
        SSLSocketFactory f = sslFactory();
        try (SSLSocket s = (SSLSocket) f.createSocket("127.0.0.1", port)) {
            s.startHandshake();
            X509Certificate leaf = (X509Certificate) s.getSession().getPeerCertificates()[0];
            leaf.verify(ca.getPublicKey());
            assertThat(leaf.getIssuerX500Principal()).isEqualTo(ca.getSubjectX500Principal());
            assertThat(s.getSession().getProtocol()).isIn("TLSv1.3", "TLSv1.2");
        }
    }

    @Test
    void oldProtocolsAreRefused() throws Exception {
        SSLSocketFactory f = sslFactory();
        try (SSLSocket s = (SSLSocket) f.createSocket("127.0.0.1", port)) {
            String[] old = Arrays.stream(s.getSupportedProtocols()).filter(p -> p.equals("TLSv1.1")
                    || p.equals("TLSv1")).toArray(String[]::new);
            if (old.length == 0) {
                // This JDK cannot even offer them; the server's own list is checked below.
                assertThat(dev.cusp.api.ApiServerProtocols.enabled()).containsOnly("TLSv1.3", "TLSv1.2");
                return;
            }
            s.setEnabledProtocols(old);
            assertThatThrownBy(s::startHandshake).isInstanceOf(SSLHandshakeException.class);
        }
    }

    @Test
    void siteCertificateIsValidForAtMost825Days() {
        X509Certificate leaf = CertificateAuthority.load(site.site.home().tls().siteCert());
        java.time.Duration valid = java.time.Duration.between(leaf.getNotBefore().toInstant(),
                leaf.getNotAfter().toInstant());
        assertThat(valid).isLessThanOrEqualTo(java.time.Duration.ofDays(825));
    }

    @Test
    void clientInitiatedRenegotiationIsRefused() throws Exception {
        String plain = sClient(false);
        assertThat(plain).as("without renegotiation the request is served").contains("HTTP/1.1 200");
        String renegotiated = sClient(true);
        assertThat(renegotiated).as("openssl asked to renegotiate").contains("RENEGOTIATING");
        assertThat(renegotiated).as("and the server hung up instead of serving the next request")
                .doesNotContain("HTTP/1.1 200");
    }

    /**
     * {@code openssl s_client -tls1_2}: optionally "R" (renegotiate), then an HTTP request;
     * returns what it printed. Each step waits for openssl to report the one before it: the
     * handshake ("Verify return code"), the renegotiation (the server's certificate checked
     * again, or openssl gone because the server hung up), the answer (or openssl gone).
     */
    private static String sClient(boolean renegotiate) throws Exception {
        Process p = new ProcessBuilder("openssl", "s_client", "-connect", "127.0.0.1:" + port, "-tls1_2",
                "-CAfile", site.site.home().tls().caCert().toString()).redirectErrorStream(true).start();
        StringBuffer printed = new StringBuffer();
        Thread reader = Thread.ofVirtual().start(() -> {
            try (InputStream out = p.getInputStream()) {
                byte[] buf = new byte[8192];
                for (int n; (n = out.read(buf)) >= 0; ) {
                    printed.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
                }
            } catch (java.io.IOException gone) {
                // openssl exited.
            }
        });
        Duration step = Duration.ofSeconds(20);
        try (OutputStream in = p.getOutputStream()) {
            await("openssl's handshake").atMost(step)
                    .until(() -> !p.isAlive() || printed.indexOf("Verify return code") >= 0);
            if (renegotiate) {
                int checks = occurrences(printed, "verify return:");
                in.write("R\n".getBytes(StandardCharsets.US_ASCII));
                in.flush();
                await("the renegotiation to end").atMost(step)
                        .until(() -> !p.isAlive() || occurrences(printed, "verify return:") > checks);
            }
            in.write("GET /api/v1/health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            in.flush();
            await("the answer").atMost(step).until(() -> !p.isAlive() || printed.indexOf("HTTP/1.1 ") >= 0);
        } catch (java.io.IOException closedByServer) {
            // openssl exited already: the server closed the connection.
        }
        if (!p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        reader.join();
        return printed.toString();
    }

    private static int occurrences(CharSequence text, String what) {
        int n = 0;
        for (int i = text.toString().indexOf(what); i >= 0; i = text.toString().indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    @Test
    void databaseNodeServesTlsWithTheSiteCertificate() throws Exception {
        var created = site.newTenant("tlsdb");
        String url = "jdbc:mariadb://127.0.0.1:" + created.port() + "/" + created.tenant().dbName()
                + "?sslMode=verify-full&serverSslCert=" + site.site.home().tls().caCert();
        try (Connection c = DriverManager.getConnection(url, created.tenant().dbUser(), created.dbPassword());
             ResultSet rs = c.createStatement().executeQuery("SHOW SESSION STATUS LIKE 'Ssl_version'")) {
            rs.next();
            assertThat(rs.getString(2)).startsWith("TLSv1.");
        }
    }

    private static SSLSocketFactory sslFactory() throws Exception {
        var ks = java.security.KeyStore.getInstance(java.security.KeyStore.getDefaultType());
        ks.load(null, null);
        ks.setCertificateEntry("ca", CertificateAuthority.load(site.site.home().tls().caCert()));
        var tmf = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        var ctx = javax.net.ssl.SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx.getSocketFactory();
    }
}
