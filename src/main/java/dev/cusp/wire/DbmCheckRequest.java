package dev.cusp.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/** {@code POST /admin/tenants/{name}/dbm/check}: at every site or this one, the methods named (absent: all). */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record DbmCheckRequest(boolean allSites, @JsonInclude(JsonInclude.Include.NON_NULL) List<String> methods) {
}
