package dev.cusp.node;

import java.nio.file.Path;

/**
 * What an embedded node needs to start: its folder, identity and TLS files.
 *
 * @param dir          the node's folder (base, data, tmp, run below it)
 * @param bufferPoolMb InnoDB buffer pool size
 * @param dbOsUser     the OS account mariadbd runs as when Cusp runs as root (setting db.os.user)
 */
public record NodeConfig(Path dir, int port, long serverId, long gtidDomainId, int bufferPoolMb,
                         Path caCert, Path cert, Path key, String adminPassword, String dbOsUser) {
    public static final String DEFAULT_DB_OS_USER = "cusp-db";

    /** A node whose server runs as the default db OS user when Cusp runs as root. */
    public NodeConfig(Path dir, int port, long serverId, long gtidDomainId, int bufferPoolMb, Path caCert, Path cert,
                      Path key, String adminPassword) {
        this(dir, port, serverId, gtidDomainId, bufferPoolMb, caCert, cert, key, adminPassword, DEFAULT_DB_OS_USER);
    }

    public Path baseDir() {
        return dir.resolve("base");
    }

    public Path dataDir() {
        return dir.resolve("data");
    }

    public Path tmpDir() {
        return dir.resolve("tmp");
    }

    public Path runDir() {
        return dir.resolve("run");
    }

    public Path socket() {
        return runDir().resolve("mysqld.sock");
    }

    public Path pidFile() {
        return runDir().resolve("mariadbd.pid");
    }

    /** Where {@code SELECT ... INTO OUTFILE} and {@code LOAD DATA} may touch files: nowhere else. */
    public Path secureFileDir() {
        return dir.resolve("files");
    }

    /**
     * Copies of the site's CA, certificate and key for mariadbd, which runs as the db OS user and
     * cannot read the site's own (root's, owner-only).
     */
    public Path tlsDir() {
        return dir.resolve("tls");
    }

    public Path binary(String name) {
        return baseDir().resolve("bin").resolve(name);
    }
}
