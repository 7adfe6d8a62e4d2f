package dev.cusp.bench;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * The API rows' load generator: one HTTP/1.1 keep-alive connection over TLS, used by one
 * client thread, blocking. The JDK's {@code java.net.http.HttpClient} spent more CPU per
 * request than a whole JDBC read on the cores the site shares with it (GET /health reached
 * only 0.24-0.36 of the JDBC baseline through it); this client writes each request in one
 * TLS record and parses only what the benchmark needs: the status, Content-Length or chunked
 * framing, and Connection: close. It checks the site's certificate and host name as any
 * client must. Not thread-safe: one per client thread.
 */
final class RawHttps implements AutoCloseable {
    private final SSLContext tls;
    private final String host;
    private final int port;
    private final String hostHeader;
    private SSLSocket socket;
    private InputStream in;
    private OutputStream out;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream(1024);
    private final StringBuilder line = new StringBuilder(128);
    private final byte[] buf = new byte[16 * 1024];
    private int pos;
    private int limit;
    /** When the connection last finished a request (System.nanoTime). */
    private long lastUsed;
    /**
     * A connection idle this long is not reused: the site's HTTPS connector closes idle ones
     * after 30 s (Jetty's default), and a request sent on one it has just closed fails. A real
     * client would do the same (or retry idempotent requests); a POST is not idempotent.
     */
    private static final long REUSE_IDLE_NANOS = 20_000_000_000L;

    /** A client of {@code siteUrl} (https://host:port); connects on first use and after a close. */
    RawHttps(SSLContext tls, String siteUrl) {
        URI u = URI.create(siteUrl);
        this.tls = tls;
        this.host = u.getHost();
        this.port = u.getPort();
        this.hostHeader = "Host: " + host + ":" + port + "\r\n";
    }

    BenchKit.Reply get(String path, String authorization) throws IOException {
        return send("GET", path, authorization, null);
    }

    BenchKit.Reply post(String path, String authorization, String json) throws IOException {
        return send("POST", path, authorization, json);
    }

    private BenchKit.Reply send(String method, String path, String authorization, String json) throws IOException {
        if (socket != null && System.nanoTime() - lastUsed > REUSE_IDLE_NANOS) {
            close();
        }
        if (socket == null) {
            connect();
        }
        byte[] payload = json == null ? null : json.getBytes(StandardCharsets.UTF_8);
        StringBuilder h = new StringBuilder(256).append(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                .append(hostHeader);
        if (authorization != null) {
            h.append("Authorization: ").append(authorization).append("\r\n");
        }
        if (payload != null) {
            h.append("Content-Type: application/json\r\nContent-Length: ").append(payload.length).append("\r\n");
        }
        h.append("\r\n");
        out.write(h.toString().getBytes(StandardCharsets.UTF_8));
        if (payload != null) {
            out.write(payload);
        }
        out.flush(); // one write, so one TLS record, per request
        try {
            BenchKit.Reply r = read();
            lastUsed = System.nanoTime();
            return r;
        } catch (IOException | RuntimeException e) {
            close(); // the connection's state is unknown: start a new one next time
            throw e;
        }
    }

    private BenchKit.Reply read() throws IOException {
        String status = readLine();
        if (!status.startsWith("HTTP/1.1 ") || status.length() < 12) {
            throw new IOException("not an HTTP/1.1 answer: " + status);
        }
        int code = Integer.parseInt(status.substring(9, 12));
        long length = -1;
        boolean chunked = false;
        boolean closeAfter = false;
        for (String l = readLine(); !l.isEmpty(); l = readLine()) {
            int colon = l.indexOf(':');
            if (colon < 0) {
                throw new IOException("bad header line: " + l);
            }
            String name = l.substring(0, colon).trim();
            String value = l.substring(colon + 1).trim();
            if (name.equalsIgnoreCase("Content-Length")) {
                length = Long.parseLong(value);
            } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
                chunked = value.equalsIgnoreCase("chunked");
            } else if (name.equalsIgnoreCase("Connection")) {
                closeAfter = value.equalsIgnoreCase("close");
            }
        }
        body.reset();
        if (chunked) {
            for (long n = Long.parseLong(chunkSize(readLine()), 16); n > 0; n = Long.parseLong(chunkSize(readLine()),
                    16)) {
                copy(n);
                if (!readLine().isEmpty()) {
                    throw new IOException("bad chunk end");
                }
            }
            while (!readLine().isEmpty()) {
                // trailers: none expected, skipped
            }
        } else if (length >= 0) {
            copy(length);
        } else {
            throw new IOException("an answer without Content-Length or chunked framing");
        }
        String text = body.toString(StandardCharsets.UTF_8);
        if (closeAfter) {
            close();
        }
        return new BenchKit.Reply(code, text);
    }

    private static String chunkSize(String l) {
        int semi = l.indexOf(';');
        return (semi < 0 ? l : l.substring(0, semi)).trim();
    }

    private void copy(long n) throws IOException {
        while (n > 0) {
            if (pos == limit) {
                fill();
            }
            int k = (int) Math.min(n, limit - pos);
            body.write(buf, pos, k);
            pos += k;
            n -= k;
        }
    }

    private int next() throws IOException {
        if (pos == limit) {
            fill();
        }
        return buf[pos++] & 0xff;
    }

    /** Reads what the socket has (one TLS record's worth, usually) into the buffer. */
    private void fill() throws IOException {
        int n = in.read(buf, 0, buf.length);
        if (n < 0) {
            throw new EOFException("connection closed by the server");
        }
        pos = 0;
        limit = n;
    }

    /** One CRLF-terminated line of ASCII (header lines), without the CRLF. */
    private String readLine() throws IOException {
        line.setLength(0);
        while (true) {
            int b = next();
            if (b == '\r') {
                if (next() != '\n') {
                    throw new IOException("bare CR in header");
                }
                return line.toString();
            }
            line.append((char) b);
        }
    }

    private void connect() throws IOException {
        SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket();
        try {
            s.setTcpNoDelay(true);
            s.setSoTimeout(30_000);
            SSLParameters p = s.getSSLParameters();
            p.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the host
            s.setSSLParameters(p);
            s.connect(new InetSocketAddress(host, port), 10_000);
            s.startHandshake();
            in = s.getInputStream();
            pos = 0;
            limit = 0;
            out = new BufferedOutputStream(s.getOutputStream(), 4 * 1024);
            socket = s;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    @Override
    public void close() {
        SSLSocket s = socket;
        socket = null;
        in = null;
        out = null;
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }
}
