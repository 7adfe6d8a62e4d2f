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

    /** The longest path a unix socket may have: sun_path holds 108 bytes with the closing NUL. */
    public static final int SOCKET_PATH_MAX = 107;

    public Path socket() {
        return socketDir().resolve("mysqld.sock");
    }

    /**
     * Where the server's unix socket lives: the run folder, unless its path would be longer than
     * a unix socket allows (a long site home; a restore's scratch server a few levels below it).
     * Then a short folder of this node's own in {@code /tmp}, named after the node folder (so a
     * restart finds the same one); {@link NodeFolders} creates it private and refuses one that
     * is not this site's. As any local user may take that name first, {@link NodeFolders} then
     * makes a fresh folder with an unpredictable name for this start ({@link SocketFolders}).
     */
    public Path socketDir() {
        Path usual = runDir().toAbsolutePath().normalize();
        if (usual.resolve("mysqld.sock").toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length
                <= SOCKET_PATH_MAX) {
            return runDir();
        }
        Path chosen = SocketFolders.chosen(dir);
        if (chosen != null) {
            return chosen;
        }
        return namedSocketDir();
    }

    /** The short socket folder named after this node folder: what a start tries first. */
    Path namedSocketDir() {
        Path usual = runDir().toAbsolutePath().normalize();
        try {
            byte[] h = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(usual.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return Path.of("/tmp", "cusp-" + java.util.HexFormat.of().formatHex(h, 0, 8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
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
