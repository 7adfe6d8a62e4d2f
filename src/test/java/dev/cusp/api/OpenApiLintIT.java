package dev.cusp.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Redocly's linter finds no error in the OpenAPI document: it writes the document to
 * target/openapi.json and runs {@code npx @redocly/cli lint} on it (recommended rules). Slow
 * (npx fetches the CLI the first time, about a minute; then ~10 s) and needs node and npm.
 */
@Tag("slow")
class OpenApiLintIT {
    /** The version the issue names; pinned so a new rule cannot fail an old build. */
    static final String REDOCLY = "@redocly/cli@2.77.0";

    @Test
    void redoclyFindsNoError() throws Exception {
        Path doc = Path.of("target", "openapi.json").toAbsolutePath();
        Files.createDirectories(doc.getParent());
        Files.writeString(doc, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(OpenApi.document()));
        assumeTrue(onPath("npx"), "npx is not installed (node and npm are needed)");
        Process p = new ProcessBuilder("npx", "--yes", REDOCLY, "lint", "--format", "stylish", doc.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(10, TimeUnit.MINUTES)).as("redocly finished").isTrue();
        assertThat(p.exitValue()).as("redocly lint %s:%n%s", doc, out).isZero();
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }
}
