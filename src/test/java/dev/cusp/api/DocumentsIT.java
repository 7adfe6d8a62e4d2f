package dev.cusp.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.document.DocumentStore;
import dev.cusp.support.TestSite;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A practice's files through the API, on the real site: uploaded as a stream, stored once by
 * hash, downloaded whole or in ranges with the headers a browser needs to stay safe, found by
 * patient, category and date, moved by a patient merge, and collected once no record wants them.
 */
class DocumentsIT {
    static String sha(byte[] b) {
        return HexFormat.of().formatHex(DocumentStore.sha256().digest(b));
    }

    static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Uploads {@code body} with the query {@code nameValues}; the answer is checked against the document. */
    static TestSite.FileResponse upload(Practice p, String token, byte[] body, String type, String... nameValues) {
        return p.site.file("POST", p.base + "/documents/upload" + Practice.query(nameValues), token, type,
                HttpRequest.BodyPublishers.ofByteArray(body), true);
    }

    static TestSite.FileResponse download(Practice p, long id, String... headers) {
        return p.site.file("GET", p.base + "/documents/" + id + "/content", p.token, null, null, true, headers);
    }

    @Test
    void anUploadIsStoredOnceByHashAndServedWholeOrInRanges() {
        Practice p = new Practice("docs");
        long patient = p.patient("Brown", "Anna");
        // Larger than request.max.bytes (1 MiB): an upload is streamed, not read as a request body.
        byte[] xray = bytes(3 * 1_048_576 + 17, 1);
        TestSite.FileResponse up = upload(p, p.token, xray, "image/jpeg", "patient_id", String.valueOf(patient),
                "file_name", "bitewing left.jpg", "category", "xray", "taken_at", "2026-03-01T09:30:00",
                "sha256", sha(xray));
        assertThat(up.status()).as(new String(up.bytes(), StandardCharsets.UTF_8)).isEqualTo(201);
        JsonNode doc = up.json();
        long id = doc.get("id").asLong();
        assertThat(doc.get("sha256").asText()).isEqualTo(sha(xray));
        assertThat(doc.get("size_bytes").asLong()).isEqualTo(xray.length);
        assertThat(doc.get("mime_type").asText()).isEqualTo("image/jpeg");
        assertThat(doc.get("patient_id").asLong()).isEqualTo(patient);

        // The same bytes again, as another record: a second row, one file.
        TestSite.FileResponse again = upload(p, p.token, xray, "image/jpeg", "patient_id", String.valueOf(patient),
                "file_name", "copy.jpg");
        assertThat(again.status()).isEqualTo(201);
        DocumentStore store = p.site.site.documents().of(p.created.tenant().dbName());
        assertThat(stored(store)).containsExactly(sha(xray));

        TestSite.FileResponse whole = download(p, id);
        assertThat(whole.status()).isEqualTo(200);
        assertThat(whole.bytes()).isEqualTo(xray);
        assertThat(whole.header("ETag")).isEqualTo("\"" + sha(xray) + "\"");
        assertThat(whole.header("Content-Type")).startsWith("image/jpeg");
        assertThat(whole.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(whole.header("Content-Disposition")).startsWith("attachment;").contains("bitewing left.jpg");
        assertThat(whole.header("Content-Security-Policy")).contains("sandbox");
        assertThat(whole.header("Accept-Ranges")).isEqualTo("bytes");

        TestSite.FileResponse part = download(p, id, "Range", "bytes=1000-1999");
        assertThat(part.status()).isEqualTo(206);
        assertThat(part.header("Content-Range")).isEqualTo("bytes 1000-1999/" + xray.length);
        assertThat(part.bytes()).isEqualTo(Arrays.copyOfRange(xray, 1000, 2000));
        TestSite.FileResponse tail = download(p, id, "Range", "bytes=-10");
        assertThat(tail.bytes()).isEqualTo(Arrays.copyOfRange(xray, xray.length - 10, xray.length));
        TestSite.FileResponse past = download(p, id, "Range", "bytes=" + xray.length + "-");
        assertThat(past.status()).isEqualTo(416);
        assertThat(past.header("Content-Range")).isEqualTo("bytes */" + xray.length);
        TestSite.FileResponse stale = download(p, id, "Range", "bytes=0-9", "If-Range", "\"" + "0".repeat(64) + "\"");
        assertThat(stale.status()).as("If-Range with another tag: the whole file").isEqualTo(200);
        assertThat(download(p, id, "If-None-Match", "\"" + sha(xray) + "\"").status()).isEqualTo(304);
    }

    @Test
    void documentsAreFoundByPatientCategoryAndDateAndMoveWithAMerge() {
        Practice p = new Practice("docfind");
        long anna = p.patient("Brown", "Anna");
        long ann = p.patient("Brown", "Ann");
        long x = id(upload(p, p.token, bytes(100, 2), "image/png", "patient_id", "" + anna, "file_name", "a.png",
                "category", "xray", "taken_at", "2026-01-10T08:00:00"));
        long y = id(upload(p, p.token, bytes(100, 3), "application/pdf", "patient_id", "" + anna, "file_name",
                "referral.pdf", "category", "letter", "taken_at", "2026-02-10T08:00:00"));
        long z = id(upload(p, p.token, bytes(100, 4), "image/png", "patient_id", "" + ann, "file_name", "b.png",
                "category", "xray", "taken_at", "2026-03-10T08:00:00"));
        assertThat(search(p, "patient_id", "" + anna)).containsExactly(x, y);
        assertThat(search(p, "category", "xray")).containsExactly(x, z);
        assertThat(search(p, "taken_from", "2026-02-01", "taken_to", "2026-03-10T08:00:00")).containsExactly(y);
        assertThat(search(p, "category", "xray", "taken_from", "2026-03-01")).containsExactly(z);

        TestSite.Response merged = p.post("/patients/merge", Map.of("from", ann, "into", anna));
        assertThat(merged.status()).as(merged.body()).isEqualTo(200);
        assertThat(search(p, "patient_id", "" + anna)).containsExactly(x, y, z);
        assertThat(download(p, z).status()).isEqualTo(200);
    }

    @Test
    void aDeletedDocumentsContentIsCollectedOnceNoRecordWantsIt() throws Exception {
        Practice p = new Practice("docgc");
        long patient = p.patient("Gray", "Otto");
        byte[] a = bytes(5000, 5);
        long first = id(upload(p, p.token, a, "image/png", "patient_id", "" + patient, "file_name", "a.png"));
        long second = id(upload(p, p.token, a, "image/png", "patient_id", "" + patient, "file_name", "a2.png"));
        DocumentStore store = p.site.site.documents().of(p.created.tenant().dbName());
        var collection = p.site.site.documentCollection();
        var tenant = p.site.site.tenants().registry().require(p.name);

        assertThat(p.delete("/documents/" + first).status()).isEqualTo(204);
        collection.pass(tenant, Duration.ZERO);
        assertThat(stored(store)).as("another record still wants it").containsExactly(sha(a));

        assertThat(p.delete("/documents/" + second).status()).isEqualTo(204);
        var pass = collection.pass(tenant, Duration.ofHours(1));
        assertThat(pass.waiting()).as("within the grace period").isEqualTo(1);
        assertThat(stored(store)).containsExactly(sha(a));
        collection.pass(tenant, Duration.ZERO);
        assertThat(stored(store)).isEmpty();
    }

    @Test
    void aBackupCarriesTheFilesWithAManifestOfTheirHashes() throws Exception {
        Practice p = new Practice("docbak");
        long patient = p.patient("Stone", "Ada");
        byte[] a = bytes(70_000, 21);
        byte[] b = bytes(90_000, 22);
        DocumentsIT.id(upload(p, p.token, a, "image/png", "patient_id", "" + patient, "file_name", "a.png"));
        DocumentsIT.id(upload(p, p.token, a, "image/png", "patient_id", "" + patient, "file_name", "a-again.png"));
        long gone = DocumentsIT.id(upload(p, p.token, b, "image/png", "patient_id", "" + patient, "file_name", "b.png"));
        assertThat(p.delete("/documents/" + gone).status()).isEqualTo(204);
        String cli = Files.readString(p.site.site.home().cliToken()).trim();
        for (Map<String, Object> body : java.util.List.<Map<String, Object>>of(Map.of(), Map.of("to_file", true))) {
            TestSite.Response r = p.site.call("POST", "/api/v1/admin/tenants/" + p.name + "/backup", cli, body);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            Path docs = Path.of(r.json().get("documents").asText());
            java.util.List<String> manifest = Files.readAllLines(docs.resolve("manifest.sha256"));
            assertThat(manifest).as("what the records refer to, once").containsExactly(sha(a) + "  sha256/"
                    + sha(a).substring(0, 2) + "/" + sha(a));
            assertThat(sha(Files.readAllBytes(docs.resolve("sha256").resolve(sha(a).substring(0, 2))
                    .resolve(sha(a))))).isEqualTo(sha(a));
        }
    }

    static java.util.List<String> stored(DocumentStore store) {
        try {
            return store.hashes();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static long id(TestSite.FileResponse r) {
        assertThat(r.status()).as(new String(r.bytes(), StandardCharsets.UTF_8)).isEqualTo(201);
        return r.json().get("id").asLong();
    }

    static java.util.List<Long> search(Practice p, String... nameValues) {
        TestSite.Response r = p.get("/documents/search" + Practice.query(nameValues));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        java.util.List<Long> ids = new java.util.ArrayList<>();
        r.json().get("items").forEach(n -> ids.add(n.get("id").asLong()));
        return ids;
    }

    static boolean nothingPartial(DocumentStore store) throws java.io.IOException {
        try (var s = Files.list(store.folder().resolve("tmp"))) {
            return s.findAny().isEmpty();
        }
    }

    static Path folder(Practice p) {
        return p.site.site.documents().of(p.created.tenant().dbName()).folder();
    }
}
