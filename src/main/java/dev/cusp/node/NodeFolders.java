package dev.cusp.node;

import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import dev.cusp.base.FilePermissions;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Who owns what in the node folder. Without root, everything is the site user's, owner-only.
 * With root and a db OS user (README "Security model"):
 * <ul>
 * <li>the node folder: root, group of the db user, {@code rwxr-x---}: the db user may enter it
 * but not rename or replace anything in it, so it cannot swap the binaries root runs;</li>
 * <li>{@code base} (binaries): root's, readable by all (as {@code /usr/bin} is);</li>
 * <li>{@code data}, {@code tmp}, {@code run}, {@code files} ({@code secure_file_priv}): the db
 * user's, owner-only;</li>
 * <li>{@code tls}: root's copies of the site's CA, certificate and key, readable by the db
 * user's group, rewritten at every start.</li>
 * </ul>
 */
final class NodeFolders {
    private static final Set<PosixFilePermission> NODE = PosixFilePermissions.fromString("rwxr-x---");
    private static final Set<PosixFilePermission> PRIVATE = PosixFilePermissions.fromString("rwx------");
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(NodeFolders.class);

    private NodeFolders() {
    }

    /**
     * The short socket folder of a node whose run folder is too deep for a unix socket (see
     * {@link NodeConfig#socketDir}). It is in {@code /tmp}, where anyone may make a folder: the
     * one named after the node folder is used only when it is a real folder (no link) owned by
     * this process's user or the db OS user. Should another local user have taken that name
     * first (a folder or a link of theirs), this start uses a fresh folder with an unpredictable
     * name instead, made owner-only in one step, so nobody can block the site's start or put
     * their own socket in its place. Either is made owner-only (the db OS user's when the server
     * runs as it). {@code /tmp} is outside the node folder's ancestors, so the server reaches it
     * in its private mount namespace too.
     */
    static void shortSocketDir(NodeConfig config, DbOsUser dbUser) {
        if (config.socketDir().equals(config.runDir())) {
            return;
        }
        SocketFolders.forget(config.dir());
        Path d = config.namedSocketDir();
        try {
            try {
                Files.createDirectory(d, PosixFilePermissions.asFileAttribute(PRIVATE));
            } catch (java.nio.file.FileAlreadyExistsException there) {
                // Checked below: made by an earlier start of this node, or by someone else.
            }
            var a = Files.readAttributes(d, java.nio.file.attribute.PosixFileAttributes.class,
                    java.nio.file.LinkOption.NOFOLLOW_LINKS);
            var me = d.getFileSystem().getUserPrincipalLookupService()
                    .lookupPrincipalByName(System.getProperty("user.name"));
            if (!a.isDirectory() || !(a.owner().equals(me) || dbUser != null && a.owner().equals(dbUser.user()))) {
                Path fresh = Files.createTempDirectory(d.getParent(), "cusp-", PosixFilePermissions.asFileAttribute(PRIVATE));
                LOG.warn("node: the short socket folder {} is not this site's ({}, owner {}): this start uses {}",
                        d, a.isDirectory() ? "a folder" : "not a folder", a.owner(), fresh);
                SocketFolders.choose(config.dir(), fresh);
                d = fresh;
            }
            Files.setPosixFilePermissions(d, PRIVATE);
            if (dbUser != null) {
                dbUser.own(d);
            }
        } catch (IOException e) {
            throw new CuspException(ErrorCode.UNAVAILABLE, "the node folder " + config.dir() + " is too deep for its"
                    + " unix socket (at most " + NodeConfig.SOCKET_PATH_MAX + " bytes), and the short folder " + d
                    + " cannot be made: " + e.getMessage() + "; give the site a shorter --home", null, e);
        }
    }

    static void prepare(NodeConfig config, DbOsUser dbUser) {
        for (Path d : List.of(config.dir(), config.dataDir(), config.tmpDir(), config.runDir(),
                config.secureFileDir())) {
            FilePermissions.privateDir(d);
        }
        shortSocketDir(config, dbUser);
        if (dbUser == null) {
            return;
        }
        try {
            // Earlier versions kept the admin option file in run/; handed to the db user below, its
            // password would be readable by it. It now lives in admin/, root's own.
            Files.deleteIfExists(config.runDir().resolve("admin.cnf"));
            Files.setPosixFilePermissions(config.dir(), NODE);
            dbUser.groupOnly(config.dir());
            for (Path d : List.of(config.dataDir(), config.tmpDir(), config.runDir(), config.secureFileDir())) {
                dbUser.own(d);
            }
            Path tls = config.tlsDir();
            Files.createDirectories(tls);
            Files.setPosixFilePermissions(tls, NODE);
            dbUser.groupOnly(tls);
            copy(config.caCert(), tls.resolve("ca.pem"), dbUser);
            copy(config.cert(), tls.resolve("cert.pem"), dbUser);
            copy(config.key(), tls.resolve("key.pem"), dbUser);
        } catch (IOException e) {
            throw new CuspException(ErrorCode.UNAVAILABLE, "cannot prepare the node folder " + config.dir()
                    + " for the OS user " + dbUser.name() + ": " + e.getMessage(), null, e);
        }
    }

    /** A copy of {@code from} as {@code tls/<name>.pem}, for the server to read. */
    static Path serverCopy(NodeConfig config, DbOsUser dbUser, String name, Path from) {
        if (!name.matches("[A-Za-z0-9_-]{1,64}")) {
            throw new IllegalArgumentException("not a file name for the node's tls folder: " + name);
        }
        Path to = config.tlsDir().resolve(name + ".pem");
        try {
            copy(from, to, dbUser);
            return to;
        } catch (IOException e) {
            throw new CuspException(ErrorCode.UNAVAILABLE, "cannot copy " + from + " for the node: " + e.getMessage(),
                    null, e);
        }
    }

    /** A copy readable by root and the db user's group only, replaced in one step. */
    private static void copy(Path from, Path to, DbOsUser dbUser) throws IOException {
        Path tmp = to.resolveSibling(to.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(tmp, Files.readAllBytes(from));
        dbUser.groupOnly(tmp);
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r-----"));
        Files.move(tmp, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Makes the binaries readable (and the programs runnable) by every user; root stays their owner. */
    static void binariesReadable(Path base) {
        try {
            Files.walkFileTree(base, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                    addForAll(d, true);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
                    if (attrs.isRegularFile()) {
                        addForAll(f, Files.getPosixFilePermissions(f).contains(PosixFilePermission.OWNER_EXECUTE));
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new CuspException(ErrorCode.UNAVAILABLE, "cannot make the MariaDB binaries in " + base
                    + " readable: " + e.getMessage(), null, e);
        }
    }

    private static void addForAll(Path p, boolean exec) throws IOException {
        Set<PosixFilePermission> perms = EnumSet.copyOf(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
        boolean changed = perms.add(PosixFilePermission.GROUP_READ) | perms.add(PosixFilePermission.OTHERS_READ);
        if (exec) {
            changed |= perms.add(PosixFilePermission.GROUP_EXECUTE) | perms.add(PosixFilePermission.OTHERS_EXECUTE);
        }
        if (changed) {
            Files.setPosixFilePermissions(p, perms);
        }
    }
}
