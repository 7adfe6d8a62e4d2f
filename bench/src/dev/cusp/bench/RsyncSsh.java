package dev.cusp.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Issue 17's second baseline for a new site receiving every file: {@code rsync -a} over ssh to
 * localhost. Unlike the rsync daemon (plain TCP), ssh encrypts and authenticates every byte, as
 * Cusp's mutual TLS does, so this is the like-for-like comparison of the CPU both spend. The bench
 * runs a private {@code sshd} on a free port of 127.0.0.1 with a host key and a client key generated
 * into a temporary folder (its own config: key login only, authorized keys from that folder) and
 * stops it afterwards. Default ciphers; the one ssh negotiated is reported. Skipped, with the reason
 * printed, when OpenSSH is not installed and cannot be (Debian packages {@code openssh-server},
 * {@code openssh-client}; installed with apt-get only when run as root and not in a --quick run).
 */
final class RsyncSsh {
    private static final Pattern CIPHER = Pattern.compile("kex: server->client cipher: (\\S+) MAC: (\\S+)");
    private static final String SSHD = "/usr/sbin/sshd";

    private RsyncSsh() {
    }

    /** What one run measured. */
    record Result(double seconds, String cipher, double cpuSeconds) {
    }

    /** Times {@code rsync -a} of {@code src} over ssh to 127.0.0.1 into an empty folder; null (reason printed) if it cannot run. */
    static Result time(Path src, boolean install) throws Exception {
        String why = available(install);
        if (why != null) {
            System.out.println("rsync -a over ssh to localhost: skipped, " + why);
            return null;
        }
        Path dir = BenchKit.newHome("rsync-ssh");
        Process sshd = null;
        try {
            if (run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", dir.resolve("host_key").toString())) != 0
                    || run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f",
                    dir.resolve("client_key").toString())) != 0) {
                System.out.println("rsync -a over ssh to localhost: skipped, ssh-keygen failed");
                return null;
            }
            Files.copy(dir.resolve("client_key.pub"), dir.resolve("authorized_keys"));
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            // StrictModes off: the temporary folder's owner and modes are the bench's, not a home's.
            Files.writeString(dir.resolve("sshd_config"), "Port " + port + "\nListenAddress 127.0.0.1\n"
                    + "HostKey " + dir.resolve("host_key") + "\nPidFile " + dir.resolve("sshd.pid") + "\n"
                    + "AuthorizedKeysFile " + dir.resolve("authorized_keys") + "\nPubkeyAuthentication yes\n"
                    + "PasswordAuthentication no\nKbdInteractiveAuthentication no\nPermitRootLogin prohibit-password\n"
                    + "StrictModes no\nUsePAM no\nX11Forwarding no\nAllowTcpForwarding no\n", StandardCharsets.UTF_8);
            // sshd refuses to start without its privilege separation folder (made by the package's service unit).
            Path privsep = Path.of("/run/sshd");
            if (!Files.isDirectory(privsep) && isRoot()) {
                Files.createDirectories(privsep);
            }
            sshd = new ProcessBuilder(SSHD, "-D", "-e", "-f", dir.resolve("sshd_config").toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("sshd.log").toFile()).start();
            if (!listening(port, sshd)) {
                System.out.println("rsync -a over ssh to localhost: skipped, sshd did not start: "
                        + Files.readString(dir.resolve("sshd.log")).trim());
                return null;
            }
            List<String> ssh = List.of("ssh", "-F", "/dev/null", "-p", String.valueOf(port), "-i",
                    dir.resolve("client_key").toString(), "-o", "StrictHostKeyChecking=no", "-o",
                    "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes");
            String cipher = cipher(ssh);
            Path dest = dir.resolve("dest");
            Files.createDirectories(dest);
            CopyCost.beforeCopy();
            double sshdCpu0 = CopyCost.cpuWithChildren(sshd.pid());
            long t0 = System.nanoTime();
            List<String> cmd = CopyCost.timed("rsync", "-a", "-e", String.join(" ", ssh), "127.0.0.1:" + src + "/",
                    dest + "/");
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out;
            try (InputStream in = p.getInputStream()) {
                out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            BenchKit.check(p.waitFor(60, TimeUnit.MINUTES) && p.exitValue() == 0, "rsync over ssh failed: " + out);
            double seconds = (System.nanoTime() - t0) / 1e9;
            // The client's rsync and ssh; the server's sshd session and rsync, reaped up to the listener.
            BenchKit.sleep(300);
            return new Result(seconds, cipher, CopyCost.childrenCpu(out) + CopyCost.cpuWithChildren(sshd.pid()) - sshdCpu0);
        } finally {
            if (sshd != null) {
                sshd.destroy();
                sshd.waitFor(10, TimeUnit.SECONDS);
            }
            CopyCost.deleteCopy(dir);
        }
    }

    /** The cipher and MAC ssh negotiates with these options ({@code ssh -v} prints them); "unknown" if not found. */
    private static String cipher(List<String> ssh) throws Exception {
        List<String> cmd = new ArrayList<>(ssh);
        cmd.add(1, "-v");
        cmd.add("127.0.0.1");
        cmd.add("true");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        p.waitFor(60, TimeUnit.SECONDS);
        BenchKit.check(p.exitValue() == 0, "ssh to the bench's sshd failed: " + out);
        Matcher m = CIPHER.matcher(out);
        if (!m.find()) {
            return "unknown";
        }
        return "<implicit>".equals(m.group(2)) ? m.group(1) : m.group(1) + " with " + m.group(2);
    }

    private static boolean listening(int port, Process sshd) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline && sshd.isAlive()) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return true;
            } catch (IOException e) {
                BenchKit.sleep(100);
            }
        }
        return false;
    }

    /** Null when sshd, ssh and rsync run here (OpenSSH installed now if need be and allowed); else why not. */
    private static String available(boolean install) {
        if (Files.isExecutable(Path.of(SSHD)) && run(List.of("ssh", "-V")) == 0) {
            return null;
        }
        if (!install) {
            return "OpenSSH is not installed (Debian packages 'openssh-server', 'openssh-client');"
                    + " a --quick run does not install it";
        }
        if (!isRoot()) {
            return "OpenSSH is not installed (Debian packages 'openssh-server', 'openssh-client'),"
                    + " and this bench installs it only as root";
        }
        System.out.println("rsync over ssh: OpenSSH not installed; apt-get install -y openssh-server openssh-client ...");
        List<String> get = List.of("apt-get", "install", "-y", "-q", "--no-install-recommends", "openssh-server",
                "openssh-client");
        if (run(get) != 0 && (run(List.of("apt-get", "update", "-q")) != 0 || run(get) != 0)) {
            return "OpenSSH is not installed and apt-get could not install it";
        }
        return Files.isExecutable(Path.of(SSHD)) ? null : "openssh-server was installed but has no " + SSHD;
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static int run(List<String> cmd) {
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD);
            pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
            Process p = pb.start();
            return p.waitFor(10, TimeUnit.MINUTES) ? p.exitValue() : -1;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
