package dev.cusp.node;

import java.nio.file.Path;

/**
 * What an embedded node needs to start: its folder, identity and TLS files.
 *
 * @param dir          the node's folder (base, data, tmp, run below it)
 * @param bufferPoolMb InnoDB buffer pool size
 */
public record NodeConfig(Path dir, int port, long serverId, long gtidDomainId, int bufferPoolMb,
                         Path caCert, Path cert, Path key, String adminPassword) {

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

    public Path binary(String name) {
        return baseDir().resolve("bin").resolve(name);
    }
}
