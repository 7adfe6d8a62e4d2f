package dev.cusp.document;

import dev.cusp.error.CuspException;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where the admin API may read an A-to-Z folder from and write one to: the site's backups
 * folder and the folders of the setting {@code document.paths.allowed}. The site may run as
 * root: a path taken as given would let the holder of the admin token import {@code /root} or
 * {@code /etc} into a practice and read it back as documents, or write files anywhere. So the
 * folder is resolved to its real path (no {@code ..}, no linked folder) before it is compared,
 * and the import never follows a link inside it.
 */
public final class DocumentPaths {
    private final List<Path> allowed;

    public DocumentPaths(Path backups, List<Path> more) {
        List<Path> all = new ArrayList<>(List.of(backups));
        all.addAll(more);
        this.allowed = List.copyOf(all);
    }

    /** An existing folder to import from, as its real path. */
    public Path importFrom(String requested) {
        Path p = absolute(requested);
        Path real;
        try {
            real = p.toRealPath();
        } catch (IOException e) {
            throw CuspException.invalid("dir", "folder " + p + " does not exist or cannot be read");
        }
        if (!Files.isDirectory(real, LinkOption.NOFOLLOW_LINKS)) {
            throw CuspException.invalid("dir", p + " is not a folder");
        }
        requireAllowed(real, p);
        return real;
    }

    /** A new folder to export into, made now (readable by the site's user only). */
    public Path exportTo(String requested) {
        Path p = absolute(requested);
        Path name = p.getFileName();
        if (name == null || name.toString().equals("..") || name.toString().equals(".")) {
            throw CuspException.invalid("dir", "dir must name a new folder");
        }
        Path parent;
        try {
            parent = p.getParent().toRealPath();
        } catch (IOException e) {
            throw CuspException.invalid("dir", "folder " + p.getParent() + " does not exist or cannot be read");
        }
        requireAllowed(parent, p);
        Path target = parent.resolve(name);
        try {
            return Files.createDirectory(target, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
        } catch (FileAlreadyExistsException e) {
            throw CuspException.invalid("dir", p + " already exists; an export makes a new folder");
        } catch (NoSuchFileException e) {
            throw CuspException.invalid("dir", "folder " + p.getParent() + " does not exist");
        } catch (IOException e) {
            throw CuspException.invalid("dir", "cannot make " + p + ": " + e.getMessage());
        }
    }

    private static Path absolute(String requested) {
        if (requested == null || requested.isBlank() || requested.indexOf('\0') >= 0 || !requested.startsWith("/")) {
            throw CuspException.invalid("dir", "dir must be an absolute path on the site's machine");
        }
        return Path.of(requested).normalize();
    }

    private void requireAllowed(Path real, Path asked) {
        if (allowed.stream().map(DocumentPaths::real).flatMap(Optional::stream).noneMatch(real::startsWith)) {
            throw CuspException.invalid("dir", asked + " is not in the site's backups folder " + allowed.get(0)
                    + " or a folder the setting document.paths.allowed lists");
        }
    }

    private static Optional<Path> real(Path p) {
        try {
            return Optional.of(p.toRealPath());
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
