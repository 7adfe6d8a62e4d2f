-- The site's registry of hosted tenants. Passwords are sealed with the site master key.
CREATE TABLE tenant (
    name            VARCHAR(32)  NOT NULL PRIMARY KEY,
    tenant_id       INT UNSIGNED NOT NULL UNIQUE,
    db_name         VARCHAR(64)  NOT NULL UNIQUE,
    db_user         VARCHAR(64)  NOT NULL UNIQUE,
    db_password_enc VARCHAR(255) NOT NULL,
    status          VARCHAR(16)  NOT NULL,
    schema_version  VARCHAR(16)  NULL,
    created_at      DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    updated_at      DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
