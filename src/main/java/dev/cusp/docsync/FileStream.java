package dev.cusp.docsync;

import dev.cusp.base.JsonMapping;
import dev.cusp.group.Member;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Many files of one practice in one peer answer ({@code POST .../documents/{tenant}/stream}).
 * Each requested hash gets one frame, in the order asked: a header line {@code <sha256> <length>\n}
 * in ASCII, then exactly {@code length} bytes; {@code -1} and no bytes when that site does not
 * give the file. The receiver still hashes every file and refuses bytes that do not match.
 */
public final class FileStream {
    /** Hashes per request at most (a batch's files are fetched in order over one connection). */
    public static final int MAX_FILES = 256;
    public static final String SUFFIX = "/stream";

    private FileStream() {
    }

    /** A frame's header line. */
    public static byte[] header(String sha, long length) {
        return (sha + " " + length + "\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** One frame's header as read: the file's hash and length (-1: not given). */
    record Frame(String sha, long length) {
    }

    /** Reads the next header; a stream that ends or holds anything but a header line is an error. */
    static Frame next(InputStream in) throws IOException {
        byte[] line = new byte[96];
        int n = 0;
        for (int b; (b = in.read()) != '\n'; ) {
            if (b < 0) {
                throw new EOFException("the stream ended before the next file's header");
            }
            if (n == line.length) {
                throw new IOException("a file header in the stream is too long");
            }
            line[n++] = (byte) b;
        }
        String s = new String(line, 0, n, StandardCharsets.US_ASCII);
        int sp = s.indexOf(' ');
        try {
            if (sp != 64) {
                throw new NumberFormatException();
            }
            long len = Long.parseLong(s.substring(sp + 1));
            if (len < -1) {
                throw new NumberFormatException();
            }
            return new Frame(s.substring(0, sp), len);
        } catch (NumberFormatException e) {
            throw new IOException("not a file header in the stream: " + s.substring(0, Math.min(s.length(), 80)));
        }
    }

    /**
     * Asks {@code m} for {@code hashes}; the open body, or null when {@code m} has no such route
     * (an older version) or does not hold the practice: the caller then asks file by file.
     */
    static InputStream open(PeerFetch peers, Member m, String tenant, List<String> hashes) throws IOException {
        byte[] body = JsonMapping.MAPPER.writeValueAsBytes(Map.of("hashes", hashes));
        HttpRequest req = HttpRequest.newBuilder(URI.create(m.url() + PeerFetch.PATH
                        + URLEncoder.encode(tenant, StandardCharsets.UTF_8) + SUFFIX))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        HttpResponse<InputStream> r;
        try {
            r = peers.client(m).send(req, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
        if (r.statusCode() == 200) {
            return r.body();
        }
        try (InputStream in = r.body()) {
            String text = new String(in.readNBytes(400), StandardCharsets.UTF_8);
            if (r.statusCode() == 404 || r.statusCode() == 405) {
                return null;
            }
            throw new IOException("site " + m.name() + " answered " + r.statusCode() + ": " + text);
        }
    }
}
