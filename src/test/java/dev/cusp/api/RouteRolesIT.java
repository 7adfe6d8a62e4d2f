package dev.cusp.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.support.TestSite;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every route the real server registers declares what it is, and the policy read from those
 * declarations is the one the path tests it replaced applied.
 */
class RouteRolesIT {
    /**
     * Practice routes that POST but change no practice data, each one reviewed: a login makes a
     * session, a logout ends one, the query window only reads (its scratch tables die with its
     * session). A new route here needs a reason, not just a role.
     */
    private static final Map<String, ApiRole> PRACTICE_POSTS_THAT_DO_NOT_WRITE = Map.of(
            "POST /api/v1/t/{tenant}/login", ApiRole.PRACTICE_LOGIN,
            "POST /api/v1/t/{tenant}/logout", ApiRole.PRACTICE_LOGIN,
            "POST /api/v1/t/{tenant}/query", ApiRole.PRACTICE_READ);

    private static List<RouteTable.Route> routes() {
        return TestSite.shared().site.api().routes();
    }

    private static String key(RouteTable.Route r) {
        return r.method() + " " + r.path();
    }

    @Test
    void everyPracticeRouteThatChangesDataDeclaresAWriteRole() {
        List<String> wrong = new ArrayList<>();
        Set<String> practiceRoutes = new TreeSet<>();
        for (RouteTable.Route r : routes()) {
            if (!r.path().startsWith("/api/v1/t/{tenant}/")) {
                continue;
            }
            practiceRoutes.add(key(r));
            boolean reads = r.method().equals("GET") || r.method().equals("HEAD");
            ApiRole expected = PRACTICE_POSTS_THAT_DO_NOT_WRITE.get(key(r));
            boolean ok = r.role() instanceof ApiRole role && (reads ? role == ApiRole.PRACTICE_READ
                    : expected != null ? role == expected : role.writes() && role.name().startsWith("PRACTICE_"));
            if (!ok) {
                wrong.add(key(r) + " declares " + r.role());
            }
        }
        assertThat(practiceRoutes).as("the practice routes").hasSizeGreaterThan(40)
                .containsAll(PRACTICE_POSTS_THAT_DO_NOT_WRITE.keySet());
        assertThat(wrong).as("practice routes whose role does not say they change data").isEmpty();
    }

    @Test
    void everyRouteDeclaresARoleAndPeerRoutesAPeerAccess() {
        List<String> wrong = new ArrayList<>();
        for (RouteTable.Route r : routes()) {
            boolean peer = r.path().startsWith("/api/v1/peer/");
            if (peer ? !(r.role() instanceof PeerAccess) : !(r.role() instanceof ApiRole)) {
                wrong.add(key(r) + " declares " + r.role());
            }
        }
        assertThat(wrong).isEmpty();
    }

    /**
     * The policy each route's role gives is the one the path tests gave before roles (GroupRoutes'
     * GUARDED pattern and its method and suffix tests, kept here as the reference), for every
     * route the server has: behaviour did not change.
     */
    @Test
    void theRolesGiveThePolicyThePathTestsGave() {
        Pattern guarded = Pattern.compile("/api/v1/t/([^/]+)/(?:(patients/merge|insurance-plans/combine)"
                + "|(patients|insurance-plans|fee-schedules|documents)/[^/]+)/?");
        Pattern query = Pattern.compile("/api/v1/(t|admin/tenants)/[^/]+/query/?");
        // Also served at a report replica: maintenance checks, and a document export (it only reads).
        Pattern dbmAtReplica = Pattern.compile("/api/v1/admin/tenants/[^/]+/(dbm/(check|fix)|documents/export)/?");
        List<String> wrong = new ArrayList<>();
        Set<String> destructive = new TreeSet<>();
        for (RouteTable.Route r : routes()) {
            String path = r.path().replaceAll("\\{[a-z_]+}", "x7");
            boolean reads = r.method().equals("GET") || r.method().equals("HEAD");
            boolean practice = Before.covers("/api/v1/t", path);
            boolean tenants = Before.covers("/api/v1/admin/tenants", path);
            boolean practiceWrite = practice && !reads && !path.endsWith("/login") && !path.endsWith("/logout")
                    && !query.matcher(path).matches();
            var m = guarded.matcher(path);
            boolean wasGuarded = practiceWrite && m.matches() && ((r.method().equals("POST") && m.group(2) != null)
                    || (r.method().equals("DELETE") && m.group(3) != null));
            String replica = practiceWrite ? "write" : tenants && !reads && !query.matcher(path).matches()
                    && !dbmAtReplica.matcher(path).matches() ? "manage tenants" : null;
            ApiRole role = r.role() instanceof ApiRole a ? a : null;
            boolean seeding = role != null && role.practiceData;
            String refused = role == null ? null : role.refusedAtReplica;
            boolean fenced = role != null && role.fenced;
            boolean isGuarded = role != null && role.guarded;
            if (seeding != practice || !java.util.Objects.equals(refused, replica) || fenced != practiceWrite
                    || isGuarded != wasGuarded) {
                wrong.add(key(r) + " declares " + r.role() + ": seeding " + seeding + ", replica " + refused
                        + ", fenced " + fenced + ", guarded " + isGuarded);
            }
            if (isGuarded) {
                destructive.add(key(r));
            }
        }
        assertThat(wrong).isEmpty();
        assertThat(destructive).containsExactly("DELETE /api/v1/t/{tenant}/documents/{id}",
                "DELETE /api/v1/t/{tenant}/fee-schedules/{id}",
                "DELETE /api/v1/t/{tenant}/insurance-plans/{id}", "DELETE /api/v1/t/{tenant}/patients/{id}",
                "POST /api/v1/t/{tenant}/insurance-plans/combine", "POST /api/v1/t/{tenant}/patients/merge");
    }

    @Test
    void theDocumentShowsEachOperationsRole() {
        TestSite site = TestSite.shared();
        JsonNode paths = site.call("GET", "/api/v1/openapi.json", null, null).json().path("paths");
        List<String> wrong = new ArrayList<>();
        for (RouteTable.Route r : routes()) {
            JsonNode op = paths.path(r.path()).path(r.method().toLowerCase(java.util.Locale.ROOT));
            if (!op.path("x-cusp-role").asText().equals(String.valueOf(r.role()))) {
                wrong.add(key(r) + ": " + op.path("x-cusp-role"));
            }
        }
        assertThat(wrong).isEmpty();
    }
}
