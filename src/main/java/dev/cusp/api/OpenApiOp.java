package dev.cusp.api;

import static dev.cusp.base.JsonMapping.MAPPER;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
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
    private final List<ObjectNode> query = new ArrayList<>();
    private final ObjectNode responses = MAPPER.createObjectNode();
    private String security;
    private ObjectNode body;

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

    OpenApiOp query(String name, boolean required, ObjectNode schema, String description) {
        ObjectNode p = MAPPER.createObjectNode();
        p.put("name", name);
        p.put("in", "query");
        p.put("required", required);
        p.put("description", description);
        p.set("schema", schema);
        query.add(p);
        return this;
    }

    /** A JSON body of the named component schema. */
    OpenApiOp body(String schema) {
        return body(ref(schema), true);
    }

    OpenApiOp body(ObjectNode schema, boolean required) {
        body = node("required", required, "content", node(JSON, node("schema", schema)));
        return this;
    }

    /** A body of raw bytes of any media type (a file upload): its Content-Type is the file's own. */
    OpenApiOp rawBody(String description) {
        body = node("required", true, "description", description, "content", node("*/*", node("schema",
                node("type", "string", "contentMediaType", "application/octet-stream"))));
        return this;
    }

    /** A JSON answer of the named component schema. */
    OpenApiOp answers(int status, String schema, String description) {
        return answers(status, JSON, ref(schema), description);
    }

    /** An answer; a second media type for the same status is added beside the first. */
    OpenApiOp answers(int status, String mediaType, ObjectNode schema, String description) {
        String code = Integer.toString(status);
        ObjectNode r = responses.get(code) instanceof ObjectNode known ? known
                : responses.putObject(code).put("description", description);
        if (!r.get("description").asText().equals(description)) {
            r.put("description", r.get("description").asText() + "; or " + description);
        }
        r.withObjectProperty("content").set(mediaType, node("schema", schema));
        return this;
    }

    /** An answer without a body. */
    OpenApiOp empty(int status, String description) {
        responses.set(Integer.toString(status), node("description", description));
        return this;
    }

    ObjectNode build(String path, String method) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("operationId", operationId(path, method));
        o.put("summary", summary.length() <= 100 ? summary
                : summary.substring(0, summary.lastIndexOf(' ', 97)) + "...");
        if (summary.length() > 100) {
            o.put("description", summary);
        }
        if (security != null) {
            o.set("security", MAPPER.createArrayNode().add(node(security, List.of())));
        } else {
            o.set("security", MAPPER.createArrayNode());
        }
        ArrayNode params = MAPPER.createArrayNode();
        Matcher m = PARAM.matcher(path);
        while (m.find()) {
            params.add(pathParam(path, m.group(1)));
        }
        params.addAll(query);
        if (!params.isEmpty()) {
            o.set("parameters", params);
        }
        if (body != null) {
            o.set("requestBody", body);
        }
        ObjectNode r = responses.deepCopy();
        r.set("4XX", error("The request was refused: bad input (400, naming the field), no or a wrong token (401,"
                + " 403), nothing there (404), a method the path does not take (405, with an Allow header), a"
                + " conflict (409), too large (413), locked (423), too many attempts (429, with Retry-After)"));
        r.set("5XX", error("The site cannot serve it now (503: fenced, seeding, busy; try again or at another site)"
                + " or failed (500, with a reference to the site log)"));
        o.set("responses", r);
        return o;
    }

    static ObjectNode ref(String schema) {
        return node("$ref", "#/components/schemas/" + schema);
    }

    private static ObjectNode error(String description) {
        return node("description", description, "content", node(JSON, node("schema", ref("Error"))));
    }

    /** The parameter a path's {name} stands for, typed by what the server accepts there. */
    private static ObjectNode pathParam(String path, String name) {
        ObjectNode schema;
        String description;
        boolean tenantName = name.equals("tenant")
                || (name.equals("name") && path.startsWith("/api/v1/admin/tenants/"));
        if (tenantName) {
            schema = node("type", "string", "pattern", "^[a-z][a-z0-9]{0,31}$");
            description = "a tenant (practice) name";
        } else if (name.equals("id") && !path.contains("/jobs/")) {
            schema = node("type", "integer", "format", "int64", "minimum", 1);
            description = path.startsWith("/api/v1/admin/conflicts/") ? "a conflict's id, as the conflict list shows"
                    : "a record's id";
        } else if (name.equals("id")) {
            schema = node("type", "string", "minLength", 1);
            description = "a job's id, as the answer that started it gave";
        } else if (name.equals("hash")) {
            schema = node("type", "string", "pattern", "^[0-9a-f]{64}$");
            description = "a file's SHA-256 (64 lowercase hex digits)";
        } else if (name.equals("user")) {
            schema = node("type", "string", "minLength", 1, "maxLength", 64);
            description = "a practice user's name";
        } else {
            schema = node("type", "string", "minLength", 1);
            description = "a site's name";
        }
        return node("name", name, "in", "path", "required", true, "description", description, "schema", schema);
    }

    /** A JSON object of the given names and values, in that order; values become JSON as Jackson writes them. */
    static ObjectNode node(Object... namesAndValues) {
        ObjectNode o = MAPPER.createObjectNode();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            o.set((String) namesAndValues[i], tree(namesAndValues[i + 1]));
        }
        return o;
    }

    /** A value as a JSON node: a node as it is, anything else (text, number, list) as Jackson writes it. */
    static JsonNode tree(Object value) {
        return value instanceof JsonNode n ? n : MAPPER.valueToTree(value);
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
