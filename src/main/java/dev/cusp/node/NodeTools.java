package dev.cusp.node;

import dev.cusp.error.CuspException;
import dev.cusp.error.ErrorCode;
import dev.cusp.base.FilePermissions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the node's own command-line tools ({@code mariadb}, {@code mariadb-dump}) from its
 * base folder. Passwords go through an owner-only option file, never the command line, where
 * any local user could read them from the process list.
 */
public final class NodeTools {
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private final NodeConfig config;

    public NodeTools(NodeConfig config) {
        this.config = config;
    }

    /** Runs SQL as root over the unix socket (root has no password; only the OS user can). */
    public String runAsRoot(String sql) {
        return run(List.of(config.binary("mariadb").toString(), "--no-defaults", "--batch", "--skip-column-names",
                "--socket=" + config.socket(), "-uroot"), sql);
    }

    /**
     * An option file holding the admin credentials, for tools that take {@code --defaults-extra-file}.
     * In a folder of root's (or the site user's) own, not the run folder: that one belongs to the
     * database's OS user, who could replace the file and so choose options (a plugin to load) for
     * the tools root runs.
     */
    public Path adminOptionFile() {
        Path f = config.dir().resolve("admin").resolve("admin.cnf");
        FilePermissions.writePrivate(f, "[client]\nuser=" + EmbeddedNode.ADMIN_USER + "\npassword="
                + config.adminPassword() + "\nhost=127.0.0.1\nport=" + config.port() + "\n");
        return f;
    }

    /**
     * Pipes {@code mariadb-dump --single-transaction} of {@code source} into {@code target}:
     * a consistent copy without locking writers. The copy is not written to the binary log,
     * so backups never replicate.
     */
    public void copyDatabase(String source, String target) {
        String opt = "--defaults-extra-file=" + adminOptionFile();
        ProcessBuilder dump = new ProcessBuilder(config.binary("mariadb-dump").toString(), opt,
                "--single-transaction", "--routines", "--triggers", "--events", "--skip-add-locks",
                "--net-buffer-length=1048576", source);
        ProcessBuilder load = new ProcessBuilder(config.binary("mariadb").toString(), opt,
                "--init-command=SET SESSION sql_log_bin=0", target);
        try {
            List<Process> ps = ProcessBuilder.startPipeline(List.of(
                    dump.redirectError(ProcessBuilder.Redirect.PIPE),
                    load.redirectError(ProcessBuilder.Redirect.PIPE)));
            for (Process p : ps) {
                if (!p.waitFor(6, TimeUnit.HOURS) || p.exitValue() != 0) {
                    throw new CuspException(ErrorCode.INTERNAL, "copy of " + source + " failed: "
                            + new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).trim());
                }
            }
        } catch (IOException e) {
            throw new CuspException(ErrorCode.INTERNAL, "cannot run mariadb-dump: " + e.getMessage(), null, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CuspException(ErrorCode.INTERNAL, "backup interrupted");
        }
    }

    /**
     * Dumps {@code database} to a new SQL file, readable by its owner only. The file is made
     * here, exclusively and without following a symbolic link at its path ({@code O_EXCL},
     * {@code O_NOFOLLOW}): the site runs as root and the folder may be shared, so an existing
     * file or link at that path is refused, never written through. The folder is left as it is.
     *
     * @throws CuspException INVALID_INPUT (field {@code file}) when something is already at that path
     */
    public void dumpToFile(String database, Path file) {
        List<String> cmd = List.of(config.binary("mariadb-dump").toString(),
                "--defaults-extra-file=" + adminOptionFile(), "--single-transaction", "--routines", "--triggers",
                "--events", "--databases", database);
        boolean done = false;
        try (FileChannel out = FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS), PosixFilePermissions.asFileAttribute(OWNER_ONLY))) {
            try {
                Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.PIPE).start();
                CompletableFuture<String> errors = CompletableFuture.supplyAsync(() -> {
                    try (InputStream err = p.getErrorStream()) {
                        return new String(err.readAllBytes(), StandardCharsets.UTF_8).trim();
                    } catch (IOException e) {
                        return e.getMessage();
                    }
                });
                try (InputStream in = p.getInputStream()) {
                    in.transferTo(Channels.newOutputStream(out));
                }
                if (!p.waitFor(6, TimeUnit.HOURS) || p.exitValue() != 0) {
                    p.destroyForcibly();
                    throw new CuspException(ErrorCode.INTERNAL, "mariadb-dump of " + database + " failed: "
                            + errors.join());
                }
                out.force(true);
                done = true;
            } finally {
                if (!done) {
                    Files.deleteIfExists(file);
                }
            }
        } catch (FileAlreadyExistsException e) {
            throw CuspException.invalid("file", file + " already exists (a file or a link); choose a new file name");
        } catch (NoSuchFileException e) {
            throw CuspException.invalid("file", "folder " + file.getParent() + " does not exist");
        } catch (IOException e) {
            throw new CuspException(ErrorCode.INTERNAL, "cannot write " + file + ": " + e.getMessage(), null, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CuspException(ErrorCode.INTERNAL, "backup interrupted");
        }
    }

    private static String run(List<String> cmd, String stdin) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            if (stdin != null) {
                p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            p.getOutputStream().close();
            String out;
            try (InputStream in = p.getInputStream()) {
                out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new CuspException(ErrorCode.INTERNAL, Path.of(cmd.get(0)).getFileName() + " failed: " + out.trim());
            }
            return out;
        } catch (IOException e) {
            throw new CuspException(ErrorCode.INTERNAL, "cannot run " + cmd.get(0) + ": " + e.getMessage(), null, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CuspException(ErrorCode.INTERNAL, "interrupted");
        }
    }
}
