package dev.cusp.wire;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/** One node setting a join checked: its value before, the value required, and what was done (ok, set). */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record NodeSettingRow(String setting, String current, String required, String action) {
}
