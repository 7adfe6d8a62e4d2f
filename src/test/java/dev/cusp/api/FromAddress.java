package dev.cusp.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.support.TestSite;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A client at another loopback address: requests sent by curl with {@code --interface 127.x.y.z}
 * (every 127/8 address is the local host on Linux), so that the site sees a different client
 * address than the 127.0.0.1 every other test uses. The JDK's HttpClient cannot choose its
 * source address. Each test takes fresh addresses, so throttling one never slows another test.
 */
final class FromAddress {
    private static final AtomicInteger NEXT = new AtomicInteger();

    final String address;
    private final TestSite site;

    private FromAddress(TestSite site, String address) {
        this.site = site;
        this.address = address;
    }

    /** A loopback address no other client of this JVM has used. */
    static FromAddress fresh(TestSite site) {
        int n = NEXT.getAndIncrement();
        return new FromAddress(site, "127.0." + (14 + n / 250) + "." + (2 + n % 250));
    }

    /** An answer with its headers (names in lower case). */
    record Answer(int status, Map<String, String> headers, String body, JsonNode json) {
        TestSite.Response response() {
            return new TestSite.Response(status, body, json);
        }
    }

    Answer call(String method, String path, String token, Object body) {
        List<String> cmd = new ArrayList<>(List.of("curl", "-s", "-S", "-i", "--http1.1", "--max-time", "60",
                "--cacert", site.site.home().tls().caCert().toString(), "--interface", address, "-X", method,
                "-H", "Content-Type: application/json"));
        if (token != null) {
            cmd.addAll(List.of("-H", "Authorization: Bearer " + token));
        }
        if (body != null) {
            cmd.addAll(List.of("--data-binary", "@-"));
        }
        cmd.add(site.url + path);
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
            if (body != null) {
                p.getOutputStream().write(Json.MAPPER.writeValueAsBytes(body));
            }
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("curl from " + address + " failed: " + err);
            }
            int split = out.indexOf("\r\n\r\n");
            String[] head = out.substring(0, split).split("\r\n");
            String text = out.substring(split + 4);
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < head.length; i++) {
                int colon = head[i].indexOf(':');
                headers.put(head[i].substring(0, colon).trim().toLowerCase(), head[i].substring(colon + 1).trim());
            }
            JsonNode json = text.isBlank() ? Json.MAPPER.createObjectNode() : Json.MAPPER.readTree(text);
            return new Answer(Integer.parseInt(head[0].split(" ")[1]), headers, text, json);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    Answer login(Practice p, String user, String password) {
        return call("POST", p.base + "/login", null, Map.of("user", user, "password", password));
    }
}
