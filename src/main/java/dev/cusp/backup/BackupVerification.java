package dev.cusp.backup;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What a verification drill found ({@code verify.json} beside the manifest; the newest drill's).
 *
 * @param verifiedAt    when the drill ran
 * @param ok            true when every file matched its checksum, the backup loaded, every
 *                      maintenance check ran and every table held the rows its manifest records
 * @param problems      each problem in one sentence, naming the file or table (empty when ok)
 * @param rows          the row count of each table as loaded
 * @param maintenance   each maintenance check's number of rows found in the loaded copy (a
 *                      finding about the practice's data, not a failure of the backup)
 * @param elapsedMillis how long the drill took
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record BackupVerification(Instant verifiedAt, boolean ok, List<String> problems, Map<String, Long> rows,
                                 Map<String, Long> maintenance, long elapsedMillis) {
    public BackupVerification {
        problems = List.copyOf(problems);
        rows = Map.copyOf(rows);
        maintenance = Map.copyOf(maintenance);
    }
}
