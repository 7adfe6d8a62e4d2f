package dev.cusp.wire;

/** Every error the API answers: {@code {"error": {"code", "message", "field"}}}. */
public record ErrorAnswer(ErrorBody error) {
}
