package dev.cusp.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One operation of the OpenAPI document, built step by step: who may call it, its parameters,
 * its body and each answer it gives. The path parameters come from the path itself, so no
 * templated operation can leave one out; every operation answers errors as {@code Error}.
 */
final class OpenApiOp {
    static final String JSON = "application/json";
    private static final Pattern PARAM = Pattern.compile("\\{([a-z_]+)}");

    private final String summary;
    private final List<Map<String, Object>> query = new ArrayList<>();
    private final Map<String, Object> responses = new LinkedHashMap<>();
    private String security;
    private Map<String, Object> body;

    private OpenApiOp(String summary) {
        this.summary = summary;
    }

    static OpenApiOp op(String summary) {
        return new OpenApiOp(summary);
    }

    /** Needs the site admin's token. */
    OpenApiOp admin() {
        security = "siteAdmin";
        return this;
    }

    /** Needs a token of a practice user of the tenant in the path. */
    OpenApiOp practice() {
        security = "practiceUser";
        return this;
    }

    /** Needs mutual TLS from a site of the replication group. */
    OpenApiOp peer() {
        security = "peerTls";
        return this;
    }

    OpenApiOp query(String name, boolean required, Map<String, Object> schema, String description) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("name", name);
        p.put("in", "query");
        p.put("required", required);
        p.put("description", description);
        p.put("schema", schema);
        query.add(p);
        return this;
    }

    /** A JSON body of the named component schema. */
    OpenApiOp body(String schema) {
        return body(ref(schema), true);
    }

    OpenApiOp body(Map<String, Object> schema, boolean required) {
        body = Map.of("required", required, "content", Map.of(JSON, Map.of("schema", schema)));
        return this;
    }

    /** A body of raw bytes of any media type (a file upload): its Content-Type is the file's own. */
    OpenApiOp rawBody(String description) {
        body = Map.of("required", true, "description", description, "content", Map.of("*/*", Map.of("schema",
                Map.of("type", "string", "contentMediaType", "application/octet-stream"))));
        return this;
    }

    /** A JSON answer of the named component schema. */
    OpenApiOp answers(int status, String schema, String description) {
        return answers(status, JSON, ref(schema), description);
    }

    /** An answer; a second media type for the same status is added beside the first. */
    @SuppressWarnings("unchecked")
    OpenApiOp answers(int status, String mediaType, Map<String, Object> schema, String description) {
        Map<String, Object> r = (Map<String, Object>) responses.computeIfAbsent(Integer.toString(status), s -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("description", description);
            m.put("content", new LinkedHashMap<String, Object>());
            return m;
        });
        if (!r.get("description").equals(description)) {
            r.put("description", r.get("description") + "; or " + description);
        }
        ((Map<String, Object>) r.get("content")).put(mediaType, Map.of("schema", schema));
        return this;
    }

    /** An answer without a body. */
    OpenApiOp empty(int status, String description) {
        responses.put(Integer.toString(status), Map.of("description", description));
        return this;
    }

    Map<String, Object> build(String path, String method) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("operationId", operationId(path, method));
        o.put("summary", summary.length() <= 100 ? summary
                : summary.substring(0, summary.lastIndexOf(' ', 97)) + "...");
        if (summary.length() > 100) {
            o.put("description", summary);
        }
        if (security != null) {
            o.put("security", List.of(Map.of(security, List.of())));
        } else {
            o.put("security", List.of());
        }
        List<Map<String, Object>> params = new ArrayList<>();
        Matcher m = PARAM.matcher(path);
        while (m.find()) {
            params.add(pathParam(path, m.group(1)));
        }
        params.addAll(query);
        if (!params.isEmpty()) {
            o.put("parameters", params);
        }
        if (body != null) {
            o.put("requestBody", body);
        }
        Map<String, Object> r = new LinkedHashMap<>(responses);
        r.put("4XX", error("The request was refused: bad input (400, naming the field), no or a wrong token (401,"
                + " 403), nothing there (404), a method the path does not take (405, with an Allow header), a"
                + " conflict (409), too large (413), locked (423), too many attempts (429, with Retry-After)"));
        r.put("5XX", error("The site cannot serve it now (503: fenced, seeding, busy; try again or at another site)"
                + " or failed (500, with a reference to the site log)"));
        o.put("responses", r);
        return o;
    }

    static Map<String, Object> ref(String schema) {
        return Map.of("$ref", "#/components/schemas/" + schema);
    }

    private static Map<String, Object> error(String description) {
        return Map.of("description", description, "content", Map.of(JSON, Map.of("schema", ref("Error"))));
    }

    /** The parameter a path's {name} stands for, typed by what the server accepts there. */
    private static Map<String, Object> pathParam(String path, String name) {
        Map<String, Object> schema;
        String description;
        boolean tenantName = name.equals("tenant")
                || (name.equals("name") && path.startsWith("/api/v1/admin/tenants/"));
        if (tenantName) {
            schema = Map.of("type", "string", "pattern", "^[a-z][a-z0-9]{0,31}$");
            description = "a tenant (practice) name";
        } else if (name.equals("id") && !path.contains("/jobs/")) {
            schema = Map.of("type", "integer", "format", "int64", "minimum", 1);
            description = path.startsWith("/api/v1/admin/conflicts/") ? "a conflict's id, as the conflict list shows"
                    : "a record's id";
        } else if (name.equals("id")) {
            schema = Map.of("type", "string", "minLength", 1);
            description = "a job's id, as the answer that started it gave";
        } else if (name.equals("hash")) {
            schema = Map.of("type", "string", "pattern", "^[0-9a-f]{64}$");
            description = "a file's SHA-256 (64 lowercase hex digits)";
        } else if (name.equals("user")) {
            schema = Map.of("type", "string", "minLength", 1, "maxLength", 64);
            description = "a practice user's name";
        } else {
            schema = Map.of("type", "string", "minLength", 1);
            description = "a site's name";
        }
        return Map.of("name", name, "in", "path", "required", true, "description", description, "schema", schema);
    }

    private static String operationId(String path, String method) {
        StringBuilder b = new StringBuilder(method);
        for (String part : path.replaceFirst("^/api/v1", "").split("[/{}-]+")) {
            if (!part.isEmpty()) {
                b.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
            }
        }
        return b.toString();
    }
}
