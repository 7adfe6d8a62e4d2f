package dev.cusp.group;

import dev.cusp.base.JsonMapping;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts each raised and cleared alert to the {@code monitor.webhook} URL, if one is set. Sent
 * from a thread of its own: a slow or dead receiver never holds up the monitor.
 */
final class WebhookNotifier {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookNotifier.class);

    /** What the webhook receives. */
    record Event(String event, String site, dev.cusp.wire.Alert alert) {
    }

    private final String site;
    private final String url;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** {@code url}: the webhook; null or blank sends nothing. */
    WebhookNotifier(String site, String url) {
        this.site = site;
        this.url = url == null || url.isBlank() ? null : url;
    }

    void send(String event, Monitor.Alert a) {
        if (url == null) {
            return;
        }
        Event body = new Event(event, site, a.view());
        Thread.ofVirtual().start(() -> {
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(JsonMapping.MAPPER.writeValueAsString(body))).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() >= 300) {
                    LOG.warn("monitor: webhook answered {}", r.statusCode());
                }
            } catch (Exception e) {
                LOG.warn("monitor: webhook failed: {}", e.getMessage());
            }
        });
    }
}
