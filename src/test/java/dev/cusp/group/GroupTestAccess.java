package dev.cusp.group;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.support.TestSite;
import dev.cusp.tenant.TenantService;

/** {@link GroupIT}'s helpers for tests in other packages. */
public final class GroupTestAccess {
    private GroupTestAccess() {
    }

    public static String invite(TestSite s, String role) throws Exception {
        return GroupIT.invite(s, role);
    }

    public static JsonNode join(TestSite s, String token) throws Exception {
        return GroupIT.join(s, token, false);
    }

    public static void awaitConverged(TestSite... sites) throws Exception {
        GroupIT.awaitConverged(sites);
    }

    public static String login(TestSite s, TenantService.Created t) {
        return GroupIT.login(s, t);
    }

    public static long addPatient(TestSite s, String tenant, String token, String name) {
        return GroupIT.addPatient(s, tenant, token, name);
    }

    public static TestSite.Response admin(TestSite s, String method, String path, Object body) throws Exception {
        return GroupIT.admin(s, method, path, body);
    }

    public static String[] cli(TestSite s, String... args) {
        return GroupIT.cli(s, args);
    }
}
