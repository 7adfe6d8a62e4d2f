package dev.cusp.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/**
 * A long-running job (join, re-seed, check, repair, update, maintenance) as the site shows it:
 * the steps so far, the current progress figures, and in the end a result or an error.
 *
 * @param state    running, succeeded or failed
 * @param progress figures by kind: {@link SeedProgress} for a seed, {@link CheckProgress} for a check, else empty
 * @param result   when succeeded, the kind's answer (a {@link CheckReport}, a {@link RepairReport}, ...)
 * @param site     the site the job runs at, when it was asked of another site of the group
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record JobStatus(String id, String kind, String state, String startedAt, String finishedAt, List<String> steps,
                        JsonNode progress, @JsonInclude(JsonInclude.Include.NON_NULL) JsonNode result,
                        @JsonInclude(JsonInclude.Include.NON_NULL) ErrorBody error,
                        @JsonInclude(JsonInclude.Include.NON_NULL) String site) {
    public static final String SUCCEEDED = "succeeded";
    public static final String FAILED = "failed";

    /** The same job, named as running at {@code at}. */
    public JobStatus at(String at) {
        return new JobStatus(id, kind, state, startedAt, finishedAt, steps, progress, result, error, at);
    }
}
