package dev.cusp.group;

import static dev.cusp.group.DocumentFiles.bytes;
import static dev.cusp.group.GroupSites.invite;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.Cusp;
import dev.cusp.base.JsonMapping;
import dev.cusp.document.DocumentStore;
import dev.cusp.site.SiteHome;
import dev.cusp.support.TestSite;
import dev.cusp.tenant.TenantService;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * kill -9 of a whole site (its own process, started by 'cusp up --detach') in the middle of a
 * large transfer: the file is never visible under its name until it is whole and right, and
 * after the restart the transfer goes on from where it was cut instead of starting over.
 */
@Tag("slow")
class DocumentResumeIT {
    static TestSite a;
    static Path bHome;

    @BeforeAll
    static void start() throws Exception {
        a = TestSite.start("resume-a", Map.of("site.name", "a", "document.scrub.kbps", "0"));
        bHome = TestSite.newHome("resume-b");
        // b fetches at 1 MiB/s: a 12 MiB file takes about 12 s, time enough to kill it half-way.
        Files.writeString(bHome.resolve("cusp.conf"), "site.name=b\ndb.buffer.pool.mb=64\ndocument.sync.kbps=1024\n"
                + "document.scrub.kbps=0\n");
        assertThat(cusp("up", "--detach", "--port", "0")).startsWith("0");
        String joined = cusp("join", invite(a, "peer"));
        assertThat(joined).as(joined).startsWith("0");
    }

    @AfterAll
    static void stop() {
        if (bHome != null) {
            cusp("down");
        }
        GroupSites.closeAll(a);
        if (bHome != null) {
            TestSite.deleteFolder(bHome);
        }
    }

    /** Runs the CLI at b's folder; returns "exit-code output". */
    static String cusp(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String[] all = java.util.Arrays.copyOf(args, args.length + 2);
        all[args.length] = "--home";
        all[args.length + 1] = bHome.toString();
        PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
        int code = Cusp.run(ps, ps, all);
        return code + " " + out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aSiteKilledMidTransferResumesAndNeverShowsAPartialFile() throws Exception {
        TenantService.Created t = a.newTenant("resume");
        String db = t.tenant().dbName();
        byte[] big = bytes(4242, 12 * 1024 * 1024);
        String sha = DocumentFiles.upload(a, t, "cbct.dcm", big).sha();
        Path stored = bHome.resolve("documents").resolve(db).resolve("sha256").resolve(sha.substring(0, 2)).resolve(sha);
        Path partial = bHome.resolve("documents/.incoming").resolve(db).resolve(sha + ".part");
        // Watches b's store the whole time: under its name, the file is whole or absent.
        List<String> seen = new CopyOnWriteArrayList<>();
        AtomicBoolean watching = new AtomicBoolean(true);
        Thread watch = Thread.ofPlatform().start(() -> {
            while (watching.get()) {
                try {
                    if (Files.exists(stored) && Files.size(stored) != big.length) {
                        seen.add("size " + Files.size(stored));
                    }
                    Thread.sleep(20);
                } catch (Exception ignored) {
                    // The file moved between the two looks: look again.
                }
            }
        });
        try {
            await("b half-way through").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> Files.exists(partial) && Files.size(partial) > 3 * 1024 * 1024);
            long pid = Long.parseLong(Files.readString(new SiteHome(bHome).pidFile()).trim());
            ProcessHandle site = ProcessHandle.of(pid).orElseThrow();
            site.destroyForcibly();
            site.onExit().get();
            long cutAt = Files.size(partial);
            assertThat(cutAt).isLessThan(big.length);
            assertThat(stored).doesNotExist();

            assertThat(cusp("up", "--detach", "--port", "0")).startsWith("0");
            await("b holds the file").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                    .until(() -> Files.exists(stored));
        } finally {
            watching.set(false);
            watch.join();
        }
        assertThat(seen).as("sizes seen under the file's name").isEmpty();
        try (InputStream in = Files.newInputStream(stored)) {
            java.security.MessageDigest d = DocumentStore.sha256();
            d.update(in.readAllBytes());
            assertThat(HexFormat.of().formatHex(d.digest())).isEqualTo(sha);
        }
        assertThat(partial).doesNotExist();
        JsonNode backlog = bAdmin("/api/v1/admin/documents/sync");
        assertThat(backlog.path("resumed").asLong()).as(backlog.toString()).isGreaterThanOrEqualTo(1);
        assertThat(backlog.path("files").asLong()).isZero();
        // The restarted b fetched only the rest, not the whole file again.
        assertThat(backlog.path("fetched_bytes").asLong()).as(backlog.toString()).isLessThan(big.length);
    }

    private static JsonNode bAdmin(String path) throws Exception {
        SiteHome h = new SiteHome(bHome);
        HttpResponse<String> r = TestSite.client(h).send(HttpRequest.newBuilder(URI.create(Files.readString(h.urlFile())
                .trim() + path)).header("Authorization", "Bearer " + Files.readString(h.cliToken()).trim()).GET()
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JsonMapping.MAPPER.readTree(r.body());
    }
}
