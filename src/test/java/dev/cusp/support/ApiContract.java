package dev.cusp.support;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.LevelResolver;
import com.atlassian.oai.validator.report.ValidationReport;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.api.Json;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The served OpenAPI document as a contract every test request and answer is held to, with
 * Atlassian's validator (OpenAPI 3.1 schemas as JSON Schema 2020-12). A mismatch is an
 * {@link AssertionError} naming the exchange and what did not match.
 *
 * <p>A test that sends bad input on purpose says so ({@code TestSite.rawUnchecked}): its
 * request is not checked, and its answer is checked only where the document describes the
 * operation (a deliberately unknown path or method has none); an error answer must then still
 * be the API's error object.
 */
public final class ApiContract {
    /** Messages about the exchange not being in the document at all. */
    private static final Set<String> UNDOCUMENTED = Set.of("validation.response.path.missing",
            "validation.response.operation.notAllowed", "validation.request.path.missing",
            "validation.request.operation.notAllowed");

    /** Answers may carry no field the document does not list (the validator's default). */
    private final OpenApiInteractionValidator validator;
    /** The same, but answers may carry fields a newer practice schema added. */
    private final OpenApiInteractionValidator newerSchema;

    private ApiContract(String document) {
        this.validator = OpenApiInteractionValidator.createForInlineApiSpecification(document).build();
        this.newerSchema = OpenApiInteractionValidator.createForInlineApiSpecification(document)
                .withLevelResolver(LevelResolver.create().withLevel(
                        "validation.response.body.schema.additionalProperties", ValidationReport.Level.IGNORE).build())
                .build();
    }

    static ApiContract of(String document) {
        return new ApiContract(document);
    }

    /**
     * Checks one exchange.
     *
     * @param checkRequest false for a request that is bad on purpose
     * @param newerSchema  true for a practice on a schema newer than this build's: its records
     *                     may carry fields the document does not list yet
     */
    void check(String method, String pathAndQuery, String token, String requestBody, boolean checkRequest,
               boolean newerSchema, int status, String contentType, String responseBody) {
        OpenApiInteractionValidator validator = newerSchema ? this.newerSchema : this.validator;
        int q = pathAndQuery.indexOf('?');
        String path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
        SimpleRequest.Builder rb = new SimpleRequest.Builder(method, path);
        if (q >= 0) {
            query(pathAndQuery.substring(q + 1)).forEach(rb::withQueryParam);
        }
        if (token != null) {
            rb.withAuthorization("Bearer " + token);
        }
        if (requestBody != null) {
            rb.withContentType("application/json").withBody(requestBody);
        }
        SimpleResponse.Builder sb = SimpleResponse.Builder.status(status);
        if (contentType != null) {
            sb.withContentType(contentType);
        }
        if (responseBody != null && !responseBody.isEmpty()) {
            sb.withBody(responseBody);
        }
        List<String> problems = new ArrayList<>();
        if (checkRequest && status < 400) {
            // A request the document calls invalid must not be accepted. One the server refused
            // (4xx) agrees with the document whatever the validator says of it: the answer is
            // still checked below, and must be the error object.
            List<String> requestProblems = new ArrayList<>();
            report(validator.validateRequest(rb.build()), "request", false, requestProblems);
            if (requestBody == null) {
                // No body sent where the document makes it optional: there is no Content-Type to check.
                requestProblems.removeIf(p -> p.startsWith("request: validation.request.contentType.notAllowed"));
            }
            problems.addAll(requestProblems);
        }
        boolean undocumented = report(validator.validateResponse(path, Request.Method.valueOf(method.toUpperCase()),
                sb.build()), "response", !checkRequest, problems);
        if (undocumented && status >= 400) {
            requireErrorObject(responseBody, problems);
        }
        if (!problems.isEmpty()) {
            throw new AssertionError("the exchange does not match the OpenAPI document (/api/v1/openapi.json):\n  "
                    + method + " " + pathAndQuery + (requestBody == null ? "" : " " + shorten(requestBody)) + "\n  -> "
                    + status + " " + shorten(String.valueOf(responseBody)) + "\n  " + String.join("\n  ", problems));
        }
    }

    /**
     * Checks an exchange whose request or answer body is a file (a document upload or download):
     * the request's parameters and media type, the answer's status and media type, and an error
     * answer's body. A file's bytes have no schema to check.
     */
    void checkFile(String method, String pathAndQuery, String token, String requestType, boolean checkRequest,
                   int status, String contentType, String jsonAnswer) {
        int q = pathAndQuery.indexOf('?');
        String path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
        SimpleRequest.Builder rb = new SimpleRequest.Builder(method, path);
        if (q >= 0) {
            query(pathAndQuery.substring(q + 1)).forEach(rb::withQueryParam);
        }
        if (token != null) {
            rb.withAuthorization("Bearer " + token);
        }
        if (requestType != null) {
            rb.withContentType(requestType).withBody("(the file)");
        }
        SimpleResponse.Builder sb = SimpleResponse.Builder.status(status);
        if (contentType != null) {
            sb.withContentType(contentType);
        }
        if (jsonAnswer != null && !jsonAnswer.isEmpty()) {
            sb.withBody(jsonAnswer);
        }
        List<String> problems = new ArrayList<>();
        if (checkRequest && status < 400) {
            report(validator.validateRequest(rb.build()), "request", false, problems);
        }
        boolean undocumented = report(validator.validateResponse(path, Request.Method.valueOf(method.toUpperCase()),
                sb.build()), "response", !checkRequest, problems);
        if (undocumented && status >= 400) {
            requireErrorObject(jsonAnswer, problems);
        }
        if (!problems.isEmpty()) {
            throw new AssertionError("the exchange does not match the OpenAPI document (/api/v1/openapi.json):\n  "
                    + method + " " + pathAndQuery + "\n  -> " + status + " " + shorten(String.valueOf(jsonAnswer))
                    + "\n  " + String.join("\n  ", problems));
        }
    }

    /** Adds the report's errors; true when the exchange was not in the document (and that was allowed). */
    private static boolean report(ValidationReport r, String what, boolean undocumentedAllowed, List<String> out) {
        boolean undocumented = false;
        for (ValidationReport.Message m : r.getMessages()) {
            if (m.getLevel() != ValidationReport.Level.ERROR) {
                continue;
            }
            if (undocumentedAllowed && UNDOCUMENTED.contains(m.getKey())) {
                undocumented = true;
                continue;
            }
            out.add(what + ": " + m.getKey() + ": " + m.getMessage() + (m.getNestedMessages().isEmpty() ? ""
                    : " " + m.getNestedMessages().stream().map(ValidationReport.Message::getMessage).toList()));
        }
        return undocumented;
    }

    private static void requireErrorObject(String body, List<String> problems) {
        try {
            JsonNode e = Json.MAPPER.readTree(body == null ? "" : body).path("error");
            if (!e.path("code").isTextual() || !e.path("message").isTextual()) {
                problems.add("response: an error answer without {\"error\": {\"code\", \"message\"}}");
            }
        } catch (Exception notJson) {
            problems.add("response: an error answer that is not JSON");
        }
    }

    private static Map<String, List<String>> query(String raw) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = decode(eq < 0 ? pair : pair.substring(0, eq));
            String v = eq < 0 ? "" : decode(pair.substring(eq + 1));
            m.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
        }
        return m;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }

    private static String shorten(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }
}
