package dev.cusp.tenant;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * After a suspend: the other active sites of the group that confirmed, within the suspend's
 * deadline, that the practice's open connections there are cut, and those that did not answer
 * in time (or refused). These cut by themselves when the replicated suspend reaches them
 * ({@code group.TenantWatch}); the list says where that is still to happen.
 */
public record SessionCuts(List<String> confirmed, @JsonProperty("not_confirmed") List<String> notConfirmed) {
    public static final SessionCuts NONE = new SessionCuts(List.of(), List.of());
}
