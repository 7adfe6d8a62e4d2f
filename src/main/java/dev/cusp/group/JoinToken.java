package dev.cusp.group;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cusp.base.NetAddresses;
import dev.cusp.error.CuspException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@code cusp invite} prints and {@code cusp join} takes: the inviting site's address,
 * the SHA-256 fingerprint of its CA (the joining site checks the certificate it is shown
 * against it before sending anything), and a one-time secret. Text form:
 * {@code cusp1.<base64url JSON>}.
 */
public record JoinToken(String site, String url, String caFingerprint, String secret) {
    private static final String PREFIX = "cusp1.";
    private static final ObjectMapper JSON = new ObjectMapper();

    public String encode() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("site", site);
        m.put("url", url);
        m.put("ca_sha256", caFingerprint);
        m.put("secret", secret);
        try {
            return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(JSON.writeValueAsBytes(m));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static JoinToken decode(String text) {
        String t = text == null ? "" : text.trim();
        if (!t.startsWith(PREFIX)) {
            throw CuspException.invalid("token", "a join token starts with '" + PREFIX + "'; copy the whole line"
                    + " that 'cusp invite' printed");
        }
        try {
            JsonNode n = JSON.readTree(Base64.getUrlDecoder().decode(t.substring(PREFIX.length())));
            JoinToken j = new JoinToken(n.path("site").asText(null), n.path("url").asText(null),
                    n.path("ca_sha256").asText(null), n.path("secret").asText(null));
            if (j.site == null || j.url == null || j.caFingerprint == null || j.secret == null
                    || NetAddresses.httpsUrl(j.url) == null || !j.caFingerprint.matches("[0-9a-f]{64}")) {
                throw CuspException.invalid("token", "the join token is incomplete; copy the whole line");
            }
            return j;
        } catch (IllegalArgumentException | IOException e) {
            throw CuspException.invalid("token", "the join token is damaged (" + e.getMessage().lines().findFirst()
                    .orElse("unreadable") + "); copy the whole line that 'cusp invite' printed");
        }
    }

    @Override
    public String toString() {
        return "JoinToken[" + site + " " + url + "]";
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
