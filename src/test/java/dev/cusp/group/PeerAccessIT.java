package dev.cusp.group;

import static dev.cusp.group.GroupSites.admin;
import static dev.cusp.group.GroupSites.invite;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.base.CuspVersion;
import dev.cusp.api.Json;
import dev.cusp.support.TestSite;
import dev.cusp.tenant.PracticeSchema;
import dev.cusp.tls.CertificateAuthority;
import dev.cusp.tls.TlsContexts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every peer route, called by every kind of site certificate, at one real site ("a", founder of
 * its group): an active peer, an active report replica, a site in the middle of its join (with
 * the certificate it joined with, and with another one of its own CA), a removed site, a site of
 * no group, and no certificate at all. Each route must answer exactly the callers it declares
 * and refuse the rest with 403 (401 without a certificate) and a JSON error naming why.
 *
 * <p>The other sites are certificates only (their CA and key made here, their membership rows
 * written at "a"): what an attacker holding one member's certificate has.
 */
class PeerAccessIT {
    static TestSite a;
    static Path certs;
    static final Map<String, HttpClient> CLIENTS = new LinkedHashMap<>();

    /** A peer route and a request that does no harm once allowed (most fail validation: 400). */
    record Route(String method, String path, String body, Set<String> allowed) {
    }

    private static final Set<String> PEERS = Set.of("pb");
    private static final Set<String> ACTIVE = Set.of("pb", "rr");
    private static final Set<String> JOINING_OR_ACTIVE = Set.of("pb", "rr", "jj");
    private static final String BAD = "{\"unexpected\":1}";

    /** Who may call what: written out here, not read from the declarations it checks. */
    static final List<Route> ROUTES = List.of(
            new Route("GET", "/api/v1/peer/status", null, ACTIVE),
            new Route("POST", "/api/v1/peer/links", "{}", ACTIVE),
            new Route("GET", "/api/v1/peer/snapshot", null, JOINING_OR_ACTIVE),
            new Route("POST", "/api/v1/peer/join/complete", BAD, JOINING_OR_ACTIVE),
            new Route("POST", "/api/v1/peer/remove", BAD, JOINING_OR_ACTIVE),
            new Route("POST", "/api/v1/peer/removed", "{}", PEERS),
            new Route("POST", "/api/v1/peer/reseed", "{\"discard_local\":true,\"unexpected\":1}", PEERS),
            new Route("POST", "/api/v1/peer/tenants/claim", BAD, PEERS),
            new Route("POST", "/api/v1/peer/tenants/release", BAD, PEERS),
            new Route("GET", "/api/v1/peer/jobs/00000000-0000-0000-0000-000000000000", null, PEERS),
            new Route("POST", "/api/v1/peer/check/chunk", BAD, ACTIVE),
            new Route("POST", "/api/v1/peer/check/rows", BAD, ACTIVE),
            new Route("POST", "/api/v1/peer/check/rewrite", BAD, PEERS),
            new Route("POST", "/api/v1/peer/dbm/check", BAD, ACTIVE),
            new Route("POST", "/api/v1/peer/dbm/fix", BAD, PEERS),
            new Route("GET", "/api/v1/peer/update/info", null, PEERS),
            new Route("POST", "/api/v1/peer/update/backup", BAD, PEERS),
            new Route("POST", "/api/v1/peer/update/verify", BAD, PEERS),
            new Route("POST", "/api/v1/peer/suspend/cut", BAD, PEERS),
            new Route("POST", "/api/v1/peer/url", BAD, ACTIVE));

    /**
     * Peer routes other than GET that a report replica's certificate still reaches, each reviewed
     * with the reason. Every other such route changes something at the called site and must
     * refuse a replica: {@link #aReplicasCertificateOrdersNoChangeAtAnotherSite} walks the route
     * table, so a route added later is covered without being listed anywhere.
     */
    static final Map<String, String> REPLICA_MAY_CALL = Map.ofEntries(
            Map.entry("POST /api/v1/peer/join", "OPEN: the one-time secret decides, and its invitation names the role"),
            Map.entry("POST /api/v1/peer/join/complete", "completes the caller's own join only"),
            Map.entry("POST /api/v1/peer/remove", "removes the caller itself only"),
            Map.entry("POST /api/v1/peer/links", "a replication account for the caller: it replicates from here anyway"),
            Map.entry("POST /api/v1/peer/check/chunk", "only reads (a POST for its body)"),
            Map.entry("POST /api/v1/peer/check/rows", "only reads (a POST for its body)"),
            Map.entry("POST /api/v1/peer/dbm/check", "only reads (a POST for its body)"),
            Map.entry("POST /api/v1/peer/documents/check", "only reads the called site's own files"),
            Map.entry("POST /api/v1/peer/documents/repair", "re-fetches only files the called site's own rows name and"
                    + " their hash proves, as its own sync does; changes no row and deletes no file"),
            Map.entry("POST /api/v1/peer/documents/{tenant}/stream", "only reads: files' bytes as the GET route gives"
                    + " them one by one (a POST for its list of hashes); a replica needs every file"),
            Map.entry("POST /api/v1/peer/url", "changes only the caller's own row, and only to a URL where a server of"
                    + " the caller's own CA answers as it (a replica's node cannot write its row; ReplicaMovedIT)"));

    @BeforeAll
    static void start() throws Exception {
        a = TestSite.start("peer-access", Map.of("site.name", "a"));
        certs = Files.createTempDirectory(a.site.home().dir(), "callers");
        // Founds the group: "a" becomes its first, active peer.
        String token = invite(a, "peer");
        for (String site : List.of("pb", "rr", "xx", "jj", "ot")) {
            ca(site).ensure(site, "127.0.0.1");
            CLIENTS.put(site, client(ca(site)));
        }
        // A second certificate of jj's own CA (another key): not the one jj joined with.
        Path jj2 = certs.resolve("jj2");
        Files.createDirectories(jj2);
        for (String f : List.of("ca.pem", "ca.key")) {
            Files.copy(certs.resolve("jj").resolve(f), jj2.resolve(f));
        }
        new CertificateAuthority(jj2).ensure("jj", "127.0.0.1");
        CLIENTS.put("jj2", client(new CertificateAuthority(jj2)));
        CLIENTS.put("none", TestSite.client(a.site.home()));

        record("pb", "peer", 2);
        record("rr", "replica", null);
        record("xx", "peer", 3);
        // Their addresses answer nothing, so a cannot fetch their revocation lists, and a member whose
        // list was never read is refused (unknown is not clean): give a each list as read before.
        for (String site : List.of("pb", "rr", "xx", "jj")) {
            dev.cusp.base.FilePermissions.writePrivate(a.site.home().dir().resolve("tls/peer-crls/" + site + ".crl"),
                    ca(site).revocations().current());
        }
        // jj joins through the real route, with the invitation's secret and its own certificate.
        TestSite.Response joined = post("jj", "/api/v1/peer/join", Json.MAPPER.writeValueAsString(joinRequest(token)));
        assertThat(joined.status()).as(joined.body()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> call("pb", "GET", "/api/v1/peer/status", null).status() == 200
                && call("rr", "GET", "/api/v1/peer/status", null).status() == 200);
        // xx is removed the way an admin does it; it cannot be told (its address answers nothing).
        TestSite.Response removed = admin(a, "DELETE", "/api/v1/admin/group/sites/xx", null);
        assertThat(removed.status()).as(removed.body()).isEqualTo(200);
    }

    @AfterAll
    static void stop() {
        if (a != null) {
            a.close();
        }
    }

    @Test
    void everyPeerRouteAnswersOnlyTheCallersItDeclares() {
        List<String> wrong = new ArrayList<>();
        for (Route r : ROUTES) {
            for (String caller : CLIENTS.keySet()) {
                TestSite.Response resp = call(caller, r.method(), r.path(), r.body());
                String code = resp.json().at("/error/code").asText();
                String message = resp.json().at("/error/message").asText();
                boolean refused = resp.status() == 403 || resp.status() == 401;
                if (r.allowed().contains(caller)) {
                    if (refused) {
                        wrong.add(caller + " " + r.method() + " " + r.path() + " refused: " + resp.body());
                    }
                    continue;
                }
                String expectedCode = caller.equals("none") ? "UNAUTHENTICATED" : "FORBIDDEN";
                if (!refused || !code.equals(expectedCode) || !message.matches(reason(caller))) {
                    wrong.add(caller + " " + r.method() + " " + r.path() + " -> " + resp.status() + " " + resp.body());
                }
            }
        }
        assertThat(wrong).isEmpty();
    }

    @Test
    void aReplicasCertificateOrdersNoChangeAtAnotherSite() {
        List<String> wrong = new ArrayList<>();
        Set<String> seen = new java.util.TreeSet<>();
        int refused = 0;
        for (dev.cusp.api.RouteTable.Route r : a.site.api().routes()) {
            String key = r.method() + " " + r.path();
            if (!r.path().startsWith("/api/v1/peer/") || r.method().equals("GET") || r.method().equals("HEAD")) {
                continue;
            }
            seen.add(key);
            if (REPLICA_MAY_CALL.containsKey(key)) {
                continue;
            }
            TestSite.Response resp = call("rr", r.method(), r.path().replaceAll("\\{[^}]+}", "x7"), BAD);
            if (resp.status() != 403 || !resp.json().at("/error/code").asText().equals("FORBIDDEN")
                    || !resp.json().at("/error/message").asText().matches(reason("rr"))) {
                wrong.add(key + " -> " + resp.status() + " " + resp.body());
            }
            refused++;
        }
        assertThat(wrong).as("peer routes that change the called site but answer a report replica").isEmpty();
        assertThat(seen).as("every reviewed exception is still a route").containsAll(REPLICA_MAY_CALL.keySet());
        assertThat(refused).isGreaterThanOrEqualTo(9);
    }

    @Test
    void openRoutesAnswerEveryone() throws Exception {
        for (String caller : CLIENTS.keySet()) {
            assertThat(call(caller, "GET", "/api/v1/peer/hello", null).json().path("site").asText()).isEqualTo("a");
        }
        assertThat(call("pb", "GET", "/api/v1/peer/membership", null).json().path("member").asBoolean()).isTrue();
        assertThat(call("xx", "GET", "/api/v1/peer/membership", null).json().path("member").asBoolean()).isFalse();
        assertThat(call("ot", "GET", "/api/v1/peer/membership", null).json().path("member").asBoolean()).isFalse();
    }

    @Test
    void aRemovalIsConfirmedWithTheSenderBeforeTheSiteStandsAlone() throws Exception {
        // pb's certificate is accepted, but pb itself (at its recorded address) does not confirm.
        TestSite.Response told = call("pb", "POST", "/api/v1/peer/removed", "{}");
        assertThat(told.status()).as(told.body()).isIn(409, 503);
        assertThat(told.json().at("/error/message").asText()).contains("stays in the group");
        assertThat(admin(a, "GET", "/api/v1/admin/group", null).json().path("state").asText())
                .isNotEqualTo("standalone");
    }

    /**
     * A join request from site {@code name} holding a fresh replica invitation of a's, with its
     * own CA's certificate as {@code ca_pem} (its site certificate issued for 127.0.0.1) and
     * {@code id} as its server and GTID domain id.
     */
    private static Map<String, Object> joiner(CertificateAuthority own, String name, int id) throws Exception {
        own.ensure(name, "127.0.0.1");
        Map<String, Object> req = joinRequest(invite(a, "replica"));
        req.put("site", name);
        req.put("ca_pem", TlsContexts.pem(CertificateAuthority.load(own.caCert())));
        req.put("server_id", id);
        req.put("gtid_domain_id", id);
        return req;
    }

    @Test
    void aJoinNeedsTheJoiningSitesOwnCertificate() throws Exception {
        CertificateAuthority kk = ca("kk");
        Map<String, Object> req = joiner(kk, "kk", 900_003);
        String body = Json.MAPPER.writeValueAsString(req);
        TestSite.Response noCert = post("none", "/api/v1/peer/join", body);
        assertThat(noCert.status()).as(noCert.body()).isEqualTo(401);
        // The secret with another site's certificate (not signed by the CA it sends): refused.
        TestSite.Response otherCert = post("ot", "/api/v1/peer/join", body);
        assertThat(otherCert.status()).as(otherCert.body()).isEqualTo(403);
        assertThat(otherCert.json().at("/error/field").asText()).isEqualTo("ca_pem");
        // Neither refusal used the secret: kk's own certificate joins with it.
        TestSite.Response ok = send(client(kk), "POST", "/api/v1/peer/join", body);
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
    }

    @Test
    void aJoinWithABadCaPemOrClientCertificateIsRefusedNamingCaPemNeverA500() throws Exception {
        CertificateAuthority ll = ca("ll");
        Map<String, Object> req = joiner(ll, "ll", 900_004);
        HttpClient llClient = client(ll);
        String pemHead = "-----BEGIN CERTIFICATE-----\n";
        String pemTail = "\n-----END CERTIFICATE-----\n";
        for (String bad : List.of("not a certificate", pemHead + "AAAA" + pemTail,
                pemHead + java.util.Base64.getEncoder().encodeToString(new byte[] {0x30, (byte) 0x82, 0x7f, 0x7f, 1, 2})
                        + pemTail,
                pemHead + java.util.Base64.getEncoder().encodeToString("garbage inside a PEM frame".getBytes()) + pemTail,
                // A real certificate, but not a CA: ll's own site certificate.
                Files.readString(ll.siteCert()))) {
            req.put("ca_pem", bad);
            TestSite.Response r = send(llClient, "POST", "/api/v1/peer/join", Json.MAPPER.writeValueAsString(req));
            assertThat(r.status()).as(bad + " -> " + r.body()).isEqualTo(400);
            assertThat(r.json().at("/error/field").asText()).as(r.body()).isEqualTo("ca_pem");
        }
        // A client certificate of the CA sent, but expired: refused naming ca_pem, not a 500.
        req.put("ca_pem", TlsContexts.pem(CertificateAuthority.load(ll.caCert())));
        TestSite.Response expired = send(expiredClient(ll), "POST", "/api/v1/peer/join",
                Json.MAPPER.writeValueAsString(req));
        assertThat(expired.status()).as(expired.body()).isEqualTo(403);
        assertThat(expired.json().at("/error/field").asText()).isEqualTo("ca_pem");
        // None of it used the invitation: ll's own certificate joins with it.
        TestSite.Response ok = send(llClient, "POST", "/api/v1/peer/join", Json.MAPPER.writeValueAsString(req));
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
    }

    /**
     * A joining site holding a valid invitation and its own certificate sends an address that every
     * member would store, call and hand to CHANGE MASTER: each hostile one is refused with 400 naming
     * the field, and nothing is kept (no membership row, no replication account, the invitation unused).
     */
    @Test
    void aJoinWithAHostileAddressIsRefusedNamingTheFieldAndKeepsNothing() throws Exception {
        CertificateAuthority hh = ca("hh");
        Map<String, Object> valid = joiner(hh, "hh", 900_005);
        HttpClient hhClient = client(hh);
        Map<String, Object> missing = new LinkedHashMap<>();
        List<Object[]> hostile = List.of(
                new Object[] {"node_host", "x', MASTER_USER='root"},
                new Object[] {"node_host", "127.0.0.1', MASTER_SSL_VERIFY_SERVER_CERT=0, MASTER_HOST='evil"},
                new Object[] {"node_host", "evil\nroot\npassword"},
                new Object[] {"node_host", "evil\\"},
                new Object[] {"node_host", "evil\u0000"},
                new Object[] {"node_host", "a".repeat(64) + ".example"},
                new Object[] {"node_host", ("abcdefghi.").repeat(26) + "com"},
                new Object[] {"node_host", ""},
                new Object[] {"node_host", missing},
                new Object[] {"node_host", 127},
                new Object[] {"url", "https://admin:pw@127.0.0.1:9"},
                new Object[] {"url", "https://127.0.0.1:9/api/v1/admin"},
                new Object[] {"url", "https://127.0.0.1:9?x="},
                new Object[] {"url", "https://127.0.0.1:9#x"},
                new Object[] {"url", "http://127.0.0.1:9"},
                new Object[] {"url", "https://127.0.0.1:70000"},
                new Object[] {"url", "https://evil'host:9"},
                new Object[] {"url", "https://127.0.0.1:9\r\nX-Evil: 1"},
                new Object[] {"url", "https://" + "a".repeat(60) + ("." + "b".repeat(60)).repeat(4)},
                new Object[] {"url", missing},
                new Object[] {"node_port", 0},
                new Object[] {"node_port", 70000},
                new Object[] {"node_port", -3306},
                new Object[] {"node_port", "3306"},
                new Object[] {"node_port", 3306.5},
                new Object[] {"node_port", missing});
        for (Object[] h : hostile) {
            Map<String, Object> req = new LinkedHashMap<>(valid);
            if (h[1] == missing) {
                req.remove((String) h[0]);
            } else {
                req.put((String) h[0], h[1]);
            }
            TestSite.Response r = send(hhClient, "POST", "/api/v1/peer/join", Json.MAPPER.writeValueAsString(req));
            String what = h[0] + "=" + h[1] + " -> " + r.body();
            assertThat(r.status()).as(what).isEqualTo(400);
            assertThat(r.json().at("/error/code").asText()).as(what).isEqualTo("INVALID_INPUT");
            assertThat(r.json().at("/error/field").asText()).as(what).isEqualTo(h[0]);
            assertThat(r.body()).as("the refusal does not repeat the value").doesNotContain("MASTER_", "evil");
            assertThat(count("SELECT COUNT(*) FROM cusp.site WHERE name = 'hh'")).as(what).isZero();
            assertThat(count("SELECT COUNT(*) FROM mysql.user WHERE user = 'repl_hh'")).as(what).isZero();
        }
        // Nothing used the invitation: the same request with a good address joins, its url stored
        // without the trailing slash a peer call would double.
        valid.put("url", "https://127.0.0.1:9/");
        TestSite.Response ok = send(hhClient, "POST", "/api/v1/peer/join", Json.MAPPER.writeValueAsString(valid));
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        assertThat(count("SELECT COUNT(*) FROM cusp.site WHERE name = 'hh' AND url = 'https://127.0.0.1:9'"
                + " AND node_host = '127.0.0.1' AND node_port = 9")).isEqualTo(1);
    }

    /**
     * An active member moving its own row ({@code POST /peer/url}) with a hostile address: 400
     * naming the field, checked before the new URL is called, and its row stays as it was.
     */
    @Test
    void aMoveToAHostileAddressIsRefusedNamingTheFieldAndChangesNothing() throws Exception {
        String before = rowOf("rr");
        List<String[]> hostile = List.of(
                new String[] {"node_host", "\"https://127.0.0.1:9\"", "\"x', MASTER_USER='root\"", "9"},
                new String[] {"node_host", "\"https://127.0.0.1:9\"", "\"evil\\nroot\"", "9"},
                new String[] {"node_host", "\"https://127.0.0.1:9\"", "\"" + "a".repeat(254) + "\"", "9"},
                new String[] {"node_host", "\"https://127.0.0.1:9\"", "\"[::1]\"", "9"},
                new String[] {"url", "\"https://user@127.0.0.1:9\"", "\"127.0.0.1\"", "9"},
                new String[] {"url", "\"https://127.0.0.1:9/api/v1/peer\"", "\"127.0.0.1\"", "9"},
                new String[] {"url", "\"https://127.0.0.1:9?evil=1\"", "\"127.0.0.1\"", "9"},
                new String[] {"node_port", "\"https://127.0.0.1:9\"", "\"127.0.0.1\"", "0"},
                new String[] {"node_port", "\"https://127.0.0.1:9\"", "\"127.0.0.1\"", "70000"},
                new String[] {"node_port", "\"https://127.0.0.1:9\"", "\"127.0.0.1\"", "\"9\""});
        for (String[] h : hostile) {
            String body = "{\"site\":\"rr\",\"url\":" + h[1] + ",\"node_host\":" + h[2] + ",\"node_port\":" + h[3]
                    + "}";
            TestSite.Response r = call("rr", "POST", "/api/v1/peer/url", body);
            assertThat(r.status()).as(body + " -> " + r.body()).isEqualTo(400);
            assertThat(r.json().at("/error/field").asText()).as(body + " -> " + r.body()).isEqualTo(h[0]);
            assertThat(rowOf("rr")).as(body).isEqualTo(before);
        }
    }

    /** A site's url, node_host and node_port as a's membership table holds them. */
    private static String rowOf(String site) throws Exception {
        try (Connection c = a.site.node().adminConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT CONCAT_WS(' ', url, node_host, node_port) FROM cusp.site WHERE name = ?")) {
            ps.setString(1, site);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("site " + site + " has a row").isTrue();
                return rs.getString(1);
            }
        }
    }

    private static long count(String sql) throws Exception {
        try (Connection c = a.site.node().adminConnection(); java.sql.Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** A client presenting a certificate signed by {@code own}'s CA whose validity ended yesterday. */
    private static HttpClient expiredClient(CertificateAuthority own) throws Exception {
        java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        java.security.KeyPair kp = g.generateKeyPair();
        X509Certificate ca = CertificateAuthority.load(own.caCert());
        java.time.Instant now = java.time.Instant.now();
        var b = new org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder(ca, java.math.BigInteger.valueOf(now
                .toEpochMilli()), java.util.Date.from(now.minus(Duration.ofDays(30))), java.util.Date.from(
                now.minus(Duration.ofDays(1))), new javax.security.auth.x500.X500Principal("CN=ll,O=Cusp"),
                kp.getPublic());
        X509Certificate leaf = new org.bouncycastle.cert.jcajce.JcaX509CertificateConverter().getCertificate(b.build(
                new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withRSA").build(
                        CertificateAuthority.loadKey(certs.resolve("ll").resolve("ca.key")))));
        // Beside a copy of the CA, as a site's own folder: TlsContexts presents it whatever the server asks for.
        Path dir = certs.resolve("ll-expired");
        Files.createDirectories(dir);
        Files.copy(own.caCert(), dir.resolve("ca.pem"));
        Files.writeString(dir.resolve("site.pem"), TlsContexts.pem(leaf));
        Files.writeString(dir.resolve("site.key"), "-----BEGIN PRIVATE KEY-----\n" + java.util.Base64.getMimeEncoder()
                .encodeToString(kp.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n");
        return client(new CertificateAuthority(dir));
    }

    /** What a refusal of {@code caller} says. */
    private static String reason(String caller) {
        return switch (caller) {
            case "none" -> ".*client certificate.*";
            case "rr" -> "site rr is a replica; .* answers peer sites only";
            case "jj" -> "site jj is joining; .* answers active sites only";
            case "jj2" -> "site jj is (joining; .*|still joining, and this site did not admit it with this certificate.*)";
            case "xx", "ot" -> "the client certificate is not from a site of this replication group";
            default -> "(?!)";
        };
    }

    private static Map<String, Object> joinRequest(String token) throws Exception {
        JoinToken t = JoinToken.decode(token);
        Map<String, Object> req = new LinkedHashMap<>();
        req.put("secret", t.secret());
        req.put("site", "jj");
        req.put("version", CuspVersion.VERSION);
        req.put("control_schema", PracticeSchema.latestControlVersion());
        req.put("practice_schema", PracticeSchema.latestPracticeVersion());
        req.put("url", "https://127.0.0.1:9");
        req.put("node_host", "127.0.0.1");
        req.put("node_port", 9);
        req.put("ca_pem", TlsContexts.pem(CertificateAuthority.load(certs.resolve("jj/ca.pem"))));
        req.put("server_id", 900_002);
        req.put("gtid_domain_id", 900_002);
        req.put("tenants", 0);
        return req;
    }

    /** Writes a member row at "a" as a join would have (the row replicates in a real group). */
    private static void record(String site, String role, Integer offset) throws Exception {
        try (Connection c = a.site.node().adminConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO cusp.site (name, role, state, url, node_host, node_port, ca_pem, server_id,"
                        + " gtid_domain_id, key_offset, upstream, seed_gtid, join_seq, version)"
                        + " VALUES (?, ?, 'active', 'https://127.0.0.1:9', '127.0.0.1', 9, ?, ?, ?, ?, ?, NULL, ?, ?)")) {
            int n = site.hashCode() & 0xffff;
            ps.setString(1, site);
            ps.setString(2, role);
            ps.setString(3, TlsContexts.pem(CertificateAuthority.load(certs.resolve(site).resolve("ca.pem"))));
            ps.setLong(4, 800_000 + n);
            ps.setLong(5, 800_000 + n);
            ps.setObject(6, offset);
            ps.setString(7, role.equals("replica") ? "a" : null);
            ps.setInt(8, 10 + n);
            ps.setString(9, CuspVersion.VERSION);
            ps.executeUpdate();
        }
    }

    private static CertificateAuthority ca(String site) {
        return new CertificateAuthority(certs.resolve(site));
    }

    /** A client presenting {@code own}'s site certificate and trusting only a's CA. */
    private static HttpClient client(CertificateAuthority own) {
        return HttpClient.newBuilder().sslContext(TlsContexts.client(own,
                CertificateAuthority.load(a.site.home().tls().caCert()), true)).connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    private static TestSite.Response post(String caller, String path, String body) {
        return call(caller, "POST", path, body);
    }

    private static TestSite.Response call(String caller, String method, String path, String body) {
        return send(CLIENTS.get(caller), method, path, body);
    }

    private static TestSite.Response send(HttpClient client, String method, String path, String body) {
        HttpRequest req = HttpRequest.newBuilder(URI.create(a.url + path)).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json").build();
        try {
            HttpResponse<String> r = client.send(req, HttpResponse.BodyHandlers.ofString());
            JsonNode n;
            try {
                n = Json.MAPPER.readTree(r.body().isBlank() ? "{}" : r.body());
            } catch (com.fasterxml.jackson.core.JsonProcessingException notJson) {
                n = Json.MAPPER.createObjectNode();
            }
            return new TestSite.Response(r.statusCode(), r.body().length() > 300 ? r.body().substring(0, 300)
                    : r.body(), n);
        } catch (Exception e) {
            throw new IllegalStateException(method + " " + path + ": " + e, e);
        }
    }
}
