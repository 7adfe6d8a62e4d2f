package dev.cusp.version;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.base.CuspVersion;
import dev.cusp.api.Json;
import dev.cusp.support.TestSite;
import dev.cusp.tenant.TenantService;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Clients say their Cusp version; another major.minor is refused naming the side to update. */
class ClientVersionIT {
    static TestSite site;
    static TenantService.Created t;

    @BeforeAll
    static void start() {
        site = TestSite.shared();
        t = site.newTenant("clientver");
    }

    static HttpResponse<String> login(String version) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(site.url + "/api/v1/t/" + t.tenant().name()
                + "/login")).timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.MAPPER.writeValueAsString(Map.of("user",
                        t.adminUser(), "password", t.adminPassword()))));
        if (version != null) {
            b.header(ClientVersion.HEADER, version);
        }
        return site.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static int[] mm() {
        String[] p = CuspVersion.VERSION.split("\\.");
        return new int[] {Integer.parseInt(p[0]), Integer.parseInt(p[1])};
    }

    @Test
    void anOlderClientIsToldToUpdateItself() throws Exception {
        int[] v = mm();
        String older = v[1] > 0 ? v[0] + "." + (v[1] - 1) + ".9" : (v[0] - 1) + ".99.0";
        HttpResponse<String> r = login(older);
        assertThat(r.statusCode()).isEqualTo(409);
        JsonNode e = Json.MAPPER.readTree(r.body()).path("error");
        assertThat(e.path("code").asText()).isEqualTo("VERSION_MISMATCH");
        assertThat(e.path("field").asText()).isEqualTo(ClientVersion.HEADER);
        assertThat(e.path("message").asText()).isEqualTo("this site runs Cusp " + CuspVersion.VERSION
                + "; your client is " + older + ": update the client to " + v[0] + "." + v[1] + ".x");
    }

    @Test
    void aNewerClientIsToldToUpdateTheSite() throws Exception {
        int[] v = mm();
        String newer = v[0] + "." + (v[1] + 1) + ".0";
        HttpResponse<String> r = login(newer);
        assertThat(r.statusCode()).isEqualTo(409);
        assertThat(Json.MAPPER.readTree(r.body()).at("/error/message").asText())
                .contains("your client is " + newer + ": update the site to " + v[0] + "." + (v[1] + 1) + ".x");
    }

    @Test
    void anotherPatchReleaseAndNoHeaderAreServed() throws Exception {
        int[] v = mm();
        HttpResponse<String> patch = login(v[0] + "." + v[1] + ".977");
        assertThat(patch.statusCode()).as(patch.body()).isEqualTo(200);
        assertThat(Json.MAPPER.readTree(patch.body()).path("token").asText()).isNotBlank();
        HttpResponse<String> none = login(null);
        assertThat(none.statusCode()).as(none.body()).isEqualTo(200);
    }

    @Test
    void aMalformedVersionIsBadInput() throws Exception {
        HttpResponse<String> r = login("latest");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(Json.MAPPER.readTree(r.body()).at("/error/field").asText()).isEqualTo(ClientVersion.HEADER);
    }

    @Test
    void theCliSendsItsVersionAndIsServed() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = dev.cusp.Cusp.run(new PrintStream(out, true), new PrintStream(err, true), "tenant", "list",
                "--home", site.site.home().dir().toString());
        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains(t.tenant().name());
    }
}
