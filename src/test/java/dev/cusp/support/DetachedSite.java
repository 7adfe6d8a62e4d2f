package dev.cusp.support;

import static org.awaitility.Awaitility.await;

import dev.cusp.Cusp;
import dev.cusp.api.Json;
import dev.cusp.cli.UpCommand;
import dev.cusp.node.EmbeddedNode;
import dev.cusp.site.SiteHome;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A site as a real separate process, driven by the CLI as an operator would ({@code cusp up
 * --detach}, {@code cusp down}), and killed with -9 like a crash: the crash tests use it so a
 * kill hits a process that cannot clean up, with its mariadbd left running as an orphan.
 */
public final class DetachedSite {
    private final Path home;
    private final Map<String, String> properties = new TreeMap<>();

    /** The result of one CLI command. */
    public record Run(int exit, String out, String err) {
    }

    public DetachedSite(String label) {
        this.home = TestSite.newHome(label);
    }

    public Path home() {
        return home;
    }

    /** Writes {@code HOME/cusp.conf} (before the first start). */
    public DetachedSite conf(String lines) throws IOException {
        Files.createDirectories(home);
        Files.writeString(home.resolve("cusp.conf"), lines);
        return this;
    }

    /**
     * A JVM system property the site process gets from the next {@code cusp up --detach} (a test
     * seam such as {@code cusp.test.restore.pause}; empty: none). It is set in this JVM only while
     * that command runs, which hands {@code cusp.test.*} properties on to the process it starts.
     */
    public DetachedSite property(String key, String value) {
        if (!key.startsWith(UpCommand.TEST_PROPERTIES)) {
            throw new IllegalArgumentException("only " + UpCommand.TEST_PROPERTIES + "* properties reach the site");
        }
        if (value == null || value.isEmpty()) {
            properties.remove(key);
        } else {
            properties.put(key, value);
        }
        return this;
    }

    /** Runs {@code cusp ARGS --home HOME} in this JVM (the client side; the site is another process). */
    public Run cusp(String... args) {
        if (args.length > 0 && args[0].equals("up") && !properties.isEmpty()) {
            synchronized (DetachedSite.class) {
                properties.forEach(System::setProperty);
                try {
                    return run(args);
                } finally {
                    properties.keySet().forEach(System::clearProperty);
                }
            }
        }
        return run(args);
    }

    private Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--home";
        all[args.length + 1] = home.toString();
        int code = Cusp.run(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), all);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** {@code cusp up --detach --port 0}, then waits until it answers; returns the start's output. */
    public Run up() {
        Run up = cusp("up", "--detach", "--port", "0");
        if (up.exit() != 0) {
            throw new IllegalStateException("cusp up failed (" + up.exit() + "): " + up.out() + up.err());
        }
        awaitAnswering();
        return up;
    }

    /** A busy machine (two cores shared by many tests) can leave a just-started site slow to accept. */
    public void awaitAnswering() {
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(2)).until(() -> cusp("status").exit() == 0);
    }

    public Run down() {
        return cusp("down");
    }

    /** The site's java process id (from its pid file). */
    public long sitePid() throws IOException {
        return Long.parseLong(Files.readString(new SiteHome(home).pidFile()).trim());
    }

    /** The node's mariadbd, while it runs. */
    public Optional<ProcessHandle> mariadbd() throws IOException {
        Path pid = home.resolve("node/run/mariadbd.pid");
        if (!Files.exists(pid)) {
            return Optional.empty();
        }
        return ProcessHandle.of(Long.parseLong(Files.readString(pid).trim())).filter(ProcessHandle::isAlive);
    }

    /** kill -9 of the site's java process (not its mariadbd), returning once it is gone. */
    public void kill9() throws IOException {
        long pid = sitePid();
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        await().atMost(Duration.ofSeconds(30)).until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
    }

    /** The site's admin API (the CLI's credential is the site admin's). */
    public HttpResponse<String> api(String method, String path, String token, String body) throws Exception {
        SiteHome h = new SiteHome(home);
        HttpClient c = TestSite.client(h);
        String url = Files.readString(h.urlFile()).trim();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return c.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The site admin's bearer token (the one the CLI uses). */
    public String adminToken() throws IOException {
        return Files.readString(new SiteHome(home).cliToken()).trim();
    }

    /** A practice administrator's token. */
    public String login(String tenant, String user, String password) throws Exception {
        var r = api("POST", "/api/v1/t/" + tenant + "/login", null,
                "{\"user\":\"" + user + "\",\"password\":\"" + password + "\"}");
        if (r.statusCode() != 200) {
            throw new IllegalStateException("login failed: " + r.statusCode() + " " + r.body());
        }
        return Json.MAPPER.readTree(r.body()).get("token").asText();
    }

    /** A connection to the node as its admin account (what the tests use to look, never a practice's user). */
    public Connection adminConnection() throws IOException, SQLException {
        SiteHome h = new SiteHome(home);
        String password = Files.readString(h.nodeAdminPassword()).trim();
        return DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + h.identity().dbPort() + "/",
                EmbeddedNode.ADMIN_USER, password);
    }

    /** CHECKSUM TABLE ... EXTENDED of every base table of {@code db}, by table name. */
    public java.util.Map<String, Long> checksums(String db) throws IOException, SQLException {
        try (Connection c = adminConnection()) {
            return GroupChecks.checksums(c, db);
        }
    }
}
