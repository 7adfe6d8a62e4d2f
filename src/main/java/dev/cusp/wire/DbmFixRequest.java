package dev.cusp.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/** {@code POST /admin/tenants/{name}/dbm/fix}: the methods to fix, at {@code site} (absent: the asked site). */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record DbmFixRequest(List<String> methods, @JsonInclude(JsonInclude.Include.NON_NULL) String site,
                            boolean allowUnsafe) {
}
