package dev.cusp.docsync;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * A site's document replication as {@code cusp status}, the admin API and {@code /metrics} show
 * it: the files its rows name that it does not hold yet (how many, their bytes as the rows state
 * them, and how long the oldest has been missing here), and what it has fetched since it started.
 *
 * @param oldestSeconds how long the oldest missing file has been missing at this site; null when none is
 * @param fetchedFiles  files fetched from other sites since this site started (read-throughs included)
 * @param resumed       transfers that went on from where a cut left them, since start
 * @param rejected      transfers refused because the bytes did not hash to the file's name, or ran past its size
 * @param alertMinutes  document.backlog.alert.minutes: the backlog's age that raises DOCUMENT_BACKLOG
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Backlog(long files, long bytes, Long oldestSeconds, int transfers, long fetchedFiles,
                      long fetchedBytes, long resumed, long rejected, int alertMinutes) {

    public boolean empty() {
        return files == 0;
    }
}
