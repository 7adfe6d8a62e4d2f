package dev.cusp.group;

import dev.cusp.document.DocumentStore;
import dev.cusp.document.DocumentStores;
import dev.cusp.support.TestSite;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.tenant.TenantService;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Random;

/**
 * What the document replication tests do to a site's files: upload and download through the
 * practice API, and look at what a site's store holds.
 */
final class DocumentFiles {
    private DocumentFiles() {
    }

    /** Random bytes of {@code size}, reproducible from {@code seed}. */
    static byte[] bytes(long seed, int size) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    static String sha(byte[] b) {
        return HexFormat.of().formatHex(DocumentStore.sha256().digest(b));
    }

    static DocumentStore store(TestSite s, String db) {
        return new DocumentStores(s.site.home().documents()).of(db);
    }

    /** A document as the upload answered it. */
    record Uploaded(long id, String sha) {
    }

    private static final java.util.Map<String, String> TOKENS = new java.util.concurrent.ConcurrentHashMap<>();

    private static String token(TestSite s, TenantService.Created t) {
        return TOKENS.computeIfAbsent(s.url + "/" + t.tenant().name(), k -> GroupSites.login(s, t));
    }

    /** Uploads {@code content} at {@code s} through the practice API (its row is written there and replicates). */
    static Uploaded upload(TestSite s, TenantService.Created t, String name, byte[] content) throws Exception {
        HttpResponse<String> r = s.http.send(HttpRequest.newBuilder(URI.create(s.url + "/api/v1/t/"
                        + t.tenant().name() + "/documents/upload?file_name=" + name)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + token(s, t)).header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(content)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        JsonNode row = dev.cusp.base.JsonMapping.MAPPER.readTree(r.body());
        assertThat(row.path("sha256").asText()).isEqualTo(sha(content));
        return new Uploaded(row.path("id").asLong(), row.path("sha256").asText());
    }

    /** Downloads a document's content at {@code s}. */
    static HttpResponse<byte[]> download(TestSite s, TenantService.Created t, long id) throws Exception {
        return s.http.send(HttpRequest.newBuilder(URI.create(s.url + "/api/v1/t/" + t.tenant().name() + "/documents/"
                        + id + "/content")).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + token(s, t)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** True when {@code s} holds the file and its bytes hash to its name. */
    static boolean holds(TestSite s, String db, String sha) throws Exception {
        Path f = store(s, db).path(sha);
        if (!Files.isRegularFile(f)) {
            return false;
        }
        try (InputStream in = Files.newInputStream(f)) {
            java.security.MessageDigest d = DocumentStore.sha256();
            byte[] buf = new byte[65536];
            for (int n; (n = in.read(buf)) > 0; ) {
                d.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(d.digest()).equals(sha);
        }
    }
}
