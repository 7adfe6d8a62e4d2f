package dev.cusp.wire;

import com.fasterxml.jackson.annotation.JsonInclude;

/** {@code POST /admin/update}: run the update (no field), or hand the update site role to {@code designate}. */
public record UpdateRequest(@JsonInclude(JsonInclude.Include.NON_NULL) String designate) {
}
