package dev.cusp.wire;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * {@code POST /admin/tenants/{name}/restore} ({@code cusp tenant restore}); a field left null is
 * not sent.
 *
 * @param to     the moment, ISO-8601 UTC; null: the backup's own
 * @param backup the backup to start from; null: the newest before {@code to}
 * @param as     a new practice to restore into; null: the practice itself
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RestoreRequest(String to, String backup, String as) {
}
