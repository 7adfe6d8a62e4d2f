package dev.cusp.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** One site's answer for one method in a report: its finding, or the error that kept it from answering. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DbmSiteResult(Long count, List<Long> ids, String digest, String error) {
    public static DbmSiteResult of(MethodFinding f) {
        return new DbmSiteResult(f.count(), f.ids(), f.digest(), null);
    }

    public static DbmSiteResult failed(String error) {
        return new DbmSiteResult(null, null, null, error);
    }
}
