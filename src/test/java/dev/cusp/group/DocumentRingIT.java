package dev.cusp.group;

import static dev.cusp.group.DocumentFiles.bytes;
import static dev.cusp.group.DocumentFiles.holds;
import static dev.cusp.group.DocumentFiles.upload;
import static dev.cusp.group.GroupSites.admin;
import static dev.cusp.group.GroupSites.awaitAlert;
import static dev.cusp.group.GroupSites.awaitCleared;
import static dev.cusp.group.GroupSites.awaitConverged;
import static dev.cusp.group.GroupSites.awaitLinks;
import static dev.cusp.group.GroupSites.awaitSources;
import static dev.cusp.group.GroupSites.cli;
import static dev.cusp.group.GroupSites.count;
import static dev.cusp.group.GroupSites.invite;
import static dev.cusp.group.GroupSites.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.docsync.ThroughStream;
import dev.cusp.support.TestSite;
import dev.cusp.tenant.TenantService;
import dev.cusp.tls.CertificateAuthority;
import dev.cusp.tls.TlsContexts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
 * Document replication in a ring a -> b -> c -> a (b replicates from a, c from b, a from c),
 * with real sites and files. b fetches at {@value #SLOW_KIBPS} KiB/s, so a large file stays in
 * its backlog for a minute: meanwhile c, which cannot reach a over HTTPS, gets it through b (b
 * reads it through from a and stores it on the way), a ranged download at b is answered 206 by
 * reading through, and b's DOCUMENT_BACKLOG alert (document.backlog.alert.minutes=0) is raised
 * and then cleared. a scrubs its files every second: a file corrupted on its disk is found,
 * set aside, counted in /metrics and fetched again.
 */
@Tag("slow")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DocumentRingIT {
    static final int SLOW_KIBPS = 32;
    /** At {@value #SLOW_KIBPS} KiB/s, b's own transfer of this needs 64 s. */
    static final int BIG = 2 * 1024 * 1024;
    static TestSite a;
    static TestSite b;
    static TestSite c;
    static TenantService.Created t;
    static String db;
    static final Map<String, byte[]> FILES = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        ExecutorService ex = Executors.newFixedThreadPool(3);
        Future<TestSite> fa = ex.submit(() -> TestSite.start("docring-a", Map.of("site.name", "a",
                "document.scrub.kbps", "50000", "document.scrub.pause.seconds", "1")));
        Future<TestSite> fb = ex.submit(() -> TestSite.start("docring-b", Map.of("site.name", "b",
                "document.scrub.kbps", "0", "document.sync.kbps", Integer.toString(SLOW_KIBPS),
                "document.backlog.alert.minutes", "0")));
        Future<TestSite> fc = ex.submit(() -> TestSite.start("docring-c", Map.of("site.name", "c",
                "document.scrub.kbps", "0")));
        a = fa.get();
        b = fb.get();
        c = fc.get();
        ex.shutdown();
        assertThat(join(b, invite(a, "peer"), false).path("state").asText()).isEqualTo("succeeded");
        assertThat(join(c, invite(a, "peer"), false).path("state").asText()).isEqualTo("succeeded");
        awaitLinks(a, 2);
        String[] ring = cli(a, "site", "topology", "ring");
        assertThat(ring[0]).as(ring[1] + ring[2]).isEqualTo("0");
        awaitSources(a, "c");
        awaitSources(b, "a");
        awaitSources(c, "b");
        t = a.newTenant("docring");
        db = t.tenant().dbName();
        awaitConverged(a, b, c);
    }

    @AfterAll
    static void stop() {
        GroupSites.closeAll(c, b, a);
    }

    static void awaitEverywhere(Duration within) {
        await("every file at every site").atMost(within).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            for (TestSite s : List.of(a, b, c)) {
                for (String sha : FILES.keySet()) {
                    assertThat(holds(s, db, sha)).as(sha + " at " + s.site.group().siteName() + ": "
                            + s.site.documentSync().backlog()).isTrue();
                }
            }
        });
    }

    @Test
    @Order(1)
    void uploadsAtEveryRingSiteReachEverySite() throws Exception {
        ExecutorService ex = Executors.newFixedThreadPool(3);
        List<Future<?>> done = new ArrayList<>();
        for (TestSite s : List.of(a, b, c)) {
            done.add(ex.submit(() -> {
                for (int i = 0; i < 3; i++) {
                    byte[] content = bytes(s.site.group().siteName().hashCode() * 10L + i, 5_000 + i * 20_000);
                    FILES.put(upload(s, t, s.site.group().siteName() + i + ".jpg", content).sha(), content);
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        ex.shutdown();
        assertThat(FILES).hasSize(9);
        awaitConverged(a, b, c);
        awaitEverywhere(Duration.ofSeconds(120));
    }

    @Test
    @Order(2)
    void aRingSiteReadsThroughItsUpstreamWhileTheUpstreamIsStillFetching() throws Exception {
        String aUrl = GroupSites.text(c, "SELECT url FROM cusp.site WHERE name = 'a'");
        // c can no longer reach a over HTTPS (its record of a's address now points at a closed
        // port); its rows still come through b, its ring upstream.
        setUrlAtC("a", "https://127.0.0.1:1");
        try {
            byte[] big = bytes(2001, BIG);
            String sha = upload(a, t, "ring-pano.jpg", big).sha();
            FILES.put(sha, big);
            // b's own transfer of it, at 32 KiB/s, would need 64 s; c asks b (its upstream) and b,
            // lacking it, reads it through from a. Both hold it long before b's transfer could end.
            await("c holds the file, through b").atMost(Duration.ofSeconds(40)).until(() -> holds(c, db, sha));
            await("b stored it on the way").atMost(Duration.ofSeconds(5)).until(() -> holds(b, db, sha));
        } finally {
            setUrlAtC("a", aUrl);
        }
    }

    @Test
    @Order(3)
    void aReadThroughHopGoesNoFurtherAndReachesOnlyThePracticesOwnFiles() throws Exception {
        // A file only a holds for a while: b fetches it slowly, c has not got it yet.
        byte[] big = bytes(3001, BIG);
        String sha = upload(a, t, "hop.jpg", big).sha();
        FILES.put(sha, big);
        TenantService.Created other = a.newTenant("docring2");
        byte[] theirs = bytes(3002, 40_000);
        String theirSha = upload(a, other, "theirs.jpg", theirs).sha();
        awaitConverged(a, b, c);
        String tenant = t.tenant().name();
        // As c (its certificate), at b, which lacks both files.
        HttpClient asC = HttpClient.newBuilder().sslContext(TlsContexts.client(c.site.home().tls(),
                CertificateAuthority.load(b.site.home().tls().caCert()), true)).build();
        String base = b.url + "/api/v1/peer/documents/";
        assertThat(holds(b, db, sha)).isFalse();
        // Marked as a read-through already: b answers from its own store only.
        HttpResponse<byte[]> hop = get(asC, base + tenant + "/" + sha, null, true);
        assertThat(hop.statusCode()).isEqualTo(404);
        assertThat(holds(b, db, sha)).isFalse();
        // Another practice's file asked for under this practice's name: no row of this practice
        // names it, so b reads nothing through (and stores nothing) for it.
        assertThat(get(asC, base + tenant + "/" + theirSha, null, false).statusCode()).isEqualTo(404);
        assertThat(holds(b, db, theirSha)).isFalse();
        // A resumed fetch through b: the rest from byte 1000, read through from a.
        HttpResponse<byte[]> rest = get(asC, base + tenant + "/" + sha, "bytes=1000-", false);
        assertThat(rest.statusCode()).isEqualTo(206);
        assertThat(rest.headers().firstValue("Content-Range")).hasValue("bytes 1000-" + (BIG - 1) + "/" + BIG);
        assertThat(rest.body()).isEqualTo(Arrays.copyOfRange(big, 1000, BIG));
        await("b stored the file it read through").atMost(Duration.ofSeconds(5)).until(() -> holds(b, db, sha));
        awaitEverywhere(Duration.ofSeconds(120));
        await().atMost(Duration.ofSeconds(120)).until(() -> holds(b, other.tenant().dbName(), theirSha)
                && holds(c, other.tenant().dbName(), theirSha));
    }

    @Test
    @Order(4)
    void theBacklogAlertRisesAndARangedDownloadReadsThroughThenItClears() throws Exception {
        awaitCleared(b, "DOCUMENT_BACKLOG", Duration.ofSeconds(30));
        byte[] big = bytes(4001, BIG);
        DocumentFiles.Uploaded up = upload(a, t, "xray.jpg", big);
        String sha = up.sha();
        FILES.put(sha, big);
        await("the row at b").atMost(Duration.ofSeconds(30)).until(() -> count(b, "SELECT COUNT(*) FROM `" + db
                + "`.document WHERE sha256 = '" + sha + "'") == 1);
        JsonNode raised = awaitAlert(b, "DOCUMENT_BACKLOG", Duration.ofSeconds(30));
        assertThat(raised.toString()).contains("document.backlog.alert.minutes=0");
        String metrics = b.call("GET", "/metrics", null, null).body();
        assertThat(metrics).contains("cusp_documents_backlog_files 1.0");
        assertThat(metrics).containsPattern("cusp_site_fault\\{[^}]*DOCUMENT_BACKLOG[^}]*\\} 1.0");
        JsonNode group = admin(b, "GET", "/api/v1/admin/documents/sync", null).json();
        assertThat(group.path("files").asLong()).as(group.toString()).isEqualTo(1);

        // A ranged download at b, which lacks the file: past its end a 416, as for a local file;
        // else 206 with exactly the range, read through.
        assertThat(holds(b, db, sha)).isFalse();
        HttpResponse<byte[]> past = ranged(b, up.id(), "bytes=" + BIG + "-");
        assertThat(past.statusCode()).isEqualTo(416);
        assertThat(past.headers().firstValue("Content-Range")).hasValue("bytes */" + BIG);
        HttpResponse<byte[]> part = ranged(b, up.id(), "bytes=100000-100999");
        assertThat(part.statusCode()).isEqualTo(206);
        assertThat(part.headers().firstValue("Content-Range")).hasValue("bytes 100000-100999/" + BIG);
        assertThat(part.headers().firstValue("ETag")).hasValue("\"" + sha + "\"");
        assertThat(part.body()).isEqualTo(Arrays.copyOfRange(big, 100000, 101000));
        // The rest was read on into the store: the file is whole at b long before its 64 s transfer.
        await("b stores the file it read through").atMost(Duration.ofSeconds(15)).until(() -> holds(b, db, sha));
        // Now local: the same range, and a suffix range, from b's own store.
        HttpResponse<byte[]> again = ranged(b, up.id(), "bytes=100000-100999");
        assertThat(again.statusCode()).isEqualTo(206);
        assertThat(again.body()).isEqualTo(part.body());
        HttpResponse<byte[]> tail = ranged(b, up.id(), "bytes=-10");
        assertThat(tail.statusCode()).isEqualTo(206);
        assertThat(tail.headers().firstValue("Content-Range")).hasValue("bytes " + (BIG - 10) + "-" + (BIG - 1) + "/"
                + BIG);
        assertThat(tail.body()).isEqualTo(Arrays.copyOfRange(big, BIG - 10, BIG));

        awaitCleared(b, "DOCUMENT_BACKLOG", Duration.ofSeconds(30));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(b.call("GET", "/metrics", null, null)
                .body()).contains("cusp_documents_backlog_files 0.0")
                .doesNotContainPattern("cusp_site_fault\\{[^}]*DOCUMENT_BACKLOG[^}]*\\} 1.0"));
        awaitEverywhere(Duration.ofSeconds(120));
    }

    @Test
    @Order(5)
    void theScrubFindsAFileCorruptedOnDiskAndFetchesItAgain() throws Exception {
        String sha = FILES.keySet().stream().filter(s -> FILES.get(s).length < BIG).findFirst().orElseThrow();
        assertThat(b.call("GET", "/metrics", null, null).body()).contains("cusp_documents_scrub_corrupt_total 0.0");
        // Bit rot at a: eight bytes changed in place, name and size as they were.
        try (FileChannel ch = FileChannel.open(DocumentFiles.store(a, db).path(sha), StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}), 100);
        }
        await("a's scrub finds it").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> assertThat(a.call("GET", "/metrics", null, null).body())
                        .contains("cusp_documents_scrub_corrupt_total 1.0"));
        await("a fetches a good copy again").atMost(Duration.ofSeconds(30)).until(() -> holds(a, db, sha));
        // The bad copy is kept aside for inspection, outside the practice's folder.
        try (var aside = Files.list(a.site.home().documents().resolve(".corrupt").resolve(db))) {
            assertThat(aside.map(p -> p.getFileName().toString()).toList()).anyMatch(n -> n.startsWith(sha + "-"));
        }
        assertThat(a.call("GET", "/metrics", null, null).body()).contains("cusp_documents_scrub_corrupt_total 1.0");
    }

    @Test
    @Order(6)
    void aReadThroughForAPeerWhoseUpstreamBreaksIsCutOffAfterOnlyTheFilesBytes() throws Exception {
        // More than a read-through's window ahead of its reader plus what the sockets hold: b's
        // transfer from a is still under way when the link to a breaks.
        byte[] big = bytes(6001, 32 * 1024 * 1024);
        DocumentFiles.Uploaded up = upload(a, t, "cut-through.jpg", big);
        await("the row at b").atMost(Duration.ofSeconds(30)).until(() -> count(b, "SELECT COUNT(*) FROM `" + db
                + "`.document WHERE sha256 = '" + up.sha() + "'") == 1);
        assertThat(holds(b, db, up.sha())).isFalse();
        String aUrl = GroupSites.text(b, "SELECT url FROM cusp.site WHERE name = 'a'");
        URI u = URI.create(aUrl);
        HttpClient asC = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(TlsContexts.client(
                c.site.home().tls(), CertificateAuthority.load(b.site.home().tls().caCert()), true)).build();
        java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
        // b reaches a through a link the test can break.
        try (dev.cusp.support.FaultyProxy link = new dev.cusp.support.FaultyProxy(u.getPort())) {
            setUrl(b, "a", u.getScheme() + "://" + u.getHost() + ":" + link.port());
            HttpResponse<java.io.InputStream> r = asC.send(HttpRequest.newBuilder(URI.create(b.url
                    + "/api/v1/peer/documents/" + t.tenant().name() + "/" + up.sha())).timeout(Duration.ofSeconds(60))
                    .GET().build(), HttpResponse.BodyHandlers.ofInputStream());
            assertThat(r.statusCode()).isEqualTo(200);
            try (java.io.InputStream in = r.body()) {
                got.write(in.readNBytes(64 * 1024));
                link.cut();
                assertThatThrownBy(() -> {
                    byte[] buf = new byte[65536];
                    for (int n; (n = in.read(buf)) >= 0; ) {
                        got.write(buf, 0, n);
                    }
                    throw new AssertionError("the answer ended cleanly after " + got.size() + " bytes");
                }).isInstanceOf(java.io.IOException.class);
            }
        } finally {
            setUrl(b, "a", aUrl);
        }
        // Old: the file's first bytes, then an error's JSON where the rest of the file belongs.
        byte[] received = got.toByteArray();
        assertThat(received.length).isLessThan(big.length);
        assertThat(Arrays.equals(received, Arrays.copyOf(big, received.length))).as("every byte received is the"
                + " file's (" + received.length + " bytes; tail '" + new String(received, Math.max(0, received.length
                - 100), Math.min(100, received.length), java.nio.charset.StandardCharsets.ISO_8859_1) + "')").isTrue();
    }

    /** Points {@code s}'s record of a member's HTTPS address elsewhere, at {@code s} only (not binary-logged). */
    private static void setUrl(TestSite s, String member, String url) throws Exception {
        try (Connection conn = s.site.node().adminConnection(); Statement st = conn.createStatement()) {
            st.execute("SET SESSION sql_log_bin = 0");
            st.execute("UPDATE cusp.site SET url = '" + url + "' WHERE name = '" + member + "'");
        }
    }

    /** Points c's record of a member's HTTPS address elsewhere, at c only (not written to its binary log). */
    private static void setUrlAtC(String member, String url) throws Exception {
        try (Connection conn = c.site.node().adminConnection(); Statement st = conn.createStatement()) {
            st.execute("SET SESSION sql_log_bin = 0");
            st.execute("UPDATE cusp.site SET url = '" + url + "' WHERE name = '" + member + "'");
        }
    }

    private static HttpResponse<byte[]> ranged(TestSite s, long id, String range) throws Exception {
        return s.http.send(HttpRequest.newBuilder(URI.create(s.url + "/api/v1/t/" + t.tenant().name() + "/documents/"
                        + id + "/content")).timeout(Duration.ofSeconds(60)).header("Range", range)
                .header("Authorization", "Bearer " + GroupSites.login(s, t)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private static HttpResponse<byte[]> get(HttpClient http, String url, String range, boolean hop) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET();
        if (range != null) {
            r.header("Range", range);
        }
        if (hop) {
            r.header(ThroughStream.HOP, "1");
        }
        return http.send(r.build(), HttpResponse.BodyHandlers.ofByteArray());
    }
}
