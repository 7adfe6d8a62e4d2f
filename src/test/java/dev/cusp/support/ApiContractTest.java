package dev.cusp.support;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The contract check fails an exchange the document does not allow, and lets a fitting one pass. */
class ApiContractTest {
    private static final ApiContract CONTRACT = ApiContract.of("""
            {"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
             "paths": {"/things/{id}": {"put": {
               "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
               "requestBody": {"required": true, "content": {"application/json": {"schema": {
                 "type": "object", "required": ["name"], "additionalProperties": false,
                 "properties": {"name": {"type": "string", "minLength": 1}}}}}},
               "responses": {
                 "200": {"description": "ok", "content": {"application/json": {"schema": {
                   "type": "object", "required": ["id", "note"],
                   "properties": {"id": {"type": "integer"}, "note": {"type": ["string", "null"]}}}}}},
                 "4XX": {"description": "error", "content": {"application/json": {"schema": {
                   "type": "object", "required": ["error"]}}}}}}}}}
            """);

    @Test
    void aFittingExchangePasses() {
        assertThatCode(() -> CONTRACT.check("PUT", "/things/1", null, "{\"name\":\"a\"}", true, false, 200,
                "application/json", "{\"id\":1,\"note\":null}")).doesNotThrowAnyException();
    }

    @Test
    void aBadRequestFailsUnlessMarkedAndABadAnswerAlwaysFails() {
        // A request the document calls invalid must not be accepted...
        assertThatThrownBy(() -> CONTRACT.check("PUT", "/things/1", null, "{\"name\":\"\"}", true, false, 200,
                "application/json", "{\"id\":1,\"note\":null}")).isInstanceOf(AssertionError.class)
                .hasMessageContaining("minLength");
        // ...and one the server refused agrees with the document, marked or not.
        assertThatCode(() -> CONTRACT.check("PUT", "/things/1", null, "{\"name\":\"\"}", true, false, 400,
                "application/json", "{\"error\":{\"code\":\"INVALID_INPUT\",\"message\":\"name\"}}"))
                .doesNotThrowAnyException();
        assertThatCode(() -> CONTRACT.check("PUT", "/things/1", null, "{\"name\":\"\"}", false, false, 400,
                "application/json", "{\"error\":{}}")).doesNotThrowAnyException();
        assertThatThrownBy(() -> CONTRACT.check("PUT", "/things/1", null, "{\"name\":\"a\"}", false, false, 200,
                "application/json", "{\"id\":1,\"note\":5}")).isInstanceOf(AssertionError.class)
                .hasMessageContaining("note");
        assertThatThrownBy(() -> CONTRACT.check("PUT", "/things/1", null, "{\"name\":\"a\"}", true, false, 201,
                "application/json", "{\"id\":1,\"note\":null}")).isInstanceOf(AssertionError.class)
                .hasMessageContaining("201");
    }

    @Test
    void anUndocumentedPathIsAllowedOnlyWhenMarkedAndMustStillAnswerTheErrorObject() {
        assertThatThrownBy(() -> CONTRACT.check("GET", "/nowhere", null, null, true, false, 404, "application/json",
                "{\"error\":{\"code\":\"NOT_FOUND\",\"message\":\"no\"}}")).isInstanceOf(AssertionError.class);
        assertThatCode(() -> CONTRACT.check("GET", "/nowhere", null, null, false, false, 404, "application/json",
                "{\"error\":{\"code\":\"NOT_FOUND\",\"message\":\"no\"}}")).doesNotThrowAnyException();
        assertThatThrownBy(() -> CONTRACT.check("GET", "/nowhere", null, null, false, false, 404, "text/html",
                "<html>")).isInstanceOf(AssertionError.class).hasMessageContaining("not JSON");
    }
}
