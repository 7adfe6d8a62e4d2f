package dev.cusp.api;

import static dev.cusp.api.DocumentsIT.bytes;
import static dev.cusp.api.DocumentsIT.sha;
import static dev.cusp.api.DocumentsIT.stored;
import static dev.cusp.api.DocumentsIT.upload;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cusp.document.DocumentStore;
import dev.cusp.support.TestSite;
import dev.cusp.tls.CertificateAuthority;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

/**
 * What the document routes refuse, and that a refused upload keeps nothing: no record, no file,
 * no partial file. Another practice's token, another practice's document ids and file names
 * that try to be paths get nothing; oversize, empty, mismatched, unknown-patient, short and
 * abandoned uploads get a clear 4xx (or, once the body is cut, a closed connection).
 */
class DocumentRefusalsIT {

    @Test
    void anotherPracticeGetsNothing() {
        Practice a = new Practice("docisoa");
        Practice b = new Practice("docisob");
        long annA = a.patient("Secret", "Anna");
        byte[] secret = "x-ray of Anna".getBytes(StandardCharsets.UTF_8);
        long docA = DocumentsIT.id(upload(a, a.token, secret, "image/jpeg", "patient_id", "" + annA, "file_name",
                "anna.jpg"));
        // B's token on A's routes: 403, nothing read, nothing stored.
        assertThat(a.site.file("GET", a.base + "/documents/" + docA + "/content", b.token, null, null, true).status())
                .isEqualTo(403);
        assertThat(a.site.call("GET", a.base + "/documents/search", b.token, null).status()).isEqualTo(403);
        TestSite.FileResponse up = a.site.file("POST", a.base + "/documents/upload?file_name=x.jpg&patient_id=" + annA,
                b.token, "image/jpeg", HttpRequest.BodyPublishers.ofByteArray(bytes(10, 1)), true);
        assertThat(up.status()).isEqualTo(403);
        // A's document id asked of B's practice, with B's own token: B has no such document.
        TestSite.FileResponse cross = b.site.file("GET", b.base + "/documents/" + docA + "/content", b.token, null,
                null, true);
        assertThat(cross.status()).isEqualTo(404);
        assertThat(new String(cross.bytes(), StandardCharsets.UTF_8)).doesNotContain("x-ray of Anna");
        // B's patient id is not A's: B cannot file a document under it either.
        assertThat(upload(b, b.token, bytes(10, 2), "image/jpeg", "patient_id", "" + (annA + 1000),
                "file_name", "x.jpg").status()).isEqualTo(400);
        assertThat(stored(store(b))).isEmpty();
        assertThat(Files.exists(DocumentsIT.folder(b).resolve("sha256"))).isTrue();
    }

    @Test
    void fileNamesAreDataNeverPaths() throws Exception {
        Practice p = new Practice("docnames");
        Path home = p.site.site.home().dir();
        for (String name : List.of("../../../../etc/passwd", "/etc/cron.d/evil", "..\\..\\boot.ini", "a/../../b.jpg",
                "\u202Egpj.exe", "x".repeat(255))) {
            byte[] body = (name + "!").getBytes(StandardCharsets.UTF_8);
            long id = DocumentsIT.id(upload(p, p.token, body, "text/html", "file_name", name));
            TestSite.FileResponse d = DocumentsIT.download(p, id);
            assertThat(d.bytes()).isEqualTo(body);
            String disposition = d.header("Content-Disposition");
            assertThat(disposition).startsWith("attachment; filename=\"").doesNotContain("/").doesNotContain("\\\\")
                    .doesNotContain("..");
            assertThat(d.header("Content-Security-Policy")).contains("sandbox");
            assertThat(p.read("documents", id).get("file_name").asText()).as("kept as given").isEqualTo(name);
        }
        // Every file the practice has is a hash under its own folder; nothing was written elsewhere.
        try (Stream<Path> s = Files.walk(DocumentsIT.folder(p))) {
            assertThat(s.filter(Files::isRegularFile).map(f -> f.getFileName().toString()))
                    .allMatch(n -> n.matches("[0-9a-f]{64}"));
        }
        assertThat(Files.exists(home.resolve("etc"))).isFalse();
        for (String bad : List.of("a\u0000b.jpg", "y".repeat(256), " ")) {
            TestSite.FileResponse r = p.site.file("POST", p.base + "/documents/upload" + Practice.query("file_name",
                    bad), p.token, "image/jpeg", HttpRequest.BodyPublishers.ofByteArray(bytes(10, 3)), false);
            assertThat(r.status()).as(bad).isEqualTo(400);
            assertThat(r.json().at("/error/field").asText()).isEqualTo("file_name");
        }
    }

    @Test
    void refusedUploadsKeepNothing() throws Exception {
        Practice p = new Practice("docbad");
        long patient = p.patient("Gray", "Otto");
        DocumentStore store = store(p);
        byte[] good = bytes(200_000, 9);
        String q = Practice.query("patient_id", "" + patient, "file_name", "x.jpg");

        assertRefused(p, upload(p, p.token, new byte[0], "image/jpeg", "patient_id", "" + patient, "file_name",
                "empty.jpg"), 400, "file");
        assertRefused(p, upload(p, p.token, good, "image/jpeg", "patient_id", "" + patient, "file_name", "x.jpg",
                "sha256", sha(bytes(200_000, 10))), 400, "sha256");
        assertRefused(p, upload(p, p.token, good, "image/jpeg", "patient_id", "999999", "file_name", "x.jpg"), 400,
                "patient_id");
        assertRefused(p, p.site.file("POST", p.base + "/documents/upload" + q + "&sha256=ABC", p.token, "image/jpeg",
                HttpRequest.BodyPublishers.ofByteArray(good), false), 400, "sha256");

        // Larger than document.max.mb (512 MiB), declared: refused before a byte is read.
        String oversize = rawUpload(p, q, 600L * 1_048_576, 0, true);
        assertThat(oversize).startsWith("HTTP/1.1 413");
        // A body shorter than its Content-Length, then the client stops sending (and closes).
        String shorter = rawUpload(p, q, 300_000, 150_000, false);
        assertThat(shorter).as("no success for a cut-off body").doesNotStartWith("HTTP/1.1 201");
        // A client that goes away half-way through a chunked upload.
        rawChunkedThenGone(p, q, 100_000);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(stored(store)).isEmpty();
            assertThat(DocumentsIT.nothingPartial(store)).isTrue();
        });
        assertThat(p.count("document", null)).isZero();
    }

    private static void assertRefused(Practice p, TestSite.FileResponse r, int status, String field) {
        assertThat(r.status()).as(new String(r.bytes(), StandardCharsets.UTF_8)).isEqualTo(status);
        assertThat(r.json().at("/error/field").asText()).isEqualTo(field);
        assertThat(new String(r.bytes(), StandardCharsets.UTF_8)).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(p.count("document", null)).isZero();
    }

    static DocumentStore store(Practice p) {
        return p.site.site.documents().of(p.created.tenant().dbName());
    }

    /**
     * Sends an upload by hand: headers declaring {@code declared} bytes, then {@code sent} bytes,
     * then (unless {@code waitForAnswer}) half-closes; returns the status line, or "" when the
     * server closed the connection without one.
     */
    private static String rawUpload(Practice p, String query, long declared, int sent, boolean waitForAnswer)
            throws Exception {
        try (SSLSocket s = open(p.site)) {
            OutputStream out = s.getOutputStream();
            out.write(("POST " + p.base + "/documents/upload" + query + " HTTP/1.1\r\nHost: localhost\r\n"
                    + "Authorization: Bearer " + p.token + "\r\nContent-Type: image/jpeg\r\nContent-Length: " + declared
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(bytes(sent, 11));
            out.flush();
            if (!waitForAnswer) {
                s.shutdownOutput();
            }
            return statusLine(s.getInputStream());
        } catch (java.io.IOException closed) {
            return "";
        }
    }

    private static void rawChunkedThenGone(Practice p, String query, int sent) throws Exception {
        SSLSocket s = open(p.site);
        OutputStream out = s.getOutputStream();
        out.write(("POST " + p.base + "/documents/upload" + query + " HTTP/1.1\r\nHost: localhost\r\n"
                + "Authorization: Bearer " + p.token + "\r\nContent-Type: image/jpeg\r\nTransfer-Encoding: chunked"
                + "\r\n\r\n" + Integer.toHexString(sent) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(bytes(sent, 12));
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        s.close();
    }

    private static String statusLine(InputStream in) throws java.io.IOException {
        StringBuilder b = new StringBuilder();
        for (int c; (c = in.read()) != -1 && c != '\r'; ) {
            b.append((char) c);
        }
        return b.toString();
    }

    private static SSLSocket open(TestSite site) throws Exception {
        var ks = java.security.KeyStore.getInstance(java.security.KeyStore.getDefaultType());
        ks.load(null, null);
        ks.setCertificateEntry("ca", CertificateAuthority.load(site.site.home().tls().caCert()));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", site.site.port());
        s.setSoTimeout(60_000);
        s.startHandshake();
        return s;
    }
}
