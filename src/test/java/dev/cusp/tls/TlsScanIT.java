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
        Process p = new ProcessBuilder(testssl.get(), "--quiet", "--color", "0", "--warnings", "batch",
                "-p", "-s", "-f", "-P", "-S", "-h", "-U",
                "--add-ca", site.site.home().tls().caCert().toString(), "--jsonfile", json.toString(),
                site.url.replace("localhost", "127.0.0.1")).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(10, TimeUnit.MINUTES)).as("testssl finished").isTrue();
        assertThat(json).as(out).exists();
        List<String> bad = new ArrayList<>();
        for (JsonNode f : Json.MAPPER.readTree(json.toFile())) {
            String id = f.path("id").asText();
            if (FAILING.contains(f.path("severity").asText())) {
                bad.add(f.path("severity").asText() + " " + id + ": " + f.path("finding").asText());
            }
        }
        Files.deleteIfExists(json);
        assertThat(bad).as(out).isEmpty();
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
