-- Practice schema v1.
-- Keys are BIGINT AUTO_INCREMENT: under multi-primary replication each site gets its own
-- auto_increment_offset, so keys never collide and never need a central allocator.
-- No foreign keys, on purpose: a replicated row may arrive before the row it points to, and
-- orphans must be findable and fixable by database maintenance rather than stall
-- replication. The API checks every reference before writing it.

CREATE TABLE provider (
    id              BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    abbr            VARCHAR(16)  NOT NULL,
    first_name      VARCHAR(100) NULL,
    last_name       VARCHAR(100) NOT NULL,
    npi             VARCHAR(10)  NULL,
    specialty       VARCHAR(40)  NULL,
    fee_schedule_id BIGINT       NULL,
    is_hidden       BOOLEAN      NOT NULL DEFAULT FALSE,
    created_at      DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    updated_at      DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
    KEY ix_provider_fee_schedule (fee_schedule_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE patient (
    id                  BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    last_name           VARCHAR(100) NOT NULL,
    first_name          VARCHAR(100) NOT NULL,
    middle_initial      VARCHAR(4)   NULL,
    preferred_name      VARCHAR(100) NULL,
    birth_date          DATE         NULL,
    gender              VARCHAR(10)  NOT NULL DEFAULT 'unknown',
    guarantor_id        BIGINT       NULL COMMENT 'null: the patient is their own guarantor',
    primary_provider_id BIGINT       NULL,
    fee_schedule_id     BIGINT       NULL,
    status              VARCHAR(16)  NOT NULL DEFAULT 'active',
    merged_into_id      BIGINT       NULL COMMENT 'set when merged into another patient',
    email               VARCHAR(254) NULL,
    phone_home          VARCHAR(30)  NULL,
    phone_wireless      VARCHAR(30)  NULL,
    address             VARCHAR(200) NULL,
    city                VARCHAR(100) NULL,
    state               VARCHAR(50)  NULL,
    zip                 VARCHAR(20)  NULL,
    created_at          DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    updated_at          DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
    KEY ix_patient_name (last_name, first_name),
    KEY ix_patient_guarantor (guarantor_id),
    KEY ix_patient_provider (primary_provider_id),
    KEY ix_patient_fee_schedule (fee_schedule_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE appointment (
    id             BIGINT      NOT NULL AUTO_INCREMENT PRIMARY KEY,
    patient_id     BIGINT      NOT NULL,
    provider_id    BIGINT      NOT NULL,
    start_at       DATETIME    NOT NULL,
    length_minutes INT         NOT NULL,
    status         VARCHAR(16) NOT NULL DEFAULT 'scheduled',
    note           TEXT        NULL,
    created_at     DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    updated_at     DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
    KEY ix_appointment_patient (patient_id),
    KEY ix_appointment_provider_start (provider_id, start_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE procedure_code (
    id          BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    code        VARCHAR(15)  NOT NULL,
    abbr        VARCHAR(20)  NULL,
    description VARCHAR(255) NOT NULL,
    category    VARCHAR(40)  NOT NULL,
    created_at  DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    updated_at  DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
    UNIQUE KEY ux_procedure_code_code (code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Named after the documented system's procedurelog; date_tstamp changes on every update.
CREATE TABLE procedure_log (
    id                BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
    patient_id        BIGINT        NOT NULL,
    provider_id       BIGINT        NOT NULL,
    procedure_code_id BIGINT        NOT NULL,
    appointment_id    BIGINT        NULL,
    proc_date         DATE          NOT NULL,
    fee               DECIMAL(10,2) NOT NULL DEFAULT 0,
    status            VARCHAR(20)   NOT NULL DEFAULT 'treatment_planned',
    tooth             VARCHAR(4)    NULL,
    surface           VARCHAR(8)    NULL,
    note              TEXT          NULL,
    created_at        DATETIME(3)   NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    date_tstamp       DATETIME(3)   NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
    KEY ix_procedure_patient (patient_id),
    KEY ix_procedure_provider (provider_id),
    KEY ix_procedure_code (procedure_code_id),
    KEY ix_procedure_appointment (appointment_id),
    KEY ix_procedure_tstamp (date_tstamp)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE fee_schedule (
    id          BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    description VARCHAR(100) NOT NULL,
    fee_type    VARCHAR(16)  NOT NULL DEFAULT 'normal',
    is_hidden   BOOLEAN      NOT NULL DEFAULT FALSE,
    created_at  DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    updated_at  DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Not unique on (schedule, code) on purpose: a duplicate can arrive by replication, and
-- database maintenance finds and fixes it.
CREATE TABLE fee (
    id                BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
    fee_schedule_id   BIGINT        NOT NULL,
    procedure_code_id BIGINT        NOT NULL,
    amount            DECIMAL(10,2) NOT NULL,
    created_at        DATETIME(3)   NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    updated_at        DATETIME(3)   NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
    KEY ix_fee_schedule_code (fee_schedule_id, procedure_code_id),
    KEY ix_fee_code (procedure_code_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE carrier (
    id            BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    name          VARCHAR(200) NOT NULL,
    address       VARCHAR(200) NULL,
    city          VARCHAR(100) NULL,
    state         VARCHAR(50)  NULL,
    zip           VARCHAR(20)  NULL,
    phone         VARCHAR(30)  NULL,
    electronic_id VARCHAR(20)  NULL,
    created_at    DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    updated_at    DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
    KEY ix_carrier_name (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE insurance_plan (
    id              BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    carrier_id      BIGINT       NOT NULL,
    group_name      VARCHAR(200) NULL,
    group_num       VARCHAR(40)  NULL,
    plan_type       VARCHAR(16)  NOT NULL DEFAULT 'percentage',
    fee_schedule_id BIGINT       NULL,
    note            TEXT         NULL,
    created_at      DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    updated_at      DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
    KEY ix_plan_carrier (carrier_id),
    KEY ix_plan_fee_schedule (fee_schedule_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE patient_plan (
    id                BIGINT      NOT NULL AUTO_INCREMENT PRIMARY KEY,
    patient_id        BIGINT      NOT NULL,
    insurance_plan_id BIGINT      NOT NULL,
    ordinal           TINYINT     NOT NULL DEFAULT 1,
    subscriber_id     VARCHAR(40) NULL,
    relationship      VARCHAR(16) NOT NULL DEFAULT 'self',
    created_at        DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    updated_at        DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
    KEY ix_patient_plan_patient (patient_id),
    KEY ix_patient_plan_plan (insurance_plan_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Metadata only; the files live in the tenant's document folder on the site.
CREATE TABLE document (
    id          BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    patient_id  BIGINT       NOT NULL,
    file_name   VARCHAR(255) NOT NULL,
    description VARCHAR(255) NULL,
    mime_type   VARCHAR(100) NULL,
    size_bytes  BIGINT       NULL,
    sha256      CHAR(64)     NULL,
    created_at  DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    updated_at  DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
    KEY ix_document_patient (patient_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE practice_user (
    id            BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    user_name     VARCHAR(64)  NOT NULL,
    password_hash VARCHAR(255) NOT NULL,
    provider_id   BIGINT       NULL,
    is_admin      BOOLEAN      NOT NULL DEFAULT FALSE,
    failed_logins INT          NOT NULL DEFAULT 0,
    locked_until  DATETIME(3)  NULL,
    created_at    DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    updated_at    DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
    UNIQUE KEY ux_practice_user_name (user_name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE security_log (
    id        BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    logged_at DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    user_name VARCHAR(64)  NOT NULL,
    site      VARCHAR(32)  NOT NULL,
    action    VARCHAR(40)  NOT NULL,
    entity    VARCHAR(40)  NULL,
    entity_id BIGINT       NULL,
    details   TEXT         NULL,
    KEY ix_security_log_time (logged_at),
    KEY ix_security_log_entity (entity, entity_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
