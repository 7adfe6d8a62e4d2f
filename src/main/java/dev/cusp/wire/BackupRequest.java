package dev.cusp.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/** {@code POST /admin/tenants/{name}/backup}: to a backup database (the default) or to a file, at {@code file} if named. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record BackupRequest(boolean toFile, @JsonInclude(JsonInclude.Include.NON_NULL) String file) {
}
