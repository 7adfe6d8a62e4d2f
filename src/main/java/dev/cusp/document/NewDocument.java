package dev.cusp.document;

import java.time.LocalDateTime;

/**
 * A document's metadata as an upload or an import gives it; its content is already stored.
 *
 * @param patientId null for an unfiled document
 * @param takenAt   when the image was taken or the letter written, or null
 */
public record NewDocument(Long patientId, String fileName, String description, String mimeType, String category,
                          LocalDateTime takenAt) {
}
