package dev.cusp.document;

import java.time.LocalDateTime;

/**
 * What a document search asks for; every part optional (null). Dates bound {@code taken_at}:
 * {@code takenFrom} inclusive, {@code takenTo} exclusive.
 */
public record DocumentQuery(Long patientId, String category, LocalDateTime takenFrom, LocalDateTime takenTo,
                            int page, int size) {
}
