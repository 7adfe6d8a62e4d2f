package dev.cusp.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.Cusp;
import dev.cusp.api.Json;
import dev.cusp.site.SiteHome;
import dev.cusp.support.TestSite;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A site as a real separate process, driven by the CLI: detached start, clean stop, restart
 * keeping data, and kill -9 of the site (its mariadbd left orphaned) followed by a start
 * that needs no manual cleanup and loses nothing.
 */
@Tag("slow")
class SiteLifecycleIT {
    private final Path home = TestSite.newHome("lifecycle");

    record Run(int exit, String out, String err) {
    }

    private Run cusp(String... args) {
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

    private long sitePid() throws Exception {
        return Long.parseLong(Files.readString(new SiteHome(home).pidFile()).trim());
    }

    private Optional<ProcessHandle> mariadbd() throws Exception {
        Path pid = home.resolve("node/run/mariadbd.pid");
        if (!Files.exists(pid)) {
            return Optional.empty();
        }
        return ProcessHandle.of(Long.parseLong(Files.readString(pid).trim())).filter(ProcessHandle::isAlive);
    }

    private HttpResponse<String> api(String method, String path, String token, String body) throws Exception {
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

    private String login(String tenant, String password) throws Exception {
        var r = api("POST", "/api/v1/t/" + tenant + "/login", null,
                "{\"user\":\"admin\",\"password\":\"" + password + "\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Json.MAPPER.readTree(r.body()).get("token").asText();
    }

    private int patientCount(String tenant, String token) throws Exception {
        var r = api("GET", "/api/v1/t/" + tenant + "/patients", token, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Json.MAPPER.readTree(r.body()).get("total").asInt();
    }

    @Test
    void restartAndKillMinusNineKeepEveryAcknowledgedWrite() throws Exception {
        Run up = cusp("up", "--detach", "--port", "0");
        assertThat(up.exit()).as(up.err()).isZero();
        assertThat(up.out()).contains("site-admin credential").contains("Cusp site is up at https://");
        assertThat(cusp("up", "--detach", "--port", "0").exit()).as("second start in the same folder").isEqualTo(3);

        Run created = cusp("tenant", "create", "lifecycle", "--id", "7", "--json");
        assertThat(created.exit()).as(created.err()).isZero();
        JsonNode t = Json.MAPPER.readTree(created.out());
        String adminPassword = t.get("admin_password").asText();
        String token = login("lifecycle", adminPassword);
        for (int i = 0; i < 20; i++) {
            var r = api("POST", "/api/v1/t/lifecycle/patients", token,
                    "{\"last_name\":\"Before" + i + "\",\"first_name\":\"Restart\"}");
            assertThat(r.statusCode()).isEqualTo(201);
        }

        Run down = cusp("down");
        assertThat(down.exit()).isZero();
        assertThat(mariadbd()).as("clean stop leaves no mariadbd").isEmpty();
        Run again = cusp("up", "--detach", "--port", "0");
        assertThat(again.exit()).as(again.err()).isZero();
        assertThat(again.out()).as("credential is shown only on the first start").doesNotContain("password");
        token = login("lifecycle", adminPassword);
        assertThat(patientCount("lifecycle", token)).isEqualTo(20);

        for (int i = 0; i < 30; i++) {
            var r = api("POST", "/api/v1/t/lifecycle/patients", token,
                    "{\"last_name\":\"Acked" + i + "\",\"first_name\":\"Kill\"}");
            assertThat(r.statusCode()).isEqualTo(201);
        }
        long site = sitePid();
        ProcessHandle.of(site).orElseThrow().destroyForcibly();
        await().atMost(Duration.ofSeconds(30)).until(() -> ProcessHandle.of(site).isEmpty()
                || !ProcessHandle.of(site).get().isAlive());
        assertThat(mariadbd()).as("kill -9 of the site leaves its mariadbd running").isPresent();

        Run recovered = cusp("up", "--detach", "--port", "0");
        assertThat(recovered.exit()).as(recovered.err()).isZero();
        token = login("lifecycle", adminPassword);
        assertThat(patientCount("lifecycle", token)).isEqualTo(50);
        Run status = cusp("status", "--json");
        assertThat(Json.MAPPER.readTree(status.out()).at("/tenants/0/name").asText()).isEqualTo("lifecycle");

        assertThat(cusp("down").exit()).isZero();
        assertThat(mariadbd()).isEmpty();
        assertThat(cusp("down").out()).contains("No site is running");
        Run notRunning = cusp("status");
        assertThat(notRunning.exit()).isEqualTo(3);
        assertThat(notRunning.err()).contains("no site is running").contains("cusp up");
    }
}
