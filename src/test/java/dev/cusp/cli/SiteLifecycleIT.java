package dev.cusp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.api.Json;
import dev.cusp.support.DetachedSite;
import dev.cusp.support.DetachedSite.Run;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A site as a real separate process, driven by the CLI: detached start, clean stop, restart
 * keeping data, and kill -9 of the site (its mariadbd left orphaned) followed by a start
 * that needs no manual cleanup and loses nothing.
 */
@Tag("slow")
class SiteLifecycleIT {
    private final DetachedSite site = new DetachedSite("lifecycle");

    private Run cusp(String... args) {
        return site.cusp(args);
    }

    private HttpResponse<String> api(String method, String path, String token, String body) throws Exception {
        return site.api(method, path, token, body);
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
        assertThat(site.mariadbd()).as("clean stop leaves no mariadbd").isEmpty();
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
        site.kill9();
        assertThat(site.mariadbd()).as("kill -9 of the site leaves its mariadbd running").isPresent();

        Run recovered = cusp("up", "--detach", "--port", "0");
        assertThat(recovered.exit()).as(recovered.err()).isZero();
        token = login("lifecycle", adminPassword);
        assertThat(patientCount("lifecycle", token)).isEqualTo(50);
        Run status = cusp("status", "--json");
        assertThat(Json.MAPPER.readTree(status.out()).at("/tenants/0/name").asText()).isEqualTo("lifecycle");

        assertThat(cusp("down").exit()).isZero();
        assertThat(site.mariadbd()).isEmpty();
        assertThat(cusp("down").out()).contains("No site is running");
        Run notRunning = cusp("status");
        assertThat(notRunning.exit()).isEqualTo(3);
        assertThat(notRunning.err()).contains("no site is running").contains("cusp up");
    }
}
