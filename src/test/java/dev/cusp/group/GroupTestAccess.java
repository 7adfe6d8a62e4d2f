package dev.cusp.group;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.support.TestSite;
import dev.cusp.tenant.TenantService;

/** {@link GroupIT}'s helpers for tests in other packages. */
public final class GroupTestAccess {
    private GroupTestAccess() {
    }

    public static String invite(TestSite s, String role) throws Exception {
        return GroupSites.invite(s, role);
    }

    public static JsonNode join(TestSite s, String token) throws Exception {
        return GroupSites.join(s, token, false);
    }

    public static void awaitConverged(TestSite... sites) throws Exception {
        GroupSites.awaitConverged(sites);
    }

    public static String login(TestSite s, TenantService.Created t) {
        return GroupSites.login(s, t);
    }

    public static long addPatient(TestSite s, String tenant, String token, String name) {
        return GroupSites.addPatient(s, tenant, token, name);
    }

    public static TestSite.Response admin(TestSite s, String method, String path, Object body) throws Exception {
        return GroupSites.admin(s, method, path, body);
    }

    public static String[] cli(TestSite s, String... args) {
        return GroupSites.cli(s, args);
    }
}
