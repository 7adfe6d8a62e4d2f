package dev.cusp.restore;

import dev.cusp.base.FilePermissions;
import dev.cusp.base.JsonMapping;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * What a restore in progress has done, written before each step that changes the node, so a
 * site killed at any moment finishes or undoes it at its next start ({@link Restorer#recover}):
 * before the swap, the live practice is untouched and the staging copy is dropped; after it,
 * the swap is completed. The swap itself is one {@code RENAME TABLE}, which MariaDB makes atomic
 * and crash-safe.
 *
 * @param tenant       the practice held while the restore runs
 * @param target       the database restored into (the practice's, or the new one's for {@code --as})
 * @param staging      the database the restored tables were loaded into
 * @param old          the database the replaced tables are moved to
 * @param phase        {@code loading}, {@code swapping} or {@code swapped}
 * @param liveTriggers the target's triggers before the swap (database-free CREATE statements and sql_mode)
 * @param newTriggers  the restored triggers, to be made after the swap
 */
record RestoreJournal(String tenant, String target, String staging, String old, String phase,
                      List<Trigger> liveTriggers, List<Trigger> newTriggers) {
    static final String LOADING = "loading";
    static final String SWAPPING = "swapping";
    static final String SWAPPED = "swapped";

    /** One trigger: its name, sql_mode and CREATE statement. */
    record Trigger(String name, String sqlMode, String create) {
    }

    RestoreJournal at(String newPhase) {
        return new RestoreJournal(tenant, target, staging, old, newPhase, liveTriggers, newTriggers);
    }

    RestoreJournal withTriggers(List<Trigger> live, List<Trigger> restored) {
        return new RestoreJournal(tenant, target, staging, old, phase, live, restored);
    }

    static Path file(Path dir, String target) {
        return dir.resolve("journal-" + target + ".json");
    }

    void write(Path dir) {
        try {
            FilePermissions.writePrivate(file(dir, target), JsonMapping.MAPPER.writeValueAsBytes(this));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void delete(Path dir) {
        try {
            Files.deleteIfExists(file(dir, target));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<RestoreJournal> all(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith("journal-")
                    && p.getFileName().toString().endsWith(".json")).map(p -> {
                        try {
                            return JsonMapping.MAPPER.readValue(Files.readAllBytes(p), RestoreJournal.class);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    }).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
