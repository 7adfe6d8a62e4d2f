package dev.cusp.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.api.Json;
import dev.cusp.support.TestSite;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * testssl.sh (Debian's package; its command is {@code testssl}) against a running site: no
 * finding rated MEDIUM or worse, with no exception. It trusts the site's CA ({@code --add-ca}), as
 * every client of a site is told to. testssl only looks for the certificate's revocation list
 * address unless it may phone out; {@link RevocationListIT} fetches the list and verifies the
 * certificate against it the way testssl would. Slow (one to two minutes), so tagged; skipped
 * where testssl is not installed.
 */
@Tag("slow")
@dev.cusp.support.Serial // testssl.sh runs for minutes on every core, with its own time-outs
class TlsScanIT {
    /** Severities that fail the test. */
    private static final Set<String> FAILING = Set.of("MEDIUM", "HIGH", "CRITICAL");
    @Test
    void testsslFindsNothingMediumOrWorse() throws Exception {
        Optional<String> testssl = command("testssl", "testssl.sh");
        assumeTrue(testssl.isPresent(), "testssl is not installed (Debian: apt-get install testssl.sh)");
        TestSite site = TestSite.shared();
        Path json = Files.createTempFile("testssl", ".json");
        Files.delete(json);
        // Protocols, cipher categories, forward secrecy, server preferences, certificate, HTTP
        // headers, vulnerabilities; not the per-cipher list or client simulations (they rate nothing).
        String out = scan(testssl.get(), site, json, "-p", "-s", "-f", "-P", "-S", "-h", "-U");
        List<String> bad = findings(json);
        // testssl's client-initiated renegotiation check is timing-dependent (testssl.sh issues
        // 1725, 2038; seen once in CI on a quiet machine, after many clean runs): a finding of it
        // is confirmed by two more runs of that check alone, and stands if either finds it again.
        if (!bad.isEmpty() && bad.stream().allMatch(b -> b.contains(" secure_client_renego:"))) {
            List<String> again = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                out += scan(testssl.get(), site, json, "-R");
                again.addAll(findings(json));
            }
            bad = again;
        }
        assertThat(bad).as(out).isEmpty();
    }

    private static String scan(String testssl, TestSite site, Path json, String... checks) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(testssl, "--quiet", "--color", "0", "--warnings", "batch"));
        cmd.addAll(List.of(checks));
        cmd.addAll(List.of("--add-ca", site.site.home().tls().caCert().toString(), "--jsonfile", json.toString(),
                site.url.replace("localhost", "127.0.0.1")));
        Files.deleteIfExists(json);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(10, TimeUnit.MINUTES)).as("testssl finished").isTrue();
        assertThat(json).as(out).exists();
        return out;
    }

    private static List<String> findings(Path json) throws Exception {
        List<String> bad = new ArrayList<>();
        for (JsonNode f : Json.MAPPER.readTree(json.toFile())) {
            if (FAILING.contains(f.path("severity").asText())) {
                bad.add(f.path("severity").asText() + " " + f.path("id").asText() + ": " + f.path("finding").asText());
            }
        }
        Files.deleteIfExists(json);
        return bad;
    }

    private static Optional<String> command(String... names) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            for (String n : names) {
                Path c = Path.of(dir, n);
                if (Files.isExecutable(c)) {
                    return Optional.of(c.toString());
                }
            }
        }
        return Optional.empty();
    }
}
