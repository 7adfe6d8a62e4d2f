package dev.cusp.wire;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/** A database maintenance method as {@code cusp dbm list} shows it (no SQL). */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record DbmMethod(String name, String table, String finds, String fixes, boolean replicationSafe,
                        String safety) {
}
