package dev.cusp.document;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * A document as the API answers it: the {@code document} row. {@code sha256} names its content
 * in the practice's store (null for a record made without content); {@code patientId} is null
 * for an unfiled document. Times are the practice's local date-times, as every record has them.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record DocumentRecord(long id, Long patientId, String fileName, String description, String mimeType,
                             Long sizeBytes, String sha256, String category, String takenAt, String createdAt,
                             String updatedAt) {
}
