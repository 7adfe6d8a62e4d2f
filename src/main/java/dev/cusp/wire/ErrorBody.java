package dev.cusp.wire;

import com.fasterxml.jackson.annotation.JsonInclude;

/** What went wrong, as every error answer and a failed job carry it: the error code's name, a message, the field at fault. */
public record ErrorBody(String code, String message, @JsonInclude(JsonInclude.Include.NON_NULL) String field) {
}
