package dev.cusp.group;

import static dev.cusp.group.DocumentFiles.bytes;
import static dev.cusp.group.DocumentFiles.holds;
import static dev.cusp.group.DocumentFiles.upload;
import static dev.cusp.group.GroupSites.count;
import static dev.cusp.group.GroupSites.invite;
import static dev.cusp.group.GroupSites.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.cusp.docsync.DocumentSync;
import dev.cusp.support.TestSite;
import dev.cusp.tenant.TenantService;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Downloads at a site that does not hold the file yet (read-through), on two real sites: a holds
 * every file, c fetches at 1 KiB/s (document.sync.kbps=1), so each file of these tests stays
 * missing at c and every download of it there reads through from a. Many downloads of one file
 * share one transfer; the per-practice cap counts transfers, not downloads; a range of the end of
 * a large file is asked of a as that range; a transfer whose bytes are wrong fails every download
 * following it.
 */
@Tag("slow")
class DocumentReadThroughIT {
    static TestSite a;
    static TestSite c;
    // Each test its own practice: a transfer a test leaves running (c fetches at 1 KiB/s) holds
    // one of its practice's four read-through places until the site stops.
    TenantService.Created t;
    String db;
    String token;

    @BeforeAll
    static void start() throws Exception {
        a = TestSite.start("through-a", Map.of("site.name", "a", "document.scrub.kbps", "0"));
        c = TestSite.start("through-c", Map.of("site.name", "c", "document.scrub.kbps", "0",
                "document.sync.kbps", "1"));
        assertThat(join(c, invite(a, "peer"), false).path("state").asText()).isEqualTo("succeeded");
        GroupSites.awaitLinks(a, 1);
        GroupSites.awaitLinks(c, 1);
    }

    @BeforeEach
    void practice() throws Exception {
        t = a.newTenant("through");
        db = t.tenant().dbName();
        GroupSites.awaitConverged(a, c);
        token = GroupSites.login(c, t);
    }

    @AfterAll
    static void stop() {
        GroupSites.closeAll(c, a);
    }

    /** Uploads at a and waits for its row at c, where the file stays missing. */
    DocumentFiles.Uploaded missingAtC(String name, byte[] content) throws Exception {
        DocumentFiles.Uploaded up = upload(a, t, name, content);
        await("the row at c").atMost(Duration.ofSeconds(30)).until(() -> count(c, "SELECT COUNT(*) FROM `" + db
                + "`.document WHERE sha256 = '" + up.sha() + "'") == 1);
        assertThat(holds(c, db, up.sha())).isFalse();
        return up;
    }

    @Test
    void manyDownloadsOfOneMissingFileShareOneTransfer() throws Exception {
        byte[] content = bytes(31, 32 * 1024 * 1024);
        DocumentFiles.Uploaded up = missingAtC("ceph.jpg", content);
        long before = c.site.documentSync().readThroughTransfers();
        double[] metricsBefore = {metric(c, "started"), metric(c, "joined"), metric(c, "refused")};
        int readers = DocumentSync.READ_THROUGH_READERS_PER_PRACTICE;
        List<HttpResponse<InputStream>> open = new ArrayList<>();
        try {
            // The first download left unread holds the transfer open (it runs at most a window
            // ahead of its fastest reader), so every other download starts while it is in flight.
            open.add(startDownload(c, up.id(), null));
            HttpResponse<byte[]> part = fetch(c, up.id(), "bytes=1000-1999");
            assertThat(part.statusCode()).isEqualTo(206);
            assertThat(part.headers().firstValue("Content-Range")).hasValue("bytes 1000-1999/" + content.length);
            assertThat(part.body()).isEqualTo(Arrays.copyOfRange(content, 1000, 2000));
            for (int i = 1; i < readers; i++) {
                open.add(startDownload(c, up.id(), null));
            }
            // Past the bound on downloads waiting for other sites: told to come back.
            HttpResponse<InputStream> over = startDownload(c, up.id(), null);
            String body;
            try (InputStream in = over.body()) {
                body = new String(in.readNBytes(4096), StandardCharsets.UTF_8);
            }
            assertThat(over.statusCode()).as(body).isEqualTo(503);
            assertThat(over.headers().firstValue("Retry-After")).hasValue("2");
            for (HttpResponse<InputStream> r : open) {
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.headers().firstValue("ETag")).hasValue("\"" + up.sha() + "\"");
                try (InputStream in = r.body()) {
                    assertThat(DocumentFiles.sha(in.readAllBytes())).isEqualTo(up.sha());
                }
            }
        } finally {
            for (HttpResponse<InputStream> r : open) {
                r.body().close();
            }
        }
        assertThat(c.site.documentSync().readThroughTransfers() - before).as("transfers from a for " + readers
                + " downloads and a range").isEqualTo(1);
        assertThat(holds(c, db, up.sha())).as("stored on the way").isTrue();
        // /metrics counts them: one transfer started, the range and every other download followed
        // it, and the download past the bound was refused.
        assertThat(metric(c, "started") - metricsBefore[0]).isEqualTo(1);
        assertThat(metric(c, "joined") - metricsBefore[1]).isEqualTo(readers);
        assertThat(metric(c, "refused") - metricsBefore[2]).isEqualTo(1);
    }

    /** A read-through counter of {@code s}'s /metrics ({@code cusp_documents_readthrough_<what>_total}). */
    static double metric(TestSite s, String what) {
        String body = s.call("GET", "/metrics", null, null).body();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^cusp_documents_readthrough_" + what
                + "_total(\\{[^}]*\\})? (\\S+)$").matcher(body);
        assertThat(m.find()).as("cusp_documents_readthrough_" + what + "_total in /metrics").isTrue();
        return Double.parseDouble(m.group(2));
    }

    @Test
    void aPracticeGetsAtMostFourTransfersAtOnceThenA503ButMoreDownloadsOfThoseFilesFollowThem() throws Exception {
        int cap = DocumentSync.READ_THROUGHS_PER_PRACTICE;
        List<DocumentFiles.Uploaded> files = new ArrayList<>();
        for (int i = 0; i <= cap; i++) {
            // 32 MB each: more than the transfer's window plus what the sockets of an unread download hold.
            files.add(missingAtC("cbct" + i + ".jpg", bytes(4100 + i, 32 * 1024 * 1024)));
        }
        List<HttpResponse<InputStream>> open = new ArrayList<>();
        try {
            for (int i = 0; i < cap; i++) {
                HttpResponse<InputStream> r = startDownload(c, files.get(i).id(), null);
                open.add(r);
                assertThat(r.statusCode()).as("download " + i).isEqualTo(200);
            }
            // A fifth file: every place is taken by a transfer in flight.
            HttpResponse<InputStream> over = startDownload(c, files.get(cap).id(), null);
            String body;
            try (InputStream in = over.body()) {
                // At most 4 KB: without the cap this is the 32 MB file itself.
                body = new String(in.readNBytes(4096), StandardCharsets.UTF_8);
            }
            assertThat(over.statusCode()).as(body).isEqualTo(503);
            assertThat(over.headers().firstValue("Retry-After")).hasValue("2");
            assertThat(dev.cusp.base.JsonMapping.MAPPER.readTree(body).path("error").path("message").asText())
                    .contains("try again");
            // The same user opening a file already on its way again takes no place: it follows.
            for (int i = 0; i < cap; i++) {
                HttpResponse<InputStream> again = startDownload(c, files.get(i).id(), null);
                open.add(again);
                assertThat(again.statusCode()).as("download " + i + " again").isEqualTo(200);
            }
            // A download that ends gives its place back once its transfer ends (it runs on to store the file).
            open.remove(0).body().close();
            open.remove(cap - 1).body().close();
            await("a place frees once a transfer ends").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500)).until(() -> {
                        HttpResponse<InputStream> r = startDownload(c, files.get(cap).id(), null);
                        open.add(r);
                        return r.statusCode() == 200;
                    });
            await("the file left is stored").atMost(Duration.ofSeconds(60)).until(() -> holds(c, db,
                    files.get(0).sha()));
        } finally {
            for (HttpResponse<InputStream> r : open) {
                r.body().close();
            }
        }
    }

    @Test
    void aRangeOfTheEndOfALargeMissingFileIsAskedOfThePeerAsThatRange() throws Exception {
        byte[] content = bytes(47, 48 * 1024 * 1024);
        DocumentFiles.Uploaded up = missingAtC("pano-end.jpg", content);
        long bytesBefore = c.site.documentSync().backlog().fetchedBytes();
        long before = c.site.documentSync().readThroughTransfers();
        // The second half: 24 MiB, more than the sockets between c and this client hold, so c
        // cannot have sent the range (and started its background fetch of the whole file) until
        // this client reads on.
        int first = content.length / 2;
        HttpResponse<InputStream> r = startDownload(c, up.id(), "bytes=" + first + "-");
        assertThat(r.statusCode()).isEqualTo(206);
        assertThat(r.headers().firstValue("Content-Range")).hasValue("bytes " + first + "-" + (content.length - 1)
                + "/" + content.length);
        assertThat(r.headers().firstValue("ETag")).hasValue("\"" + up.sha() + "\"");
        byte[] body;
        try (InputStream in = r.body()) {
            byte[] start = in.readNBytes(1);
            // The range's first byte is here and c has taken less from a than the bytes before
            // the range: it did not read the file from its start (old: all 24 MiB before it first).
            long fetched = c.site.documentSync().backlog().fetchedBytes() - bytesBefore;
            assertThat(fetched).as("bytes c fetched before the first byte of the second half").isLessThan(first);
            body = java.nio.ByteBuffer.allocate(content.length - first).put(start).put(in.readAllBytes()).array();
        }
        assertThat(body).isEqualTo(Arrays.copyOfRange(content, first, content.length));
        // Then c fetches the whole file into its store (checked), long before replication's 1 KiB/s.
        await("c stores the whole file after the range").atMost(Duration.ofSeconds(60)).until(() -> holds(c, db,
                up.sha()));
        assertThat(c.site.documentSync().readThroughTransfers() - before).as("the range, then the whole file")
                .isEqualTo(2);
        HttpResponse<byte[]> tail = fetch(c, up.id(), "bytes=-10");
        assertThat(tail.statusCode()).isEqualTo(206);
        assertThat(tail.body()).isEqualTo(Arrays.copyOfRange(content, content.length - 10, content.length));
    }

    @Test
    void aTransferWhoseBytesAreWrongFailsEveryDownloadFollowingItAndStoresNothing() throws Exception {
        byte[] content = bytes(53, 32 * 1024 * 1024);
        DocumentFiles.Uploaded up = missingAtC("consent.pdf", content);
        // a's copy goes bad on disk (its scrub is off): a sends the right length, wrong bytes.
        try (FileChannel ch = FileChannel.open(DocumentFiles.store(a, db).path(up.sha()), StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}), 6 * 1024 * 1024);
        }
        long before = c.site.documentSync().readThroughTransfers();
        List<HttpResponse<InputStream>> open = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                open.add(startDownload(c, up.id(), null));
            }
            for (HttpResponse<InputStream> r : open) {
                assertThat(r.statusCode()).isEqualTo(200);
                // The answer is cut off before its last byte: never a whole file of wrong bytes.
                assertThatThrownBy(() -> {
                    try (InputStream in = r.body()) {
                        byte[] got = in.readAllBytes();
                        throw new AssertionError("a download ended cleanly with " + got.length + " bytes hashing to "
                                + DocumentFiles.sha(got));
                    }
                }).isInstanceOf(java.io.IOException.class);
            }
        } finally {
            for (HttpResponse<InputStream> r : open) {
                r.body().close();
            }
        }
        assertThat(c.site.documentSync().readThroughTransfers() - before).isEqualTo(1);
        assertThat(holds(c, db, up.sha())).isFalse();
        assertThat(java.nio.file.Files.exists(DocumentFiles.store(c, db).path(up.sha()))).isFalse();
    }

    /** A download at {@code s} on a connection of its own, answered as soon as its headers are in. */
    HttpResponse<InputStream> startDownload(TestSite s, long id, String range) throws Exception {
        return TestSite.client(s.site.home()).send(request(s, id, range), HttpResponse.BodyHandlers.ofInputStream());
    }

    HttpResponse<byte[]> fetch(TestSite s, long id, String range) throws Exception {
        return TestSite.client(s.site.home()).send(request(s, id, range), HttpResponse.BodyHandlers.ofByteArray());
    }

    private HttpRequest request(TestSite s, long id, String range) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(s.url + "/api/v1/t/" + t.tenant().name()
                        + "/documents/" + id + "/content")).version(HttpClient.Version.HTTP_1_1)
                .timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + token).GET();
        if (range != null) {
            b.header("Range", range);
        }
        return b.build();
    }
}
