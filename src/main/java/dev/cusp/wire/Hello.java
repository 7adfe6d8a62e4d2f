package dev.cusp.wire;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/** What a site tells a joining site about itself before anything else ({@code GET /peer/hello}): public facts. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Hello(String site, String version, String controlSchema, String practiceSchema) {
}
