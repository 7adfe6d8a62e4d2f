package dev.cusp.tenant;

import dev.cusp.error.CuspException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where the admin API may write a backup file: the site's backups folder, and the folders the
 * setting {@code backup.paths.allowed} lists. The site runs as root; a path taken as given
 * would let whoever holds the admin token write a file anywhere (through {@code ../} or a
 * linked folder), so the folder is resolved to its real path first and then compared.
 */
public final class BackupPaths {
    private final Path folder;
    private final List<Path> allowed;

    /**
     * @param folder  the site's backups folder (always allowed)
     * @param allowed more folders, from the setting (absolute paths)
     */
    public BackupPaths(Path folder, List<Path> allowed) {
        this.folder = folder;
        List<Path> all = new ArrayList<>(List.of(folder));
        all.addAll(allowed);
        this.allowed = List.copyOf(all);
    }

    /** Parses the setting's value: empty, or absolute folders separated by commas. */
    public static List<Path> parse(String setting) {
        List<Path> out = new ArrayList<>();
        for (String p : setting.split(",")) {
            if (!p.isBlank()) {
                out.add(Path.of(p.trim()));
            }
        }
        return out;
    }

    /** The site's backups folder. */
    public Path folder() {
        return folder;
    }

    /**
     * The path to write for a requested file: its folder resolved to the real one (no
     * {@code ..}, no linked folder), inside an allowed folder, the name itself free.
     *
     * @throws CuspException 400 naming {@code file} otherwise
     */
    public Path check(Path requested) {
        if (!requested.isAbsolute()) {
            throw CuspException.invalid("file", "backup file must be an absolute path on the site's machine");
        }
        Path name = requested.getFileName();
        if (name == null || name.toString().equals("..") || name.toString().equals(".")) {
            throw CuspException.invalid("file", "backup file must name a file, not a folder");
        }
        Path parent;
        try {
            parent = requested.getParent().toRealPath();
        } catch (NoSuchFileException e) {
            throw CuspException.invalid("file", "folder " + requested.getParent() + " does not exist");
        } catch (IOException e) {
            throw CuspException.invalid("file", "cannot read folder " + requested.getParent() + ": " + e.getMessage());
        }
        if (allowed.stream().map(BackupPaths::real).flatMap(Optional::stream).noneMatch(parent::startsWith)) {
            throw CuspException.invalid("file", "backup files go into the site's backups folder " + folder
                    + " (or a folder listed in the setting backup.paths.allowed); " + requested + " is not in one");
        }
        Path target = parent.resolve(name);
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw CuspException.invalid("file", requested + " already exists; choose a new file name");
        }
        return target;
    }

    /** The real path of an allowed folder; one that does not exist allows nothing. */
    private static Optional<Path> real(Path p) {
        try {
            return Optional.of(p.toRealPath());
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
