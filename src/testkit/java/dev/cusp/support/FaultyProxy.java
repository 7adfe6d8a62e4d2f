package dev.cusp.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy on loopback that can cut the link it carries: {@link #cut()} closes every open
 * connection and refuses new ones until {@link #restore()}. Put between two database nodes,
 * it is a network partition as the nodes see it. Shared by the tests and the benchmarks
 * (src/testkit compiles into both), so a fix to it reaches both.
 */
public final class FaultyProxy implements AutoCloseable {
    private final ServerSocket server;
    private final int targetPort;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean cut;

    public FaultyProxy(int targetPort) {
        this.targetPort = targetPort;
        try {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Thread.ofVirtual().start(this::accept);
    }

    public int port() {
        return server.getLocalPort();
    }

    public void cut() {
        cut = true;
        for (Socket s : open) {
            close(s);
        }
        open.clear();
    }

    public void restore() {
        cut = false;
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket in = server.accept();
                if (cut) {
                    close(in);
                    continue;
                }
                Socket out;
                try {
                    out = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                } catch (IOException refused) {
                    // The target is down: refuse this one too, as the network would, rather than
                    // hold it open with nothing behind it.
                    close(in);
                    continue;
                }
                open.add(in);
                open.add(out);
                Thread.ofVirtual().start(() -> pump(in, out));
                Thread.ofVirtual().start(() -> pump(out, in));
            } catch (IOException e) {
                if (server.isClosed()) {
                    return;
                }
            }
        }
    }

    private void pump(Socket from, Socket to) {
        byte[] buf = new byte[65536];
        try (InputStream i = from.getInputStream(); OutputStream o = to.getOutputStream()) {
            int n;
            while ((n = i.read(buf)) >= 0) {
                o.write(buf, 0, n);
                o.flush();
            }
        } catch (IOException ignored) {
            // The other side closed, or the link was cut.
        } finally {
            close(from);
            close(to);
            open.remove(from);
            open.remove(to);
        }
    }

    private static void close(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // Already closed.
        }
    }

    @Override
    public void close() {
        cut();
        try {
            server.close();
        } catch (IOException ignored) {
            // Already closed.
        }
    }
}
