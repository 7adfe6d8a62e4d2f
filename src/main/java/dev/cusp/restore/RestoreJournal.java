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
 * site killed at any moment finishes or undoes it at its next start ({@link LocalSwap#recover}):
 * before the swap, the live practice is untouched and the staging copy is dropped; after it,
 * the swap is completed. The swap itself is one {@code RENAME TABLE}, which MariaDB makes atomic
 * and crash-safe.
 *
 * <p>It also carries the hold across a restart: a practice whose journal is found at start stays
 * held until the restore is finished or rolled back. At the site that runs a group restore
 * ({@code origin} is this site) the journal lives on after the local swap, in phase
 * {@code distributing}, until every other site has the restored practice ({@code pending}); a
 * restarted site goes on giving it out from {@code restored}. At another site ({@code origin}
 * names the restoring site) a restart finishes or undoes the local swap and keeps the practice
 * held: only the restoring site ends the hold, everywhere at once.
 *
 * @param tenant       the practice held while the restore runs
 * @param target       the database restored into (the practice's, or the new one's for {@code --as})
 * @param staging      the database the restored tables were loaded into
 * @param old          the database the replaced tables are moved to
 * @param phase        {@code loading}, {@code swapping}, {@code swapped} or {@code distributing}
 * @param liveTriggers the target's triggers before the swap (database-free CREATE statements and sql_mode)
 * @param newTriggers  the restored triggers, to be made after the swap
 * @param origin       the site that runs the restore (null in journals of older versions: this site)
 * @param pending      at the origin, the other sites that do not have the restored practice yet
 * @param restored     at the origin, the folder (below the work folder) of the restored practice to give out
 * @param details      at the origin, what the practice's security log says once the restore is done
 */
record RestoreJournal(String tenant, String target, String staging, String old, String phase,
                      List<Trigger> liveTriggers, List<Trigger> newTriggers, String origin, List<String> pending,
                      String restored, String details) {
    static final String LOADING = "loading";
    static final String SWAPPING = "swapping";
    static final String SWAPPED = "swapped";
    static final String DISTRIBUTING = "distributing";

    /** One trigger: its name, sql_mode and CREATE statement. */
    record Trigger(String name, String sqlMode, String create) {
    }

    RestoreJournal at(String newPhase) {
        return new RestoreJournal(tenant, target, staging, old, newPhase, liveTriggers, newTriggers, origin, pending,
                restored, details);
    }

    RestoreJournal withTriggers(List<Trigger> live, List<Trigger> restoredTriggers) {
        return new RestoreJournal(tenant, target, staging, old, phase, live, restoredTriggers, origin, pending,
                restored, details);
    }

    /** The group part of a restore run at this site: who still needs it, from which folder, what to log. */
    RestoreJournal distributing(List<String> sites, String folder, String logDetails) {
        return new RestoreJournal(tenant, target, staging, old, phase, liveTriggers, newTriggers, origin,
                List.copyOf(sites), folder, logDetails);
    }

    /** True when {@code site} runs this restore (journals of older versions have no origin: this site's). */
    boolean runBy(String site) {
        return origin == null || origin.equals(site);
    }

    /** True at the restoring site while other sites still need the restored practice. */
    boolean groupPending() {
        return pending != null && !pending.isEmpty() && restored != null;
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
