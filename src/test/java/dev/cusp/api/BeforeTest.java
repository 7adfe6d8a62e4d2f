package dev.cusp.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The prefix tests the before-handlers and the practice token check rely on. */
class BeforeTest {
    @Test
    void aBaseCoversItselfAndEveryPathBelowItButNoSibling() {
        assertThat(Before.covers("/api/v1/admin", "/api/v1/admin")).isTrue();
        assertThat(Before.covers("/api/v1/admin", "/api/v1/admin/")).isTrue();
        assertThat(Before.covers("/api/v1/admin", "/api/v1/admin/tenants/x/backup")).isTrue();
        assertThat(Before.covers("/api/v1/admin", "/api/v1/administer")).isFalse();
        assertThat(Before.covers("/api/v1/admin", "/api/v1/adm")).isFalse();
        assertThat(Before.covers("/api/v1/admin", "/api/v1/t/admin")).isFalse();
        assertThat(Before.covers("/api/v1/admin/tenants", "/api/v1/admin/tenants")).isTrue();
        assertThat(Before.covers("/api/v1/admin/tenants", "/api/v1/admin/tenantsx")).isFalse();
    }

    @Test
    void theTenantOfAPracticePathIsReadAsJavalinDecodesIt() {
        assertThat(PracticeRoutes.tenantInPath("/api/v1/t/acme/patients/1")).isEqualTo("acme");
        assertThat(PracticeRoutes.tenantInPath("/api/v1/t/acme/")).isEqualTo("acme");
        assertThat(PracticeRoutes.tenantInPath("/api/v1/t/%61cme/patients")).isEqualTo("acme");
        assertThat(PracticeRoutes.tenantInPath("/api/v1/t/a+b/patients")).isEqualTo("a+b");
        // Not decodable: kept as written, so it names no practice and the token check refuses it.
        assertThat(PracticeRoutes.tenantInPath("/api/v1/t/%zz/patients")).isEqualTo("%zz");
        // No part after the tenant, or no tenant: no practice route serves these.
        assertThat(PracticeRoutes.tenantInPath("/api/v1/t/acme")).isNull();
        assertThat(PracticeRoutes.tenantInPath("/api/v1/t/")).isNull();
        assertThat(PracticeRoutes.tenantInPath("/api/v1/t//patients")).isNull();
        assertThat(PracticeRoutes.tenantInPath("/api/v1/admin/status")).isNull();
    }

    @Test
    void onlyAPracticesOwnLoginPathIsTheLoginPath() {
        assertThat(PracticeRoutes.isLogin("/api/v1/t/acme/login")).isTrue();
        assertThat(PracticeRoutes.isLogin("/api/v1/t/acme/login/")).isTrue();
        assertThat(PracticeRoutes.isLogin("/api/v1/t/acme/loginx")).isFalse();
        assertThat(PracticeRoutes.isLogin("/api/v1/t/acme/patients/login")).isFalse();
        assertThat(PracticeRoutes.isLogin("/api/v1/t//login")).isFalse();
        assertThat(PracticeRoutes.isLogin("/api/v1/t/login")).isFalse();
        assertThat(PracticeRoutes.isLogin("/api/v1/admin/login")).isFalse();
    }
}
