package dev.cusp.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** One tenant's part of a maintenance check: each method's comparison, or why the tenant was skipped. */
public record DbmTenantReport(String tenant, @JsonInclude(JsonInclude.Include.NON_NULL) String skipped, @JsonInclude(JsonInclude.Include.NON_NULL) List<DbmMethodReport> methods) {
}
