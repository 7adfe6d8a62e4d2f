package dev.cusp.docsync;

import dev.cusp.base.JsonMapping;
import dev.cusp.group.Member;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

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
    /** The answer's read-ahead; a receiver reading at least this much at once bypasses it. */
    static final int READ_AHEAD = 256 * 1024;

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
     *
     * <p>A plain blocking TLS socket, one per batch, read by the calling thread: the JDK's
     * HttpClient hands every 16 KB of a body between its selector, its executor and the reader,
     * and on a busy machine those hand-offs, not the bytes, set the pace (a tenth of what the
     * same stream gives read directly). Same trust as every peer call: this site's certificate,
     * only {@code m}'s CA trusted, the host name checked.
     */
    static InputStream open(PeerFetch peers, Member m, String tenant, List<String> hashes) throws IOException {
        byte[] body = JsonMapping.MAPPER.writeValueAsBytes(Map.of("hashes", hashes));
        URI u = URI.create(m.url());
        String host = u.getHost();
        int port = u.getPort() < 0 ? 443 : u.getPort();
        Socket raw = new BufferedSocket();
        boolean handedOver = false;
        try {
            raw.connect(new InetSocketAddress(host, port), 3000);
            raw.setSoTimeout(30_000);
            SSLSocket s = (SSLSocket) peers.context(m).getSocketFactory().createSocket(raw, host, port, true);
            SSLParameters p = s.getSSLParameters();
            p.setEndpointIdentificationAlgorithm("HTTPS");
            s.setSSLParameters(p);
            OutputStream out = new BufferedOutputStream(s.getOutputStream(), 8192);
            out.write(("POST " + u.getRawPath().replaceAll("/+$", "") + PeerFetch.PATH
                    + URLEncoder.encode(tenant, StandardCharsets.UTF_8) + SUFFIX + " HTTP/1.1\r\nHost: "
                    + u.getRawAuthority() + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            InputStream in = new BufferedInputStream(s.getInputStream(), READ_AHEAD);
            String status = line(in);
            String[] parts = status.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
                throw new IOException("site " + m.name() + " answered no HTTP status: " + status);
            }
            boolean chunked = false;
            long length = -1;
            int headers = 0;
            for (String h; !(h = line(in)).isEmpty(); ) {
                if (++headers > 100) {
                    throw new IOException("site " + m.name() + " answered more than 100 header lines");
                }
                int colon = h.indexOf(':');
                String name = colon < 0 ? h : h.substring(0, colon).trim().toLowerCase(java.util.Locale.ROOT);
                String value = colon < 0 ? "" : h.substring(colon + 1).trim();
                if (name.equals("transfer-encoding")) {
                    chunked = value.toLowerCase(java.util.Locale.ROOT).contains("chunked");
                } else if (name.equals("content-length")) {
                    length = Long.parseLong(value);
                }
            }
            InputStream bodyIn = chunked ? new Chunked(in) : length >= 0 ? new Bounded(in, length) : in;
            int code = Integer.parseInt(parts[1]);
            if (code != 200) {
                String text = new String(bodyIn.readNBytes(400), StandardCharsets.UTF_8);
                if (code == 404 || code == 405) {
                    return null;
                }
                throw new IOException("site " + m.name() + " answered " + code + ": " + text);
            }
            handedOver = true;
            return new java.io.FilterInputStream(bodyIn) {
                @Override
                public void close() throws IOException {
                    s.close();
                }
            };
        } catch (NumberFormatException e) {
            throw new IOException("site " + m.name() + " answered a malformed HTTP header");
        } finally {
            if (!handedOver) {
                raw.close();
            }
        }
    }

    /**
     * A socket whose input is read ahead in large blocks. The JDK's TLS socket layered on it reads
     * each record's 5-byte header and then its body (16 KB at most) in separate calls: on a bare
     * socket that was two system calls per 16 KB; read from this buffer it is one per
     * {@link #READ_AHEAD}. Nothing else changes: the same socket, time-outs and close.
     */
    private static final class BufferedSocket extends Socket {
        private InputStream in;

        @Override
        public synchronized InputStream getInputStream() throws IOException {
            if (in == null) {
                in = new BufferedInputStream(super.getInputStream(), READ_AHEAD);
            }
            return in;
        }
    }

    /** One CRLF-ended header line (at most 8 KB). */
    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c; (c = in.read()) != '\n'; ) {
            if (c < 0) {
                throw new EOFException("the answer ended inside its header");
            }
            if (b.length() > 8192) {
                throw new IOException("an answer's header line is too long");
            }
            if (c != '\r') {
                b.append((char) c);
            }
        }
        return b.toString();
    }

    /** A body of a known length: exactly {@code length} bytes, an error if it ends before. */
    static class Bounded extends InputStream {
        private final InputStream in;
        private long left;

        Bounded(InputStream in, long length) {
            this.in = in;
            this.left = length;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n < 0) {
                throw new EOFException("the answer ended " + left + " bytes early");
            }
            left -= n;
            return n;
        }
    }

    /** A chunked body (HTTP/1.1 chunked transfer coding; trailers skipped). */
    private static final class Chunked extends InputStream {
        private final InputStream in;
        private long left;
        private boolean done;

        Chunked(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (done) {
                return -1;
            }
            if (left == 0) {
                String size = line(in);
                int semi = size.indexOf(';');
                try {
                    left = Long.parseLong((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
                } catch (NumberFormatException e) {
                    throw new IOException("a malformed chunk size in the answer");
                }
                if (left < 0) {
                    throw new IOException("a negative chunk size in the answer");
                }
                if (left == 0) {
                    while (!line(in).isEmpty()) {
                        // Trailers: none are used.
                    }
                    done = true;
                    return -1;
                }
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n < 0) {
                throw new EOFException("the answer ended inside a chunk");
            }
            left -= n;
            if (left == 0 && !line(in).isEmpty()) {
                throw new IOException("a chunk of the answer did not end with CRLF");
            }
            return n;
        }
    }
}
