package dev.cusp.wire;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/** A login's answer: the bearer token and how long it lives. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record LoginAnswer(String token, long expiresInSeconds) {
}
