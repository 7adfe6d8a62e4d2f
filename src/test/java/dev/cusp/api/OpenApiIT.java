package dev.cusp.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cusp.practice.Entities;
import dev.cusp.practice.EntitySpec;
import dev.cusp.support.TestSite;
import org.junit.jupiter.api.Test;

/** The served OpenAPI document describes every record type and endpoint the API routes. */
class OpenApiIT {

    @Test
    void documentListsEveryRecordTypeWithItsFields() {
        TestSite site = TestSite.shared();
        var r = site.call("GET", "/api/v1/openapi.json", null, null);
        assertThat(r.status()).isEqualTo(200);
        JsonNode doc = r.json();
        assertThat(doc.get("openapi").asText()).startsWith("3.");
        for (EntitySpec e : Entities.ALL) {
            assertThat(doc.at("/paths").has("/api/v1/t/{tenant}/" + e.path())).as(e.path()).isTrue();
            assertThat(doc.at("/paths").has("/api/v1/t/{tenant}/" + e.path() + "/{id}")).as(e.path()).isTrue();
        }
        JsonNode patient = doc.at("/components/schemas/Patient");
        assertThat(patient.at("/required").toString()).contains("last_name", "first_name");
        assertThat(patient.at("/properties/birth_date/format").asText()).isEqualTo("date");
        assertThat(patient.at("/additionalProperties").asBoolean()).isFalse();
        assertThat(doc.at("/paths").has("/api/v1/t/{tenant}/patients/merge")).isTrue();
        assertThat(doc.at("/paths").has("/api/v1/admin/tenants")).isTrue();
        assertThat(doc.at("/paths").has("/api/v1/admin/group/invites")).isTrue();
        assertThat(doc.at("/paths").has("/metrics")).isTrue();
        assertThat(doc.at("/paths").has("/api/v1/t/{tenant}/query")).isTrue();
        assertThat(doc.at("/paths").has("/api/v1/admin/tenants/{name}/query")).isTrue();
        assertThat(doc.at("/paths").has("/api/v1/admin/tenants/{name}/dbm/fix")).isTrue();
        assertThat(doc.at("/paths").has("/api/v1/admin/dbm/methods")).isTrue();
        assertThat(doc.at("/paths").has("/api/v1/admin/conflicts")).isTrue();
        assertThat(doc.at("/paths").has("/api/v1/tls/crl")).isTrue();
        assertThat(doc.at("/paths").has("/api/v1/admin/conflicts/{tenant}/{id}/restore")).isTrue();
    }
}
