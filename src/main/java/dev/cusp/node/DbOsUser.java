package dev.cusp.node;

import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The unprivileged OS account {@code mariadbd} runs as when Cusp runs as root (setting
 * {@code db.os.user}). A server running as root would turn any of its file-writing features
 * ({@code general_log_file}, {@code INTO OUTFILE}, a plugin) into root's; as this account it can
 * write only the node's own data, tmp, run and secure-file folders. Created on first use.
 *
 * <p>Ownership is changed without following symbolic links ({@code lchown}): the account owns the
 * data folder and could plant a link there to a file of root's.
 */
final class DbOsUser {
    private static final Logger LOG = LoggerFactory.getLogger(DbOsUser.class);

    private final String name;
    private final UserPrincipal user;
    private final GroupPrincipal group;

    private DbOsUser(String name, UserPrincipal user, GroupPrincipal group) {
        this.name = name;
        this.user = user;
        this.group = group;
    }

    /** True when this JVM runs as root (uid 0), whatever it is called. */
    static boolean runningAsRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    /** The account {@code name}, created (system account, own group, no home, no shell) if missing. */
    static DbOsUser ensure(String name) {
        if (run(List.of("id", "-u", name)).exit() != 0) {
            Result r = run(List.of("useradd", "--system", "--user-group", "--no-create-home", "--home-dir",
                    "/nonexistent", "--shell", "/usr/sbin/nologin", name));
            if (r.exit() != 0) {
                throw new CuspException(ErrorCode.UNAVAILABLE, "cannot create the OS user '" + name + "' that runs"
                        + " the embedded MariaDB node (useradd: " + r.output().strip() + "); create it yourself, e.g."
                        + " 'useradd --system --user-group --no-create-home --shell /usr/sbin/nologin " + name
                        + "', or name an existing unprivileged user in the setting db.os.user");
            }
            LOG.info("node: created the OS user {} that runs mariadbd (not root)", name);
        }
        Result uid = run(List.of("id", "-u", name));
        if (uid.output().strip().equals("0")) {
            throw new CuspException(ErrorCode.INVALID_INPUT, "db.os.user '" + name + "' is root (uid 0); name an"
                    + " unprivileged user", "db.os.user");
        }
        Result g = run(List.of("id", "-gn", name));
        try {
            var lookup = FileSystems.getDefault().getUserPrincipalLookupService();
            return new DbOsUser(name, lookup.lookupPrincipalByName(name),
                    lookup.lookupPrincipalByGroupName(g.output().strip()));
        } catch (IOException e) {
            throw new CuspException(ErrorCode.UNAVAILABLE, "cannot look up the OS user '" + name + "': "
                    + e.getMessage(), "db.os.user", e);
        }
    }

    String name() {
        return name;
    }

    /**
     * Gives {@code dir} to this account; the whole tree when the folder itself is not yet its own
     * (a node made before Cusp ran mariadbd unprivileged, or under another db.os.user). Only
     * while mariadbd is stopped: the account then runs nothing that could race the walk.
     */
    void own(Path dir) {
        try {
            PosixFileAttributes a = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (a.owner().equals(user) && a.group().equals(group)) {
                return;
            }
            LOG.info("node: giving {} to the OS user {}", dir, name);
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                    chown(d);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
                    chown(f);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new CuspException(ErrorCode.UNAVAILABLE, "cannot give " + dir + " to the OS user " + name + ": "
                    + e.getMessage(), null, e);
        }
    }

    /** Gives one file or folder to this account, never following a link. */
    void chown(Path p) throws IOException {
        PosixFileAttributeView v = Files.getFileAttributeView(p, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
        v.setOwner(user);
        v.setGroup(group);
    }

    /** Leaves root the owner and gives the folder or file to this account's group (read, and enter). */
    void groupOnly(Path p) throws IOException {
        Files.getFileAttributeView(p, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).setGroup(group);
    }

    UserPrincipal user() {
        return user;
    }

    GroupPrincipal group() {
        return group;
    }

    /** The first of {@code dirs} this account cannot enter, tried as the account itself; null when none. */
    Path firstUnsearchable(List<Path> dirs) {
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=" + name, "--regid=" + group.getName(),
                "--init-groups", "--", "/bin/sh", "-c",
                "for d do [ -x \"$d\" ] || { printf %s \"$d\"; exit 1; }; done", "sh"));
        dirs.forEach(d -> cmd.add(d.toString()));
        Result r = run(cmd);
        if (r.exit() == 0) {
            return null;
        }
        String out = r.output().strip();
        return dirs.stream().filter(d -> d.toString().equals(out)).findFirst()
                .orElseThrow(() -> new CuspException(ErrorCode.UNAVAILABLE, "cannot check which folders the OS user "
                        + name + " may enter (setpriv: " + out + ")"));
    }

    record Result(int exit, String output) {
    }

    static Result run(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, cmd.get(0) + " did not finish");
            }
            return new Result(p.exitValue(), out);
        } catch (IOException e) {
            return new Result(-1, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
    }
}
