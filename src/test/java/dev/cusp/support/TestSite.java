package dev.cusp.support;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.Site;
import dev.cusp.api.Json;
import dev.cusp.site.Settings;
import dev.cusp.site.SiteHome;
import dev.cusp.tenant.TenantService;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real site (embedded MariaDB + HTTPS on port 0) shared by every test in the JVM:
 * starting a node takes seconds, so it starts once. Each test makes its own tenant with
 * {@link #newTenant(String)} and so never sees another test's data.
 */
public final class TestSite {
    private static TestSite shared;
    private static final AtomicInteger IDS = new AtomicInteger((int) (System.nanoTime() % 100_000) * 1000);

    public final Site site;
    public final HttpClient http;
    public final String url;

    private TestSite(Site site) {
        this.site = site;
        this.http = client(site.home());
        this.url = site.url();
    }

    /** The shared site, started on first use and stopped when the JVM exits. */
    public static synchronized TestSite shared() {
        if (shared == null) {
            Path home = newHome("shared");
            Settings s = Settings.load(Map.of("port", "0", "db.buffer.pool.mb", "64"), Map.of(), null);
            Site site = Site.start(new SiteHome(home), s, pw -> { });
            shared = new TestSite(site);
            Runtime.getRuntime().addShutdownHook(new Thread(site::close));
            shared.warmUp();
        }
        return shared;
    }

    /**
     * A site of its own (not shared), e.g. one of several in a replication group. The caller
     * stops it with {@code site.close()}.
     */
    public static TestSite start(String label, Map<String, String> settings) {
        return start(label, settings, java.util.List.of());
    }

    /** As {@link #start(String, Map)}, also serving a test's own routes (registered after the site's). */
    public static TestSite start(String label, Map<String, String> settings,
                                 java.util.List<dev.cusp.api.RouteModule> moreRoutes) {
        Map<String, String> all = new java.util.HashMap<>(Map.of("port", "0", "db.buffer.pool.mb", "64"));
        all.putAll(settings);
        Site site = Site.start(new SiteHome(newHome(label)), Settings.load(all, Map.of(), null), pw -> { },
                moreRoutes);
        TestSite t = new TestSite(site);
        t.warmUp();
        return t;
    }

    /**
     * Makes the first HTTPS call. The first TLS handshake of a cold JVM on a loaded machine can
     * outlast the client's 5 s connect timeout; it is retried here rather than failing whichever
     * test class happens to run first.
     */
    private void warmUp() {
        IllegalStateException last = null;
        for (int attempt = 0; attempt < 4; attempt++) {
            try {
                raw("GET", "/api/v1/health", null, null);
                return;
            } catch (IllegalStateException e) {
                last = e;
            }
        }
        throw last;
    }

    /**
     * A site started from a folder that already holds one, e.g. a copy of another site's folder
     * (a full copy of a site). The caller stops it with {@code close()}.
     */
    public static TestSite startIn(Path home, Map<String, String> settings) {
        Map<String, String> all = new java.util.HashMap<>(Map.of("port", "0", "db.buffer.pool.mb", "64"));
        all.putAll(settings);
        TestSite t = new TestSite(Site.start(new SiteHome(home), Settings.load(all, Map.of(), null), pw -> { }));
        t.warmUp();
        return t;
    }

    /** Stops this site (whatever state its node is in) and starts it again from the same folder. */
    public TestSite restart(Map<String, String> settings) {
        site.close();
        Map<String, String> all = new java.util.HashMap<>(Map.of("port", "0", "db.buffer.pool.mb", "64"));
        all.putAll(settings);
        TestSite t = new TestSite(Site.start(site.home(), Settings.load(all, Map.of(), null), pw -> { }));
        t.warmUp();
        return t;
    }

    /** Stops the site and deletes its folder (sites of their own; the shared one stays up). */
    public void close() {
        site.close();
        delete(site.home().dir());
    }

    private static boolean cleaned;

    /**
     * A fresh folder for a site, under target/ (never under /tmp, which some machines clean).
     * Each test JVM keeps its sites in a folder of its own, {@code target/it-sites/jvm-PID}: the
     * build runs test JVMs at once (failsafe forks), and one must never delete the sites another
     * is running. The first call in a JVM deletes what earlier runs left (the folders of test
     * JVMs that are no longer alive, and older loose ones): each holds a copy of the MariaDB
     * binaries and data, and a few dozen runs fill a disk.
     */
    public static synchronized Path newHome(String label) {
        try {
            Path all = Path.of("target", "it-sites").toAbsolutePath();
            Path base = all.resolve("jvm-" + ProcessHandle.current().pid());
            if (!cleaned) {
                cleaned = true;
                if (Files.isDirectory(all)) {
                    try (var old = Files.list(all)) {
                        old.filter(TestSite::leftOver).forEach(TestSite::delete);
                    }
                }
            }
            Files.createDirectories(base);
            return Files.createTempDirectory(base, label + "-");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A folder no running test JVM uses: another JVM's whose process is gone, or one from before. */
    private static boolean leftOver(Path p) {
        String name = p.getFileName().toString();
        if (!name.startsWith("jvm-")) {
            return true;
        }
        try {
            return ProcessHandle.of(Long.parseLong(name.substring(4))).map(h -> !h.isAlive()).orElse(true);
        } catch (NumberFormatException e) {
            return true;
        }
    }

    public static void deleteFolder(Path dir) {
        delete(dir);
    }

    static void delete(Path dir) {
        try (var w = Files.walk(dir)) {
            w.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | java.io.UncheckedIOException ignored) {
            // Best effort: a leftover folder is removed by the next run. A file can vanish while
            // the walk lists it (a node of a finished run still removing its own), which the walk
            // reports unchecked.
        }
    }

    public static HttpClient client(SiteHome home) {
        return dev.cusp.cli.AdminClient.client(home);
    }

    /** A tenant of its own for one test; the name starts with {@code prefix}. */
    public TenantService.Created newTenant(String prefix) {
        // Past any id the site gave itself meanwhile (a restore --as takes the next free one).
        int id = IDS.incrementAndGet();
        while (site.tenants().registry().findById(id).isPresent()) {
            id = IDS.incrementAndGet();
        }
        return site.tenants().create(prefix.toLowerCase().replaceAll("[^a-z0-9]", "") + id, id);
    }

    /** Logs in as the tenant's first practice administrator and returns the token. */
    public String login(TenantService.Created t) {
        Response r = call("POST", "/api/v1/t/" + t.tenant().name() + "/login", null,
                Map.of("user", t.adminUser(), "password", t.adminPassword()));
        if (r.status() != 200) {
            throw new IllegalStateException("login failed: " + r);
        }
        return r.json().get("token").asText();
    }

    /** An HTTP answer: status, raw body, the body as JSON (empty object if none), and its content type. */
    public record Response(int status, String body, JsonNode json, String contentType) {
        public Response(int status, String body, JsonNode json) {
            this(status, body, json, null);
        }
    }

    /**
     * Sends a request and returns the answer. The request and the answer are checked against the
     * served OpenAPI document ({@link ApiContract}): a mismatch fails the test.
     */
    public Response call(String method, String path, String token, Object body) {
        return raw(method, path, token, json(body));
    }

    /** As {@link #call}, for a request that is bad on purpose: only the answer is checked. */
    public Response callUnchecked(String method, String path, String token, Object body) {
        return rawUnchecked(method, path, token, json(body));
    }

    /** Sends a body as given; request and answer are checked against the OpenAPI document. */
    public Response raw(String method, String path, String token, String rawBody) {
        Response r = send(method, path, token, rawBody);
        contract().check(method, path, token, rawBody, true, false, r.status(), r.contentType(), r.body());
        return r;
    }

    /**
     * As {@link #call}, for a practice migrated to a practice schema newer than this build's
     * (an update test): its records may carry fields this build's document does not list yet.
     */
    public Response callOnNewerSchema(String method, String path, String token, Object body) {
        String raw = json(body);
        Response r = send(method, path, token, raw);
        contract().check(method, path, token, raw, true, true, r.status(), r.contentType(), r.body());
        return r;
    }

    /**
     * As {@link #raw}, for a request that is bad on purpose (a malformed body, a wrong type, a
     * missing token, an unknown path): the request is not checked against the OpenAPI document,
     * the answer is, wherever the document describes the operation.
     */
    public Response rawUnchecked(String method, String path, String token, String rawBody) {
        Response r = send(method, path, token, rawBody);
        contract().check(method, path, token, rawBody, false, false, r.status(), r.contentType(), r.body());
        return r;
    }

    private static String json(Object body) {
        try {
            return body == null ? null : body instanceof String s ? s : Json.MAPPER.writeValueAsString(body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ApiContract contract;

    /** The document every site of this build serves, read once per JVM from the first site asked. */
    private ApiContract contract() {
        synchronized (TestSite.class) {
            if (contract == null) {
                Response doc = send("GET", "/api/v1/openapi.json", null, null);
                if (doc.status() != 200) {
                    throw new IllegalStateException("no OpenAPI document: " + doc);
                }
                contract = ApiContract.of(doc.body());
            }
            return contract;
        }
    }

    private Response send(String method, String path, String token, String rawBody) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(60))
                .method(method, rawBody == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(rawBody))
                .header("Content-Type", "application/json");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode n;
            try {
                n = r.body().isBlank() ? Json.MAPPER.createObjectNode() : Json.MAPPER.readTree(r.body());
            } catch (com.fasterxml.jackson.core.JsonProcessingException notJson) {
                n = Json.MAPPER.createObjectNode();
            }
            return new Response(r.statusCode(), r.body(), n, r.headers().firstValue("Content-Type").orElse(null));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** An answer whose body may be a file: status, headers, the bytes, and the body as JSON when it is JSON. */
    public record FileResponse(int status, java.net.http.HttpHeaders headers, byte[] bytes, JsonNode json) {
        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }
    }

    /**
     * Sends a file (a document upload) or asks for one (a download, {@code body} null), with any
     * extra request headers (name, value, ...). Checked against the OpenAPI document as
     * {@link #raw} is, the file's bytes aside; {@code checked} false for a request bad on purpose.
     */
    public FileResponse file(String method, String path, String token, String contentType,
                             HttpRequest.BodyPublisher body, boolean checked, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(120))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : body);
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        try {
            HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            String type = r.headers().firstValue("Content-Type").orElse(null);
            JsonNode n = Json.MAPPER.createObjectNode();
            String json = null;
            if (type != null && type.startsWith("application/json")) {
                json = new String(r.body(), java.nio.charset.StandardCharsets.UTF_8);
                n = json.isBlank() ? n : Json.MAPPER.readTree(json);
            }
            contract().checkFile(method, path, token, body == null ? null : contentType, checked, r.statusCode(), type,
                    json != null ? json : r.body().length > 0 ? "(the file)" : null);
            return new FileResponse(r.statusCode(), r.headers(), r.body(), n);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Runs the node's own {@code mariadb} client; returns exit code and output. */
    public ClientResult mariadb(String user, String password, String sql) {
        try {
            Path bin = site.node().config().binary("mariadb");
            Process p = new ProcessBuilder(bin.toString(), "--no-defaults", "-h127.0.0.1",
                    "-P" + site.node().config().port(), "-u" + user, "-p" + password, "--batch", "--skip-column-names",
                    "-e", sql).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            return new ClientResult(p.waitFor(), out);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The result of one {@code mariadb} client run. */
    public record ClientResult(int exit, String output) {
    }
}
