-- The replication group this site belongs to. Written with the binary log on, so every
-- member holds the same rows: membership is recorded on every site by replication itself.
CREATE TABLE site (
    name            VARCHAR(31)     NOT NULL PRIMARY KEY,
    role            VARCHAR(16)     NOT NULL,          -- peer | replica
    state           VARCHAR(16)     NOT NULL,          -- joining | active
    url             VARCHAR(255)    NOT NULL,          -- the site's HTTPS address
    node_host       VARCHAR(255)    NOT NULL,          -- where other nodes reach its database
    node_port       INT             NOT NULL,
    ca_pem          TEXT            NOT NULL,          -- the CA its certificates chain to
    server_id       BIGINT UNSIGNED NOT NULL,
    gtid_domain_id  BIGINT UNSIGNED NOT NULL,
    key_offset      INT             NULL,              -- writers only: auto_increment_offset
    upstream        VARCHAR(31)     NULL,              -- replicas only: the peer it pulls from
    seed_gtid       VARCHAR(2048)   NULL,              -- the GTID position it was seeded at
    join_seq        INT             NOT NULL,          -- order of joining (ring order)
    version         VARCHAR(32)     NOT NULL,
    joined_at       DATETIME(3)     NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    updated_at      DATETIME(3)     NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE group_setting (
    name  VARCHAR(64)  NOT NULL PRIMARY KEY,
    value VARCHAR(255) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
