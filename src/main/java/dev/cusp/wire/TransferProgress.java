package dev.cusp.wire;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * How far a transfer of files (a document import or export) has got: files and bytes done of
 * the totals, the rate, and the time left in seconds (-1 unknown).
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record TransferProgress(long files, long filesTotal, long bytes, long bytesTotal, long bytesPerSecond,
                               long etaSeconds) {
}
