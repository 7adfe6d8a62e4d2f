package dev.cusp.site;

import dev.cusp.base.FilePermissions;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import dev.cusp.secret.Passwords;
import dev.cusp.tls.CertificateAuthority;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Optional;

/**
 * The site's folder and everything in it. One folder holds one site:
 * <pre>
 *   cusp.conf            optional settings (Java properties)
 *   site/identity.json   name, server_id, gtid_domain_id, node port
 *   site/secrets/        master key, node admin password, site-admin hash (owner-only)
 *   tls/                 the site's CA and certificate (owner-only)
 *   node/                the embedded MariaDB: binaries, data, tmp, socket
 *   documents/           one folder per tenant
 *   backups/             tenant backups written to files
 *   run/                 pid, local CLI token, the URL while running
 *   logs/                site.log when detached
 * </pre>
 */
public final class SiteHome {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path dir;

    public SiteHome(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    /** {@code $CUSP_HOME}, else {@code ~/.local/share/cusp} (or {@code $XDG_DATA_HOME/cusp}). */
    public static Path defaultDir() {
        String env = System.getenv("CUSP_HOME");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        String xdg = System.getenv("XDG_DATA_HOME");
        if (xdg != null && !xdg.isBlank()) {
            return Path.of(xdg, "cusp");
        }
        return Path.of(System.getProperty("user.home"), ".local", "share", "cusp");
    }

    public Path dir() {
        return dir;
    }

    public Path confFile() {
        return dir.resolve("cusp.conf");
    }

    public Path identityFile() {
        return dir.resolve("site/identity.json");
    }

    public Path secrets() {
        return dir.resolve("site/secrets");
    }

    public Path masterKey() {
        return secrets().resolve("master.key");
    }

    public Path nodeAdminPassword() {
        return secrets().resolve("node-admin.password");
    }

    public Path adminHash() {
        return secrets().resolve("site-admin.hash");
    }

    public CertificateAuthority tls() {
        return new CertificateAuthority(dir.resolve("tls"));
    }

    public Path node() {
        return dir.resolve("node");
    }

    public Path documents() {
        return dir.resolve("documents");
    }

    public Path backups() {
        return dir.resolve("backups");
    }

    public Path run() {
        return dir.resolve("run");
    }

    public Path pidFile() {
        return run().resolve("site.pid");
    }

    public Path cliToken() {
        return run().resolve("cli.token");
    }

    public Path urlFile() {
        return run().resolve("url");
    }

    public Path logFile() {
        return dir.resolve("logs/site.log");
    }

    public boolean initialized() {
        return Files.exists(identityFile());
    }

    public SiteIdentity identity() {
        try {
            return JSON.readValue(identityFile().toFile(), SiteIdentity.class);
        } catch (IOException e) {
            throw new CuspException(ErrorCode.INTERNAL, "cannot read " + identityFile() + ": " + e.getMessage());
        }
    }

    /**
     * Creates the site on first use: folders, identity, CA and certificate, master key, node
     * admin password and the site-admin credential. Returns the site-admin password when it
     * was just created (to be shown once), empty otherwise.
     */
    public Optional<String> initialize(Settings settings) {
        FilePermissions.privateDir(dir);
        Optional<String> adminPassword = Optional.empty();
        if (!initialized()) {
            SecureRandom r = new SecureRandom();
            int dbPort = settings.get(Settings.DB_PORT);
            SiteIdentity id = new SiteIdentity(settings.get(Settings.SITE_NAME),
                    1 + r.nextInt(Integer.MAX_VALUE - 1), 1 + r.nextInt(1 << 30),
                    dbPort == 0 ? freePort() : dbPort, Instant.now().toString());
            try {
                FilePermissions.writePrivate(identityFile(), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(id));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        // With a fixed port the certificate names its revocation list's address now; with port 0
        // the port is known only once the server is bound, and Site.start completes it then.
        int port = settings.get(Settings.PORT);
        String address = settings.get(Settings.ADDRESS);
        tls().ensure(identity().siteName(), address, port == 0 ? null : CertificateAuthority.crlUrl(address, port));
        if (!Files.exists(nodeAdminPassword())) {
            FilePermissions.writePrivate(nodeAdminPassword(), Passwords.generate(32));
        }
        if (!Files.exists(adminHash())) {
            String pw = Passwords.generate(24);
            FilePermissions.writePrivate(adminHash(), Passwords.hash(pw));
            adminPassword = Optional.of(pw);
        }
        FilePermissions.privateDir(documents());
        FilePermissions.privateDir(backups());
        FilePermissions.privateDir(run());
        FilePermissions.privateDir(dir.resolve("logs"));
        return adminPassword;
    }

    /**
     * Gives a new site's node another free port, when the one drawn at first start was taken
     * before the node could bind it (another program drew the same free port meanwhile). Only
     * for a port Cusp chose ({@code db.port} 0) and a node that has never run: nothing outside
     * this site knows the port yet.
     */
    public SiteIdentity redrawDbPort() {
        SiteIdentity id = identity();
        SiteIdentity moved = new SiteIdentity(id.siteName(), id.serverId(), id.gtidDomainId(), freePort(), id.createdAt());
        try {
            FilePermissions.writePrivate(identityFile(), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(moved));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return moved;
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
