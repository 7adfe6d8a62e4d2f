package dev.cusp.docsync;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import java.util.Map;

/** What {@code cusp check} and {@code cusp repair} say of the practices' files. */
public final class FileReport {
    private FileReport() {
    }

    /** One practice at one site: the hashes its rows name, and those missing or not hashing to their name. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Practice(String tenant, long files, List<String> missing, List<String> corrupt, long refetched) {
        boolean clean() {
            return missing.isEmpty() && corrupt.isEmpty();
        }
    }

    /** One site's files, every practice (or the one asked for). */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Site(String site, List<Practice> practices) {
        boolean clean() {
            return practices.stream().allMatch(Practice::clean);
        }
    }

    /** Every active site's files; {@code unreachable}: site to why it could not be asked. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Group(boolean clean, List<Site> sites, Map<String, String> unreachable) {
    }

    /** The body of a check or repair request (admin and peer routes). */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Request(String tenant) {
    }
}
