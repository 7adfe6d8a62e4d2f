package dev.cusp.group;

import static dev.cusp.group.DocumentFiles.bytes;
import static dev.cusp.group.DocumentFiles.holds;
import static dev.cusp.group.DocumentFiles.upload;
import static dev.cusp.group.GroupSites.admin;
import static dev.cusp.group.GroupSites.awaitConverged;
import static dev.cusp.group.GroupSites.awaitLinks;
import static dev.cusp.group.GroupSites.cli;
import static dev.cusp.group.GroupSites.count;
import static dev.cusp.group.GroupSites.invite;
import static dev.cusp.group.GroupSites.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.support.FaultyProxy;
import dev.cusp.support.GroupChecks;
import dev.cusp.support.TestSite;
import dev.cusp.tenant.TenantService;
import dev.cusp.tls.CertificateAuthority;
import dev.cusp.tls.TlsContexts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
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
 * Document replication on real sites: peers a, b and c in a mesh (c behind a slow link:
 * document.sync.kbps=256), and d, which joins later as a report replica of a. Files are added
 * as an upload adds them (content, then the row); every site ends up holding every file, its
 * bytes hashing to its name, through concurrent uploads, a partition, a read-through, a
 * corruption found by check and mended by repair, and a join. (Read-through's sharing, its caps
 * and ranges: {@link DocumentReadThroughIT}.)
 */
@Tag("slow")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DocumentSyncIT {
    static TestSite a;
    static TestSite b;
    static TestSite c;
    static TestSite d;
    static TenantService.Created t;
    static String db;
    static final Map<String, byte[]> FILES = new ConcurrentHashMap<>();
    static final List<FaultyProxy> PROXIES = new ArrayList<>();
    static final Map<String, String> QUIET = Map.of("document.scrub.kbps", "0");

    @BeforeAll
    static void start() throws Exception {
        ExecutorService ex = Executors.newFixedThreadPool(2);
        Future<TestSite> fa = ex.submit(() -> TestSite.start("docsync-a", with("site.name", "a")));
        Future<TestSite> fb = ex.submit(() -> TestSite.start("docsync-b", with("site.name", "b")));
        a = fa.get();
        b = fb.get();
        Future<TestSite> fc = ex.submit(() -> TestSite.start("docsync-c", with("site.name", "c",
                "document.sync.kbps", "256")));
        assertThat(join(b, invite(a, "peer"), false).path("state").asText()).isEqualTo("succeeded");
        c = fc.get();
        Future<TestSite> fd = ex.submit(() -> TestSite.start("docsync-d", with("site.name", "d")));
        assertThat(join(c, invite(a, "peer"), false).path("state").asText()).isEqualTo("succeeded");
        d = fd.get();
        ex.shutdown();
        awaitLinks(a, 2);
        awaitLinks(b, 2);
        awaitLinks(c, 2);
        t = a.newTenant("docs");
        db = t.tenant().dbName();
        awaitConverged(a, b, c);
    }

    private static Map<String, String> with(String... kv) {
        Map<String, String> m = new java.util.HashMap<>(QUIET);
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    @AfterAll
    static void stop() {
        PROXIES.forEach(FaultyProxy::close);
        GroupSites.closeAll(d, c, b, a);
    }

    static void awaitEverywhere(Duration within, TestSite... sites) {
        await("every file at every site").atMost(within).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            for (TestSite s : sites) {
                for (String sha : FILES.keySet()) {
                    assertThat(holds(s, db, sha)).as(sha + " at " + s.site.group().siteName() + ": "
                            + s.site.documentSync().backlog()).isTrue();
                }
            }
        });
    }

    @Test
    @Order(1)
    void uploadsAtEverySiteAtOnceReachEverySite() throws Exception {
        ExecutorService ex = Executors.newFixedThreadPool(3);
        List<Future<?>> done = new ArrayList<>();
        for (TestSite s : List.of(a, b, c)) {
            done.add(ex.submit(() -> {
                for (int i = 0; i < 4; i++) {
                    byte[] content = bytes(s.site.group().siteName().hashCode() * 100L + i, 20_000 + i * 40_000);
                    FILES.put(upload(s, t, s.site.group().siteName() + i + ".jpg", content).sha(), content);
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        ex.shutdown();
        assertThat(FILES).hasSize(12);
        awaitEverywhere(Duration.ofSeconds(90), a, b, c);
    }

    @Test
    @Order(2)
    void uploadsOnBothSidesOfAPartitionMeetAfterItHeals() throws Exception {
        List<FaultyProxy> cLinks = new ArrayList<>();
        for (TestSite replica : List.of(a, b, c)) {
            for (TestSite source : List.of(a, b, c)) {
                if (replica != source && (replica == c || source == c)) {
                    FaultyProxy p = GroupChecks.routeThroughProxy(replica.site, source.site);
                    PROXIES.add(p);
                    cLinks.add(p);
                }
            }
        }
        // Every link to and from c now runs through a proxy: a row written at c reaches a and b through it.
        FILES.put(upload(c, t, "routed.pdf", bytes(7000, 1000)).sha(), bytes(7000, 1000));
        awaitConverged(a, b, c);
        cLinks.forEach(FaultyProxy::cut);
        byte[] fromA = bytes(7001, 150_000);
        byte[] fromC = bytes(7002, 120_000);
        try {
            String shaA = upload(a, t, "cut-a.pdf", fromA).sha();
            String shaC = upload(c, t, "cut-c.pdf", fromC).sha();
            FILES.put(shaA, fromA);
            FILES.put(shaC, fromC);
            await("b has a's file").atMost(Duration.ofSeconds(30)).until(() -> holds(b, db, shaA));
            await("c cut off from a's row").during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2))
                    .until(() -> !holds(c, db, shaA) && !holds(a, db, shaC));
        } finally {
            cLinks.forEach(FaultyProxy::restore);
        }
        awaitConverged(a, b, c);
        awaitEverywhere(Duration.ofSeconds(90), a, b, c);
    }

    @Test
    @Order(3)
    void aDownloadReadsThroughWhileTheBacklogIsNotEmpty() throws Exception {
        // c fetches at 256 KiB/s: this 2 MB file stays in its backlog for seconds.
        byte[] big = bytes(8001, 2 * 1024 * 1024);
        DocumentFiles.Uploaded up = upload(a, t, "pano.jpg", big);
        String sha = up.sha();
        FILES.put(sha, big);
        await("the row at c").atMost(Duration.ofSeconds(30)).until(() -> count(c, "SELECT COUNT(*) FROM `" + db
                + "`.document WHERE sha256 = '" + sha + "'") == 1);
        await("c sees the file missing").atMost(Duration.ofSeconds(10))
                .until(() -> admin(c, "GET", "/api/v1/admin/documents/sync", null).json().path("files").asLong() >= 1);
        assertThat(holds(c, db, sha)).isFalse();
        HttpResponse<byte[]> read = DocumentFiles.download(c, t, up.id());
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(read.headers().firstValue("ETag")).hasValue("\"" + sha + "\"");
        assertThat(DocumentFiles.sha(read.body())).isEqualTo(sha);
        // Stored on the way: the next read is local. The site renames the stored copy into place
        // after the last byte went out, so the client may finish reading a moment before; the
        // background fetch at 256 KiB/s would need about 8 s, so a copy within 3 s is the read's.
        await("c stores the file it read through").atMost(Duration.ofSeconds(3)).until(() -> holds(c, db, sha));
        awaitEverywhere(Duration.ofSeconds(60), a, b, c);
        JsonNode backlog = admin(c, "GET", "/api/v1/admin/documents/sync", null).json();
        assertThat(backlog.path("files").asLong()).as(backlog.toString()).isZero();
        String metrics = c.call("GET", "/metrics", null, null).body();
        assertThat(metrics).contains("cusp_documents_backlog_files 0.0");
    }

    @Test
    @Order(4)
    void aCorruptFileIsFoundByCheckAndMendedByRepair() throws Exception {
        String sha = FILES.keySet().iterator().next();
        try (FileChannel ch = FileChannel.open(DocumentFiles.store(b, db).path(sha), StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}), 100);
        }
        assertThat(holds(b, db, sha)).isFalse();
        String tenant = t.tenant().name();
        String[] check = cli(a, "check", tenant);
        assertThat(check[0]).as(check[1] + check[2]).isEqualTo("9");
        assertThat(check[1]).contains("file " + sha + " of " + tenant + " at b: corrupt");
        String[] repair = cli(a, "repair", tenant, "--from", "a");
        assertThat(repair[0]).as(repair[1] + repair[2]).isEqualTo("0");
        assertThat(holds(b, db, sha)).isTrue();
        assertThat(cli(a, "check", tenant)[0]).isEqualTo("0");
    }

    @Test
    @Order(5)
    void aMemberCertificateReachesOnlyFilesThatAPracticesRowsName() throws Exception {
        String sha = FILES.keySet().iterator().next();
        byte[] content = FILES.get(sha);
        HttpClient asB = HttpClient.newBuilder().sslContext(TlsContexts.client(b.site.home().tls(),
                CertificateAuthority.load(a.site.home().tls().caCert()), true)).build();
        String base = a.url + "/api/v1/peer/documents/";
        String tenant = t.tenant().name();
        HttpResponse<byte[]> whole = get(asB, base + tenant + "/" + sha, null);
        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(whole.body()).isEqualTo(content);
        HttpResponse<byte[]> rest = get(asB, base + tenant + "/" + sha, "bytes=1000-");
        assertThat(rest.statusCode()).isEqualTo(206);
        assertThat(rest.body()).isEqualTo(Arrays.copyOfRange(content, 1000, content.length));
        // Content that is in a's store but named by no row of that practice.
        byte[] loose = bytes(9001, 5000);
        String looseSha = DocumentFiles.store(a, db).put(new java.io.ByteArrayInputStream(loose), null, 1 << 20)
                .sha256();
        assertThat(get(asB, base + tenant + "/" + looseSha, null).statusCode()).isEqualTo(404);
        // The file of one practice asked for under another practice's name.
        TenantService.Created other = a.newTenant("docsother");
        await().atMost(Duration.ofSeconds(30)).until(() -> count(b, "SELECT COUNT(*) FROM cusp.tenant WHERE name = '"
                + other.tenant().name() + "'") == 1);
        assertThat(get(asB, base + other.tenant().name() + "/" + sha, null).statusCode()).isEqualTo(404);
        // Not a hash, a path, an unknown practice.
        for (String bad : List.of(tenant + "/" + sha.toUpperCase(), tenant + "/..%2F..%2F..%2Fetc%2Fpasswd",
                tenant + "/" + sha.substring(0, 63), "..%2F" + tenant + "/" + sha, "nosuchpractice/" + sha)) {
            HttpResponse<byte[]> r = get(asB, base + bad, null);
            assertThat(r.statusCode()).as(bad).isIn(400, 404);
            assertThat(new String(r.body(), java.nio.charset.StandardCharsets.UTF_8)).as(bad).contains("\"error\"");
        }
        // No certificate: refused before anything is looked up.
        assertThat(a.call("GET", "/api/v1/peer/documents/" + tenant + "/" + sha, null, null).status()).isEqualTo(401);
    }

    /**
     * The stream a new site fetches a practice's folder with: many files in one answer, each
     * framed with its hash and length, in the order asked; what the one-file route would not
     * give (content no row of that practice names, another practice's name) comes as -1.
     */
    @Test
    @Order(5)
    void aMemberCertificateGetsManyFilesInOneStreamButOnlyThoseAPracticesRowsName() throws Exception {
        HttpClient asB = HttpClient.newBuilder().sslContext(TlsContexts.client(b.site.home().tls(),
                CertificateAuthority.load(a.site.home().tls().caCert()), true)).build();
        String tenant = t.tenant().name();
        String url = a.url + "/api/v1/peer/documents/" + tenant + "/stream";
        List<String> asked = new ArrayList<>(FILES.keySet());
        byte[] loose = bytes(9002, 3000);
        String looseSha = DocumentFiles.store(a, db).put(new java.io.ByteArrayInputStream(loose), null, 1 << 20)
                .sha256();
        asked.add(1, looseSha);
        asked.add(asked.get(0));
        HttpResponse<byte[]> r = post(asB, url, hashes(asked));
        assertThat(r.statusCode()).as(new String(r.body(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(200);
        java.io.DataInputStream in = new java.io.DataInputStream(new java.io.ByteArrayInputStream(r.body()));
        for (String sha : asked) {
            String[] header = frameHeader(in);
            assertThat(header[0]).isEqualTo(sha);
            if (sha.equals(looseSha)) {
                assertThat(header[1]).isEqualTo("-1");
                continue;
            }
            byte[] content = new byte[Integer.parseInt(header[1])];
            in.readFully(content);
            assertThat(content).as(sha).isEqualTo(FILES.get(sha));
        }
        assertThat(in.read()).as("nothing after the last frame").isEqualTo(-1);
        // The same hashes under another practice's name: none is given.
        TenantService.Created other = a.newTenant("docsstream");
        HttpResponse<byte[]> cross = post(asB, a.url + "/api/v1/peer/documents/" + other.tenant().name() + "/stream",
                hashes(asked));
        assertThat(cross.statusCode()).isEqualTo(200);
        java.io.DataInputStream none = new java.io.DataInputStream(new java.io.ByteArrayInputStream(cross.body()));
        for (String sha : asked) {
            assertThat(frameHeader(none)).containsExactly(sha, "-1");
        }
        // Not hashes, a path, none, too many, another field, an unknown practice: a 4xx with an error.
        List<String> tooMany = java.util.Collections.nCopies(257, asked.get(0));
        for (String bad : List.of("{\"hashes\": [\"" + asked.get(0).toUpperCase() + "\"]}",
                "{\"hashes\": [\"../../etc/passwd\"]}", "{\"hashes\": []}", "{\"hashes\": \"x\"}",
                hashes(tooMany), "{\"hashes\": [\"" + asked.get(0) + "\"], \"path\": \"/\"}")) {
            HttpResponse<byte[]> refused = post(asB, url, bad);
            assertThat(refused.statusCode()).as(bad).isEqualTo(400);
            assertThat(new String(refused.body(), java.nio.charset.StandardCharsets.UTF_8)).as(bad).contains("\"error\"");
        }
        assertThat(post(asB, a.url + "/api/v1/peer/documents/nosuchpractice/stream", hashes(asked)).statusCode())
                .isEqualTo(404);
        // No certificate: refused before anything is looked up.
        assertThat(a.raw("POST", "/api/v1/peer/documents/" + tenant + "/stream", null, hashes(asked)).status())
                .isEqualTo(401);
    }

    private static String hashes(List<String> shas) {
        return "{\"hashes\": [" + String.join(", ", shas.stream().map(x -> "\"" + x + "\"").toList()) + "]}";
    }

    /** A frame's header line: the hash and the length as sent. */
    private static String[] frameHeader(java.io.DataInputStream in) throws java.io.IOException {
        StringBuilder b = new StringBuilder();
        for (int c; (c = in.read()) != '\n'; ) {
            assertThat(c).as("a header line, not the end of the stream").isNotNegative();
            b.append((char) c);
        }
        return b.toString().split(" ", 2);
    }

    private static HttpResponse<byte[]> post(HttpClient http, String url, String json) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    @Order(6)
    void aJoiningReplicaGetsEveryFileAfterItsSeedWithProgressInTheJob() throws Exception {
        JsonNode job = join(d, invite(a, "replica"), false);
        assertThat(job.path("state").asText()).as(job.toString()).isEqualTo("succeeded");
        assertThat(job.toString()).contains("practice file(s)");
        assertThat(job.at("/result/documents/files_missing").asLong()).as(job.toString()).isZero();
        // Every file the seeded rows name is counted, the last batch's too (it ends after its renames).
        assertThat(job.at("/result/documents/files").asLong()).as(job.toString())
                .isEqualTo(count(d, "SELECT COUNT(DISTINCT sha256) FROM `" + db + "`.document"));
        for (String sha : FILES.keySet()) {
            assertThat(holds(d, db, sha)).as(sha).isTrue();
        }
        // The batch's files were renamed before they were forced to disk: within seconds they are,
        // and no ledger is left for a start to check.
        await("d's fetched files forced to disk").atMost(Duration.ofSeconds(30)).until(() ->
                d.call("GET", "/metrics", null, null).body().contains("cusp_documents_unsettled_files 0.0"));
        try (java.util.stream.Stream<java.nio.file.Path> ledgers = java.nio.file.Files.list(
                d.site.home().documents().resolve(".incoming"))) {
            assertThat(ledgers.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("unsettled-")))
                    .isEmpty();
        }
    }

    private static HttpResponse<byte[]> get(HttpClient http, String url, String range) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).GET();
        if (range != null) {
            r.header("Range", range);
        }
        return http.send(r.build(), HttpResponse.BodyHandlers.ofByteArray());
    }
}
