-- Practice schema v3: per-row change metadata and conflict records, for replication conflicts.
-- Generated from V1's tables (every replicated record table; security_log is append-only and is
-- left out). See README "Conflicts" for the rule these triggers and dev.cusp.conflict enforce.
--
-- changed_at/changed_by: when and at which node (server_id) the row's current version was written.
-- base_at/base_by: the version that write replaced. A replicated update whose base is not the local
-- version, or a replicated delete of a row changed here since the deleting site saw it, is a
-- conflict: the trigger stops the applier with SIGNAL 'cusp-conflict ...' (the node runs triggers
-- for row events: slave_run_triggers_for_rbr=ENFORCE), and the site's resolver saves both images in
-- conflict_log and applies the rule. In the applier @@session.server_id is the event's origin, so
-- the triggers tell local writes (stamped here) from replicated ones (kept as they come).
-- @cusp_keep_stamps set in a session keeps the given stamps (the resolver's and repair's writes).

CREATE TABLE row_tombstone (
    id          BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    table_name  VARCHAR(64)  NOT NULL,
    row_id      BIGINT       NOT NULL,
    changed_at  DATETIME(6)  NULL COMMENT 'the deleted version',
    changed_by  BIGINT       NULL,
    deleted_at  DATETIME(6)  NOT NULL,
    deleted_by  BIGINT       NOT NULL,
    image       LONGTEXT     NOT NULL COMMENT 'JSON: every column of the deleted row',
    KEY ix_row_tombstone_row (table_name, row_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE conflict_log (
    id              BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    detected_at     DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    detected_site   VARCHAR(32)  NOT NULL,
    kind            VARCHAR(24)  NOT NULL COMMENT 'update-update, delete-update, duplicate-key, missing-row',
    table_name      VARCHAR(64)  NOT NULL,
    row_id          BIGINT       NULL,
    local_site      VARCHAR(32)  NULL,
    local_change    VARCHAR(8)   NULL COMMENT 'insert, update or delete',
    local_image     LONGTEXT     NULL COMMENT 'JSON; null: the row is absent (deleted) in this version',
    incoming_site   VARCHAR(32)  NULL,
    incoming_change VARCHAR(8)   NULL,
    incoming_image  LONGTEXT     NULL,
    winner          VARCHAR(8)   NOT NULL COMMENT 'local or incoming',
    rule            VARCHAR(120) NOT NULL,
    gtid            VARCHAR(64)  NOT NULL,
    status          VARCHAR(16)  NOT NULL DEFAULT 'resolved' COMMENT 'resolved or restored',
    restored_at     DATETIME(3)  NULL,
    restored_by     VARCHAR(64)  NULL,
    KEY ix_conflict_log_row (table_name, row_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

ALTER TABLE provider
    ADD COLUMN changed_at DATETIME(6) NULL,
    ADD COLUMN changed_by BIGINT      NULL,
    ADD COLUMN base_at    DATETIME(6) NULL,
    ADD COLUMN base_by    BIGINT      NULL;
DELIMITER $$
CREATE TRIGGER provider_cusp_bi BEFORE INSERT ON provider FOR EACH ROW
BEGIN
    IF @@session.server_id = @@global.server_id AND @cusp_keep_stamps IS NULL THEN
        SET NEW.changed_at = NOW(6), NEW.changed_by = @@global.server_id, NEW.base_at = NULL, NEW.base_by = NULL;
    END IF;
END$$
CREATE TRIGGER provider_cusp_bu BEFORE UPDATE ON provider FOR EACH ROW
BEGIN
    DECLARE msg VARCHAR(400);
    IF @@session.server_id = @@global.server_id THEN
        IF @cusp_keep_stamps IS NULL THEN
            SET NEW.base_at = OLD.changed_at, NEW.base_by = OLD.changed_by,
                NEW.changed_at = NOW(6), NEW.changed_by = @@global.server_id;
        END IF;
    ELSEIF @cusp_keep_stamps IS NULL AND NOT (NEW.base_at <=> OLD.changed_at AND NEW.base_by <=> OLD.changed_by)
            AND NOT (NEW.changed_at <=> OLD.changed_at AND NEW.changed_by <=> OLD.changed_by) THEN
        SET msg = CONCAT('cusp-conflict update provider ', OLD.id, ' ', IFNULL(DATE_FORMAT(NEW.base_at, '%Y-%m-%d %H:%i:%s.%f'), '-'), ' ', IFNULL(NEW.base_by, '-'));
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = msg;
    END IF;
END$$
CREATE TRIGGER provider_cusp_bd BEFORE DELETE ON provider FOR EACH ROW
BEGIN
    DECLARE t_id BIGINT;
    DECLARE t_at DATETIME(6);
    DECLARE t_by BIGINT;
    DECLARE msg VARCHAR(400);
    IF @@session.server_id = @@global.server_id THEN
        IF @cusp_keep_stamps IS NULL THEN
            INSERT INTO row_tombstone (table_name, row_id, changed_at, changed_by, deleted_at, deleted_by, image)
            VALUES ('provider', OLD.id, OLD.changed_at, OLD.changed_by, NOW(6), @@global.server_id,
                    JSON_OBJECT('id', OLD.id, 'abbr', OLD.abbr, 'first_name', OLD.first_name, 'last_name', OLD.last_name, 'npi', OLD.npi, 'specialty', OLD.specialty, 'fee_schedule_id', OLD.fee_schedule_id, 'is_hidden', OLD.is_hidden, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at, 'changed_at', OLD.changed_at, 'changed_by', OLD.changed_by, 'base_at', OLD.base_at, 'base_by', OLD.base_by));
        END IF;
    ELSEIF @cusp_keep_stamps IS NULL THEN
        SET t_id = (SELECT MAX(id) FROM row_tombstone WHERE table_name = 'provider' AND row_id = OLD.id);
        IF t_id IS NOT NULL THEN
            SELECT changed_at, changed_by INTO t_at, t_by FROM row_tombstone WHERE id = t_id;
            IF NOT (t_at <=> OLD.changed_at AND t_by <=> OLD.changed_by) THEN
                SET msg = CONCAT('cusp-conflict delete provider ', OLD.id, ' ', IFNULL(DATE_FORMAT(t_at, '%Y-%m-%d %H:%i:%s.%f'), '-'), ' ', IFNULL(t_by, '-'));
                SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = msg;
            END IF;
        END IF;
    END IF;
END$$
DELIMITER ;

ALTER TABLE patient
    ADD COLUMN changed_at DATETIME(6) NULL,
    ADD COLUMN changed_by BIGINT      NULL,
    ADD COLUMN base_at    DATETIME(6) NULL,
    ADD COLUMN base_by    BIGINT      NULL;
DELIMITER $$
CREATE TRIGGER patient_cusp_bi BEFORE INSERT ON patient FOR EACH ROW
BEGIN
    IF @@session.server_id = @@global.server_id AND @cusp_keep_stamps IS NULL THEN
        SET NEW.changed_at = NOW(6), NEW.changed_by = @@global.server_id, NEW.base_at = NULL, NEW.base_by = NULL;
    END IF;
END$$
CREATE TRIGGER patient_cusp_bu BEFORE UPDATE ON patient FOR EACH ROW
BEGIN
    DECLARE msg VARCHAR(400);
    IF @@session.server_id = @@global.server_id THEN
        IF @cusp_keep_stamps IS NULL THEN
            SET NEW.base_at = OLD.changed_at, NEW.base_by = OLD.changed_by,
                NEW.changed_at = NOW(6), NEW.changed_by = @@global.server_id;
        END IF;
    ELSEIF @cusp_keep_stamps IS NULL AND NOT (NEW.base_at <=> OLD.changed_at AND NEW.base_by <=> OLD.changed_by)
            AND NOT (NEW.changed_at <=> OLD.changed_at AND NEW.changed_by <=> OLD.changed_by) THEN
        SET msg = CONCAT('cusp-conflict update patient ', OLD.id, ' ', IFNULL(DATE_FORMAT(NEW.base_at, '%Y-%m-%d %H:%i:%s.%f'), '-'), ' ', IFNULL(NEW.base_by, '-'));
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = msg;
    END IF;
END$$
CREATE TRIGGER patient_cusp_bd BEFORE DELETE ON patient FOR EACH ROW
BEGIN
    DECLARE t_id BIGINT;
    DECLARE t_at DATETIME(6);
    DECLARE t_by BIGINT;
    DECLARE msg VARCHAR(400);
    IF @@session.server_id = @@global.server_id THEN
        IF @cusp_keep_stamps IS NULL THEN
            INSERT INTO row_tombstone (table_name, row_id, changed_at, changed_by, deleted_at, deleted_by, image)
            VALUES ('patient', OLD.id, OLD.changed_at, OLD.changed_by, NOW(6), @@global.server_id,
                    JSON_OBJECT('id', OLD.id, 'last_name', OLD.last_name, 'first_name', OLD.first_name, 'middle_initial', OLD.middle_initial, 'preferred_name', OLD.preferred_name, 'birth_date', OLD.birth_date, 'gender', OLD.gender, 'guarantor_id', OLD.guarantor_id, 'primary_provider_id', OLD.primary_provider_id, 'fee_schedule_id', OLD.fee_schedule_id, 'status', OLD.status, 'merged_into_id', OLD.merged_into_id, 'email', OLD.email, 'phone_home', OLD.phone_home, 'phone_wireless', OLD.phone_wireless, 'address', OLD.address, 'city', OLD.city, 'state', OLD.state, 'zip', OLD.zip, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at, 'changed_at', OLD.changed_at, 'changed_by', OLD.changed_by, 'base_at', OLD.base_at, 'base_by', OLD.base_by));
        END IF;
    ELSEIF @cusp_keep_stamps IS NULL THEN
        SET t_id = (SELECT MAX(id) FROM row_tombstone WHERE table_name = 'patient' AND row_id = OLD.id);
        IF t_id IS NOT NULL THEN
            SELECT changed_at, changed_by INTO t_at, t_by FROM row_tombstone WHERE id = t_id;
            IF NOT (t_at <=> OLD.changed_at AND t_by <=> OLD.changed_by) THEN
                SET msg = CONCAT('cusp-conflict delete patient ', OLD.id, ' ', IFNULL(DATE_FORMAT(t_at, '%Y-%m-%d %H:%i:%s.%f'), '-'), ' ', IFNULL(t_by, '-'));
                SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = msg;
            END IF;
        END IF;
    END IF;
END$$
DELIMITER ;

ALTER TABLE appointment
    ADD COLUMN changed_at DATETIME(6) NULL,
    ADD COLUMN changed_by BIGINT      NULL,
    ADD COLUMN base_at    DATETIME(6) NULL,
    ADD COLUMN base_by    BIGINT      NULL;
DELIMITER $$
CREATE TRIGGER appointment_cusp_bi BEFORE INSERT ON appointment FOR EACH ROW
BEGIN
    IF @@session.server_id = @@global.server_id AND @cusp_keep_stamps IS NULL THEN
        SET NEW.changed_at = NOW(6), NEW.changed_by = @@global.server_id, NEW.base_at = NULL, NEW.base_by = NULL;
    END IF;
END$$
CREATE TRIGGER appointment_cusp_bu BEFORE UPDATE ON appointment FOR EACH ROW
BEGIN
    DECLARE msg VARCHAR(400);
    IF @@session.server_id = @@global.server_id THEN
        IF @cusp_keep_stamps IS NULL THEN
            SET NEW.base_at = OLD.changed_at, NEW.base_by = OLD.changed_by,
                NEW.changed_at = NOW(6), NEW.changed_by = @@global.server_id;
        END IF;
    ELSEIF @cusp_keep_stamps IS NULL AND NOT (NEW.base_at <=> OLD.changed_at AND NEW.base_by <=> OLD.changed_by)
            AND NOT (NEW.changed_at <=> OLD.changed_at AND NEW.changed_by <=> OLD.changed_by) THEN
        SET msg = CONCAT('cusp-conflict update appointment ', OLD.id, ' ', IFNULL(DATE_FORMAT(NEW.base_at, '%Y-%m-%d %H:%i:%s.%f'), '-'), ' ', IFNULL(NEW.base_by, '-'));
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = msg;
    END IF;
END$$
CREATE TRIGGER appointment_cusp_bd BEFORE DELETE ON appointment FOR EACH ROW
BEGIN
    DECLARE t_id BIGINT;
    DECLARE t_at DATETIME(6);
    DECLARE t_by BIGINT;
    DECLARE msg VARCHAR(400);
    IF @@session.server_id = @@global.server_id THEN
        IF @cusp_keep_stamps IS NULL THEN
            INSERT INTO row_tombstone (table_name, row_id, changed_at, changed_by, deleted_at, deleted_by, image)
            VALUES ('appointment', OLD.id, OLD.changed_at, OLD.changed_by, NOW(6), @@global.server_id,
                    JSON_OBJECT('id', OLD.id, 'patient_id', OLD.patient_id, 'provider_id', OLD.provider_id, 'start_at', OLD.start_at, 'length_minutes', OLD.length_minutes, 'status', OLD.status, 'note', OLD.note, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at, 'changed_at', OLD.changed_at, 'changed_by', OLD.changed_by, 'base_at', OLD.base_at, 'base_by', OLD.base_by));
        END IF;
    ELSEIF @cusp_keep_stamps IS NULL THEN
        SET t_id = (SELECT MAX(id) FROM row_tombstone WHERE table_name = 'appointment' AND row_id = OLD.id);
        IF t_id IS NOT NULL THEN
            SELECT changed_at, changed_by INTO t_at, t_by FROM row_tombstone WHERE id = t_id;
            IF NOT (t_at <=> OLD.changed_at AND t_by <=> OLD.changed_by) THEN
                SET msg = CONCAT('cusp-conflict delete appointment ', OLD.id, ' ', IFNULL(DATE_FORMAT(t_at, '%Y-%m-%d %H:%i:%s.%f'), '-'), ' ', IFNULL(t_by, '-'));
                SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = msg;
            END IF;
        END IF;
    END IF;
END$$
DELIMITER ;

ALTER TABLE procedure_code
    ADD COLUMN changed_at DATETIME(6) NULL,
    ADD COLUMN changed_by BIGINT      NULL,
    ADD COLUMN base_at    DATETIME(6) NULL,
    ADD COLUMN base_by    BIGINT      NULL;
DELIMITER $$
CREATE TRIGGER procedure_code_cusp_bi BEFORE INSERT ON procedure_code FOR EACH ROW
BEGIN
    IF @@session.server_id = @@global.server_id AND @cusp_keep_stamps IS NULL THEN
        SET NEW.changed_at = NOW(6), NEW.changed_by = @@global.server_id, NEW.base_at = NULL, NEW.base_by = NULL;
    END IF;
END$$
CREATE TRIGGER procedure_code_cusp_bu BEFORE UPDATE ON procedure_code FOR EACH ROW
BEGIN
    DECLARE msg VARCHAR(400);
    IF @@session.server_id = @@global.server_id THEN
        IF @cusp_keep_stamps IS NULL THEN
            SET NEW.base_at = OLD.changed_at, NEW.base_by = OLD.changed_by,
                NEW.changed_at = NOW(6), NEW.changed_by = @@global.server_id;
        END IF;
    ELSEIF @cusp_keep_stamps IS NULL AND NOT (NEW.base_at <=> OLD.changed_at AND NEW.base_by <=> OLD.changed_by)
            AND NOT (NEW.changed_at <=> OLD.changed_at AND NEW.changed_by <=> OLD.changed_by) THEN
        SET msg = CONCAT('cusp-conflict update procedure_code ', OLD.id, ' ', IFNULL(DATE_FORMAT(NEW.base_at, '%Y-%m-%d %H:%i:%s.%f'), '-'), ' ', IFNULL(NEW.base_by, '-'));
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = msg;
    END IF;
END$$
CREATE TRIGGER procedure_code_cusp_bd BEFORE DELETE ON procedure_code FOR EACH ROW
BEGIN
    DECLARE t_id BIGINT;
    DECLARE t_at DATETIME(6);
    DECLARE t_by BIGINT;
    DECLARE msg VARCHAR(400);
    IF @@session.server_id = @@global.server_id THEN
        IF @cusp_keep_stamps IS NULL THEN
            INSERT INTO row_tombstone (table_name, row_id, changed_at, changed_by, deleted_at, deleted_by, image)
            VALUES ('procedure_code', OLD.id, OLD.changed_at, OLD.changed_by, NOW(6), @@global.server_id,
                    JSON_OBJECT('id', OLD.id, 'code', OLD.code, 'abbr', OLD.abbr, 'description', OLD.description, 'category', OLD.category, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at, 'changed_at', OLD.changed_at, 'changed_by', OLD.changed_by, 'base_at', OLD.base_at, 'base_by', OLD.base_by));
        END IF;
    ELSEIF @cusp_keep_stamps IS NULL THEN
        SET t_id = (SELECT MAX(id) FROM row_tombstone WHERE table_name = 'procedure_code' AND row_id = OLD.id);
        IF t_id IS NOT NULL THEN
            SELECT changed_at, changed_by INTO t_at, t_by FROM row_tombstone WHERE id = t_id;
            IF NOT (t_at <=> OLD.changed_at AND t_by <=> OLD.changed_by) THEN
                SET msg = CONCAT('cusp-conflict delete procedure_code ', OLD.id, ' ', IFNULL(DATE_FORMAT(t_at, '%Y-%m-%d %H:%i:%s.%f'), '-'), ' ', IFNULL(t_by, '-'));
                SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = msg;
            END IF;
        END IF;
    END IF;
END$$
DELIMITER ;

ALTER TABLE procedure_log
    ADD COLUMN changed_at DATETIME(6) NULL,
    ADD COLUMN changed_by BIGINT      NULL,
    ADD COLUMN base_at    DATETIME(6) NULL,
    ADD COLUMN base_by    BIGINT      NULL;
DELIMITER $$
CREATE TRIGGER procedure_log_cusp_bi BEFORE INSERT ON procedure_log FOR EACH ROW
BEGIN
    IF @@session.server_id = @@global.server_id AND @cusp_keep_stamps IS NULL THEN
        SET NEW.changed_at = NOW(6), NEW.changed_by = @@global.server_id, NEW.base_at = NULL, NEW.base_by = NULL;
    END IF;
END$$
CREATE TRIGGER procedure_log_cusp_bu BEFORE UPDATE ON procedure_log FOR EACH ROW
BEGIN
    DECLARE msg VARCHAR(400);
    IF @@session.server_id = @@global.server_id THEN
        IF @cusp_keep_stamps IS NULL THEN
            SET NEW.base_at = OLD.changed_at, NEW.base_by = OLD.changed_by,
                NEW.changed_at = NOW(6), NEW.changed_by = @@global.server_id;
        END IF;
    ELSEIF @cusp_keep_stamps IS NULL AND NOT (NEW.base_at <=> OLD.changed_at AND NEW.base_by <=> OLD.changed_by)
            AND NOT (NEW.changed_at <=> OLD.changed_at AND NEW.changed_by <=> OLD.changed_by) THEN
        SET msg = CONCAT('cusp-conflict update procedure_log ', OLD.id, ' ', IFNULL(DATE_FORMAT(NEW.base_at, '%Y-%m-%d %H:%i:%s.%f'), '-'), ' ', IFNULL(NEW.base_by, '-'));
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = msg;
    END IF;
END$$
CREATE TRIGGER procedure_log_cusp_bd BEFORE DELETE ON procedure_log FOR EACH ROW
BEGIN
    DECLARE t_id BIGINT;
    DECLARE t_at DATETIME(6);
    DECLARE t_by BIGINT;
    DECLARE msg VARCHAR(400);
    IF @@session.server_id = @@global.server_id THEN
        IF @cusp_keep_stamps IS NULL THEN
            INSERT INTO row_tombstone (table_name, row_id, changed_at, changed_by, deleted_at, deleted_by, image)
            VALUES ('procedure_log', OLD.id, OLD.changed_at, OLD.changed_by, NOW(6), @@global.server_id,
                    JSON_OBJECT('id', OLD.id, 'patient_id', OLD.patient_id, 'provider_id', OLD.provider_id, 'procedure_code_id', OLD.procedure_code_id, 'appointment_id', OLD.appointment_id, 'proc_date', OLD.proc_date, 'fee', OLD.fee, 'status', OLD.status, 'tooth', OLD.tooth, 'surface', OLD.surface, 'note', OLD.note, 'created_at', OLD.created_at, 'date_tstamp', OLD.date_tstamp, 'changed_at', OLD.changed_at, 'changed_by', OLD.changed_by, 'base_at', OLD.base_at, 'base_by', OLD.base_by));
        END IF;
    ELSEIF @cusp_keep_stamps IS NULL THEN
        SET t_id = (SELECT MAX(id) FROM row_tombstone WHERE table_name = 'procedure_log' AND row_id = OLD.id);
        IF t_id IS NOT NULL THEN
            SELECT changed_at, changed_by INTO t_at, t_by FROM row_tombstone WHERE id = t_id;
            IF NOT (t_at <=> OLD.changed_at AND t_by <=> OLD.changed_by) THEN
                SET msg = CONCAT('cusp-conflict delete procedure_log ', OLD.id, ' ', IFNULL(DATE_FORMAT(t_at, '%Y-%m-%d %H:%i:%s.%f'), '-'), ' ', IFNULL(t_by, '-'));
                SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = msg;
            END IF;
        END IF;
    END IF;
END$$
DELIMITER ;

ALTER TABLE fee_schedule
    ADD COLUMN changed_at DATETIME(6) NULL,
    ADD COLUMN changed_by BIGINT      NULL,
    ADD COLUMN base_at    DATETIME(6) NULL,
    ADD COLUMN base_by    BIGINT      NULL;
DELIMITER $$
CREATE TRIGGER fee_schedule_cusp_bi BEFORE INSERT ON fee_schedule FOR EACH ROW
BEGIN
    IF @@session.server_id = @@global.server_id AND @cusp_keep_stamps IS NULL THEN
        SET NEW.changed_at = NOW(6), NEW.changed_by = @@global.server_id, NEW.base_at = NULL, NEW.base_by = NULL;
    END IF;
END$$
CREATE TRIGGER fee_schedule_cusp_bu BEFORE UPDATE ON fee_schedule FOR EACH ROW
BEGIN
    DECLARE msg VARCHAR(400);
    IF @@session.server_id = @@global.server_id THEN
        IF @cusp_keep_stamps IS NULL THEN
            SET NEW.base_at = OLD.changed_at, NEW.base_by = OLD.changed_by,
                NEW.changed_at = NOW(6), NEW.changed_by = @@global.server_id;
        END IF;
    ELSEIF @cusp_keep_stamps IS NULL AND NOT (NEW.base_at <=> OLD.changed_at AND NEW.base_by <=> OLD.changed_by)
            AND NOT (NEW.changed_at <=> OLD.changed_at AND NEW.changed_by <=> OLD.changed_by) THEN
        SET msg = CONCAT('cusp-conflict update fee_schedule ', OLD.id, ' ', IFNULL(DATE_FORMAT(NEW.base_at, '%Y-%m-%d %H:%i:%s.%f'), '-'), ' ', IFNULL(NEW.base_by, '-'));
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = msg;
    END IF;
END$$
CREATE TRIGGER fee_schedule_cusp_bd BEFORE DELETE ON fee_schedule FOR EACH ROW
BEGIN
    DECLARE t_id BIGINT;
    DECLARE t_at DATETIME(6);
    DECLARE t_by BIGINT;
    DECLARE msg VARCHAR(400);
    IF @@session.server_id = @@global.server_id THEN
        IF @cusp_keep_stamps IS NULL THEN
            INSERT INTO row_tombstone (table_name, row_id, changed_at, changed_by, deleted_at, deleted_by, image)
            VALUES ('fee_schedule', OLD.id, OLD.changed_at, OLD.changed_by, NOW(6), @@global.server_id,
                    JSON_OBJECT('id', OLD.id, 'description', OLD.description, 'fee_type', OLD.fee_type, 'is_hidden', OLD.is_hidden, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at, 'changed_at', OLD.changed_at, 'changed_by', OLD.changed_by, 'base_at', OLD.base_at, 'base_by', OLD.base_by));
        END IF;
    ELSEIF @cusp_keep_stamps IS NULL THEN
        SET t_id = (SELECT MAX(id) FROM row_tombstone WHERE table_name = 'fee_schedule' AND row_id = OLD.id);
        IF t_id IS NOT NULL THEN
            SELECT changed_at, changed_by INTO t_at, t_by FROM row_tombstone WHERE id = t_id;
            IF NOT (t_at <=> OLD.changed_at AND t_by <=> OLD.changed_by) THEN
                SET msg = CONCAT('cusp-conflict delete fee_schedule ', OLD.id, ' ', IFNULL(DATE_FORMAT(t_at, '%Y-%m-%d %H:%i:%s.%f'), '-'), ' ', IFNULL(t_by, '-'));
                SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = msg;
            END IF;
        END IF;
    END IF;
END$$
DELIMITER ;

ALTER TABLE fee
    ADD COLUMN changed_at DATETIME(6) NULL,
    ADD COLUMN changed_by BIGINT      NULL,
    ADD COLUMN base_at    DATETIME(6) NULL,
    ADD COLUMN base_by    BIGINT      NULL;
DELIMITER $$
CREATE TRIGGER fee_cusp_bi BEFORE INSERT ON fee FOR EACH ROW
BEGIN
    IF @@session.server_id = @@global.server_id AND @cusp_keep_stamps IS NULL THEN
        SET NEW.changed_at = NOW(6), NEW.changed_by = @@global.server_id, NEW.base_at = NULL, NEW.base_by = NULL;
    END IF;
END$$
CREATE TRIGGER fee_cusp_bu BEFORE UPDATE ON fee FOR EACH ROW
BEGIN
    DECLARE msg VARCHAR(400);
    IF @@session.server_id = @@global.server_id THEN
        IF @cusp_keep_stamps IS NULL THEN
            SET NEW.base_at = OLD.changed_at, NEW.base_by = OLD.changed_by,
                NEW.changed_at = NOW(6), NEW.changed_by = @@global.server_id;
        END IF;
    ELSEIF @cusp_keep_stamps IS NULL AND NOT (NEW.base_at <=> OLD.changed_at AND NEW.base_by <=> OLD.changed_by)
            AND NOT (NEW.changed_at <=> OLD.changed_at AND NEW.changed_by <=> OLD.changed_by) THEN
        SET msg = CONCAT('cusp-conflict update fee ', OLD.id, ' ', IFNULL(DATE_FORMAT(NEW.base_at, '%Y-%m-%d %H:%i:%s.%f'), '-'), ' ', IFNULL(NEW.base_by, '-'));
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = msg;
    END IF;
END$$
CREATE TRIGGER fee_cusp_bd BEFORE DELETE ON fee FOR EACH ROW
BEGIN
    DECLARE t_id BIGINT;
    DECLARE t_at DATETIME(6);
    DECLARE t_by BIGINT;
    DECLARE msg VARCHAR(400);
    IF @@session.server_id = @@global.server_id THEN
        IF @cusp_keep_stamps IS NULL THEN
            INSERT INTO row_tombstone (table_name, row_id, changed_at, changed_by, deleted_at, deleted_by, image)
            VALUES ('fee', OLD.id, OLD.changed_at, OLD.changed_by, NOW(6), @@global.server_id,
                    JSON_OBJECT('id', OLD.id, 'fee_schedule_id', OLD.fee_schedule_id, 'procedure_code_id', OLD.procedure_code_id, 'amount', OLD.amount, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at, 'changed_at', OLD.changed_at, 'changed_by', OLD.changed_by, 'base_at', OLD.base_at, 'base_by', OLD.base_by));
        END IF;
    ELSEIF @cusp_keep_stamps IS NULL THEN
        SET t_id = (SELECT MAX(id) FROM row_tombstone WHERE table_name = 'fee' AND row_id = OLD.id);
        IF t_id IS NOT NULL THEN
            SELECT changed_at, changed_by INTO t_at, t_by FROM row_tombstone WHERE id = t_id;
            IF NOT (t_at <=> OLD.changed_at AND t_by <=> OLD.changed_by) THEN
                SET msg = CONCAT('cusp-conflict delete fee ', OLD.id, ' ', IFNULL(DATE_FORMAT(t_at, '%Y-%m-%d %H:%i:%s.%f'), '-'), ' ', IFNULL(t_by, '-'));
                SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = msg;
            END IF;
        END IF;
    END IF;
END$$
DELIMITER ;

ALTER TABLE carrier
    ADD COLUMN changed_at DATETIME(6) NULL,
    ADD COLUMN changed_by BIGINT      NULL,
    ADD COLUMN base_at    DATETIME(6) NULL,
    ADD COLUMN base_by    BIGINT      NULL;
DELIMITER $$
CREATE TRIGGER carrier_cusp_bi BEFORE INSERT ON carrier FOR EACH ROW
BEGIN
    IF @@session.server_id = @@global.server_id AND @cusp_keep_stamps IS NULL THEN
        SET NEW.changed_at = NOW(6), NEW.changed_by = @@global.server_id, NEW.base_at = NULL, NEW.base_by = NULL;
    END IF;
END$$
CREATE TRIGGER carrier_cusp_bu BEFORE UPDATE ON carrier FOR EACH ROW
BEGIN
    DECLARE msg VARCHAR(400);
    IF @@session.server_id = @@global.server_id THEN
        IF @cusp_keep_stamps IS NULL THEN
            SET NEW.base_at = OLD.changed_at, NEW.base_by = OLD.changed_by,
                NEW.changed_at = NOW(6), NEW.changed_by = @@global.server_id;
        END IF;
    ELSEIF @cusp_keep_stamps IS NULL AND NOT (NEW.base_at <=> OLD.changed_at AND NEW.base_by <=> OLD.changed_by)
            AND NOT (NEW.changed_at <=> OLD.changed_at AND NEW.changed_by <=> OLD.changed_by) THEN
        SET msg = CONCAT('cusp-conflict update carrier ', OLD.id, ' ', IFNULL(DATE_FORMAT(NEW.base_at, '%Y-%m-%d %H:%i:%s.%f'), '-'), ' ', IFNULL(NEW.base_by, '-'));
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = msg;
    END IF;
END$$
CREATE TRIGGER carrier_cusp_bd BEFORE DELETE ON carrier FOR EACH ROW
BEGIN
    DECLARE t_id BIGINT;
    DECLARE t_at DATETIME(6);
    DECLARE t_by BIGINT;
    DECLARE msg VARCHAR(400);
    IF @@session.server_id = @@global.server_id THEN
        IF @cusp_keep_stamps IS NULL THEN
            INSERT INTO row_tombstone (table_name, row_id, changed_at, changed_by, deleted_at, deleted_by, image)
            VALUES ('carrier', OLD.id, OLD.changed_at, OLD.changed_by, NOW(6), @@global.server_id,
                    JSON_OBJECT('id', OLD.id, 'name', OLD.name, 'address', OLD.address, 'city', OLD.city, 'state', OLD.state, 'zip', OLD.zip, 'phone', OLD.phone, 'electronic_id', OLD.electronic_id, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at, 'changed_at', OLD.changed_at, 'changed_by', OLD.changed_by, 'base_at', OLD.base_at, 'base_by', OLD.base_by));
        END IF;
    ELSEIF @cusp_keep_stamps IS NULL THEN
        SET t_id = (SELECT MAX(id) FROM row_tombstone WHERE table_name = 'carrier' AND row_id = OLD.id);
        IF t_id IS NOT NULL THEN
            SELECT changed_at, changed_by INTO t_at, t_by FROM row_tombstone WHERE id = t_id;
            IF NOT (t_at <=> OLD.changed_at AND t_by <=> OLD.changed_by) THEN
                SET msg = CONCAT('cusp-conflict delete carrier ', OLD.id, ' ', IFNULL(DATE_FORMAT(t_at, '%Y-%m-%d %H:%i:%s.%f'), '-'), ' ', IFNULL(t_by, '-'));
                SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = msg;
            END IF;
        END IF;
    END IF;
END$$
DELIMITER ;

ALTER TABLE insurance_plan
    ADD COLUMN changed_at DATETIME(6) NULL,
    ADD COLUMN changed_by BIGINT      NULL,
    ADD COLUMN base_at    DATETIME(6) NULL,
    ADD COLUMN base_by    BIGINT      NULL;
DELIMITER $$
CREATE TRIGGER insurance_plan_cusp_bi BEFORE INSERT ON insurance_plan FOR EACH ROW
BEGIN
    IF @@session.server_id = @@global.server_id AND @cusp_keep_stamps IS NULL THEN
        SET NEW.changed_at = NOW(6), NEW.changed_by = @@global.server_id, NEW.base_at = NULL, NEW.base_by = NULL;
    END IF;
END$$
CREATE TRIGGER insurance_plan_cusp_bu BEFORE UPDATE ON insurance_plan FOR EACH ROW
BEGIN
    DECLARE msg VARCHAR(400);
    IF @@session.server_id = @@global.server_id THEN
        IF @cusp_keep_stamps IS NULL THEN
            SET NEW.base_at = OLD.changed_at, NEW.base_by = OLD.changed_by,
                NEW.changed_at = NOW(6), NEW.changed_by = @@global.server_id;
        END IF;
    ELSEIF @cusp_keep_stamps IS NULL AND NOT (NEW.base_at <=> OLD.changed_at AND NEW.base_by <=> OLD.changed_by)
            AND NOT (NEW.changed_at <=> OLD.changed_at AND NEW.changed_by <=> OLD.changed_by) THEN
        SET msg = CONCAT('cusp-conflict update insurance_plan ', OLD.id, ' ', IFNULL(DATE_FORMAT(NEW.base_at, '%Y-%m-%d %H:%i:%s.%f'), '-'), ' ', IFNULL(NEW.base_by, '-'));
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = msg;
    END IF;
END$$
CREATE TRIGGER insurance_plan_cusp_bd BEFORE DELETE ON insurance_plan FOR EACH ROW
BEGIN
    DECLARE t_id BIGINT;
    DECLARE t_at DATETIME(6);
    DECLARE t_by BIGINT;
    DECLARE msg VARCHAR(400);
    IF @@session.server_id = @@global.server_id THEN
        IF @cusp_keep_stamps IS NULL THEN
            INSERT INTO row_tombstone (table_name, row_id, changed_at, changed_by, deleted_at, deleted_by, image)
            VALUES ('insurance_plan', OLD.id, OLD.changed_at, OLD.changed_by, NOW(6), @@global.server_id,
                    JSON_OBJECT('id', OLD.id, 'carrier_id', OLD.carrier_id, 'group_name', OLD.group_name, 'group_num', OLD.group_num, 'plan_type', OLD.plan_type, 'fee_schedule_id', OLD.fee_schedule_id, 'note', OLD.note, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at, 'changed_at', OLD.changed_at, 'changed_by', OLD.changed_by, 'base_at', OLD.base_at, 'base_by', OLD.base_by));
        END IF;
    ELSEIF @cusp_keep_stamps IS NULL THEN
        SET t_id = (SELECT MAX(id) FROM row_tombstone WHERE table_name = 'insurance_plan' AND row_id = OLD.id);
        IF t_id IS NOT NULL THEN
            SELECT changed_at, changed_by INTO t_at, t_by FROM row_tombstone WHERE id = t_id;
            IF NOT (t_at <=> OLD.changed_at AND t_by <=> OLD.changed_by) THEN
                SET msg = CONCAT('cusp-conflict delete insurance_plan ', OLD.id, ' ', IFNULL(DATE_FORMAT(t_at, '%Y-%m-%d %H:%i:%s.%f'), '-'), ' ', IFNULL(t_by, '-'));
                SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = msg;
            END IF;
        END IF;
    END IF;
END$$
DELIMITER ;

ALTER TABLE patient_plan
    ADD COLUMN changed_at DATETIME(6) NULL,
    ADD COLUMN changed_by BIGINT      NULL,
    ADD COLUMN base_at    DATETIME(6) NULL,
    ADD COLUMN base_by    BIGINT      NULL;
DELIMITER $$
CREATE TRIGGER patient_plan_cusp_bi BEFORE INSERT ON patient_plan FOR EACH ROW
BEGIN
    IF @@session.server_id = @@global.server_id AND @cusp_keep_stamps IS NULL THEN
        SET NEW.changed_at = NOW(6), NEW.changed_by = @@global.server_id, NEW.base_at = NULL, NEW.base_by = NULL;
    END IF;
END$$
CREATE TRIGGER patient_plan_cusp_bu BEFORE UPDATE ON patient_plan FOR EACH ROW
BEGIN
    DECLARE msg VARCHAR(400);
    IF @@session.server_id = @@global.server_id THEN
        IF @cusp_keep_stamps IS NULL THEN
            SET NEW.base_at = OLD.changed_at, NEW.base_by = OLD.changed_by,
                NEW.changed_at = NOW(6), NEW.changed_by = @@global.server_id;
        END IF;
    ELSEIF @cusp_keep_stamps IS NULL AND NOT (NEW.base_at <=> OLD.changed_at AND NEW.base_by <=> OLD.changed_by)
            AND NOT (NEW.changed_at <=> OLD.changed_at AND NEW.changed_by <=> OLD.changed_by) THEN
        SET msg = CONCAT('cusp-conflict update patient_plan ', OLD.id, ' ', IFNULL(DATE_FORMAT(NEW.base_at, '%Y-%m-%d %H:%i:%s.%f'), '-'), ' ', IFNULL(NEW.base_by, '-'));
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = msg;
    END IF;
END$$
CREATE TRIGGER patient_plan_cusp_bd BEFORE DELETE ON patient_plan FOR EACH ROW
BEGIN
    DECLARE t_id BIGINT;
    DECLARE t_at DATETIME(6);
    DECLARE t_by BIGINT;
    DECLARE msg VARCHAR(400);
    IF @@session.server_id = @@global.server_id THEN
        IF @cusp_keep_stamps IS NULL THEN
            INSERT INTO row_tombstone (table_name, row_id, changed_at, changed_by, deleted_at, deleted_by, image)
            VALUES ('patient_plan', OLD.id, OLD.changed_at, OLD.changed_by, NOW(6), @@global.server_id,
                    JSON_OBJECT('id', OLD.id, 'patient_id', OLD.patient_id, 'insurance_plan_id', OLD.insurance_plan_id, 'ordinal', OLD.ordinal, 'subscriber_id', OLD.subscriber_id, 'relationship', OLD.relationship, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at, 'changed_at', OLD.changed_at, 'changed_by', OLD.changed_by, 'base_at', OLD.base_at, 'base_by', OLD.base_by));
        END IF;
    ELSEIF @cusp_keep_stamps IS NULL THEN
        SET t_id = (SELECT MAX(id) FROM row_tombstone WHERE table_name = 'patient_plan' AND row_id = OLD.id);
        IF t_id IS NOT NULL THEN
            SELECT changed_at, changed_by INTO t_at, t_by FROM row_tombstone WHERE id = t_id;
            IF NOT (t_at <=> OLD.changed_at AND t_by <=> OLD.changed_by) THEN
                SET msg = CONCAT('cusp-conflict delete patient_plan ', OLD.id, ' ', IFNULL(DATE_FORMAT(t_at, '%Y-%m-%d %H:%i:%s.%f'), '-'), ' ', IFNULL(t_by, '-'));
                SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = msg;
            END IF;
        END IF;
    END IF;
END$$
DELIMITER ;

ALTER TABLE document
    ADD COLUMN changed_at DATETIME(6) NULL,
    ADD COLUMN changed_by BIGINT      NULL,
    ADD COLUMN base_at    DATETIME(6) NULL,
    ADD COLUMN base_by    BIGINT      NULL;
DELIMITER $$
CREATE TRIGGER document_cusp_bi BEFORE INSERT ON document FOR EACH ROW
BEGIN
    IF @@session.server_id = @@global.server_id AND @cusp_keep_stamps IS NULL THEN
        SET NEW.changed_at = NOW(6), NEW.changed_by = @@global.server_id, NEW.base_at = NULL, NEW.base_by = NULL;
    END IF;
END$$
CREATE TRIGGER document_cusp_bu BEFORE UPDATE ON document FOR EACH ROW
BEGIN
    DECLARE msg VARCHAR(400);
    IF @@session.server_id = @@global.server_id THEN
        IF @cusp_keep_stamps IS NULL THEN
            SET NEW.base_at = OLD.changed_at, NEW.base_by = OLD.changed_by,
                NEW.changed_at = NOW(6), NEW.changed_by = @@global.server_id;
        END IF;
    ELSEIF @cusp_keep_stamps IS NULL AND NOT (NEW.base_at <=> OLD.changed_at AND NEW.base_by <=> OLD.changed_by)
            AND NOT (NEW.changed_at <=> OLD.changed_at AND NEW.changed_by <=> OLD.changed_by) THEN
        SET msg = CONCAT('cusp-conflict update document ', OLD.id, ' ', IFNULL(DATE_FORMAT(NEW.base_at, '%Y-%m-%d %H:%i:%s.%f'), '-'), ' ', IFNULL(NEW.base_by, '-'));
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = msg;
    END IF;
END$$
CREATE TRIGGER document_cusp_bd BEFORE DELETE ON document FOR EACH ROW
BEGIN
    DECLARE t_id BIGINT;
    DECLARE t_at DATETIME(6);
    DECLARE t_by BIGINT;
    DECLARE msg VARCHAR(400);
    IF @@session.server_id = @@global.server_id THEN
        IF @cusp_keep_stamps IS NULL THEN
            INSERT INTO row_tombstone (table_name, row_id, changed_at, changed_by, deleted_at, deleted_by, image)
            VALUES ('document', OLD.id, OLD.changed_at, OLD.changed_by, NOW(6), @@global.server_id,
                    JSON_OBJECT('id', OLD.id, 'patient_id', OLD.patient_id, 'file_name', OLD.file_name, 'description', OLD.description, 'mime_type', OLD.mime_type, 'size_bytes', OLD.size_bytes, 'sha256', OLD.sha256, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at, 'changed_at', OLD.changed_at, 'changed_by', OLD.changed_by, 'base_at', OLD.base_at, 'base_by', OLD.base_by));
        END IF;
    ELSEIF @cusp_keep_stamps IS NULL THEN
        SET t_id = (SELECT MAX(id) FROM row_tombstone WHERE table_name = 'document' AND row_id = OLD.id);
        IF t_id IS NOT NULL THEN
            SELECT changed_at, changed_by INTO t_at, t_by FROM row_tombstone WHERE id = t_id;
            IF NOT (t_at <=> OLD.changed_at AND t_by <=> OLD.changed_by) THEN
                SET msg = CONCAT('cusp-conflict delete document ', OLD.id, ' ', IFNULL(DATE_FORMAT(t_at, '%Y-%m-%d %H:%i:%s.%f'), '-'), ' ', IFNULL(t_by, '-'));
                SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = msg;
            END IF;
        END IF;
    END IF;
END$$
DELIMITER ;

ALTER TABLE practice_user
    ADD COLUMN changed_at DATETIME(6) NULL,
    ADD COLUMN changed_by BIGINT      NULL,
    ADD COLUMN base_at    DATETIME(6) NULL,
    ADD COLUMN base_by    BIGINT      NULL;
DELIMITER $$
CREATE TRIGGER practice_user_cusp_bi BEFORE INSERT ON practice_user FOR EACH ROW
BEGIN
    IF @@session.server_id = @@global.server_id AND @cusp_keep_stamps IS NULL THEN
        SET NEW.changed_at = NOW(6), NEW.changed_by = @@global.server_id, NEW.base_at = NULL, NEW.base_by = NULL;
    END IF;
END$$
CREATE TRIGGER practice_user_cusp_bu BEFORE UPDATE ON practice_user FOR EACH ROW
BEGIN
    DECLARE msg VARCHAR(400);
    IF @@session.server_id = @@global.server_id THEN
        IF @cusp_keep_stamps IS NULL THEN
            SET NEW.base_at = OLD.changed_at, NEW.base_by = OLD.changed_by,
                NEW.changed_at = NOW(6), NEW.changed_by = @@global.server_id;
        END IF;
    ELSEIF @cusp_keep_stamps IS NULL AND NOT (NEW.base_at <=> OLD.changed_at AND NEW.base_by <=> OLD.changed_by)
            AND NOT (NEW.changed_at <=> OLD.changed_at AND NEW.changed_by <=> OLD.changed_by) THEN
        SET msg = CONCAT('cusp-conflict update practice_user ', OLD.id, ' ', IFNULL(DATE_FORMAT(NEW.base_at, '%Y-%m-%d %H:%i:%s.%f'), '-'), ' ', IFNULL(NEW.base_by, '-'));
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = msg;
    END IF;
END$$
CREATE TRIGGER practice_user_cusp_bd BEFORE DELETE ON practice_user FOR EACH ROW
BEGIN
    DECLARE t_id BIGINT;
    DECLARE t_at DATETIME(6);
    DECLARE t_by BIGINT;
    DECLARE msg VARCHAR(400);
    IF @@session.server_id = @@global.server_id THEN
        IF @cusp_keep_stamps IS NULL THEN
            INSERT INTO row_tombstone (table_name, row_id, changed_at, changed_by, deleted_at, deleted_by, image)
            VALUES ('practice_user', OLD.id, OLD.changed_at, OLD.changed_by, NOW(6), @@global.server_id,
                    JSON_OBJECT('id', OLD.id, 'user_name', OLD.user_name, 'password_hash', OLD.password_hash, 'provider_id', OLD.provider_id, 'is_admin', OLD.is_admin, 'failed_logins', OLD.failed_logins, 'locked_until', OLD.locked_until, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at, 'changed_at', OLD.changed_at, 'changed_by', OLD.changed_by, 'base_at', OLD.base_at, 'base_by', OLD.base_by));
        END IF;
    ELSEIF @cusp_keep_stamps IS NULL THEN
        SET t_id = (SELECT MAX(id) FROM row_tombstone WHERE table_name = 'practice_user' AND row_id = OLD.id);
        IF t_id IS NOT NULL THEN
            SELECT changed_at, changed_by INTO t_at, t_by FROM row_tombstone WHERE id = t_id;
            IF NOT (t_at <=> OLD.changed_at AND t_by <=> OLD.changed_by) THEN
                SET msg = CONCAT('cusp-conflict delete practice_user ', OLD.id, ' ', IFNULL(DATE_FORMAT(t_at, '%Y-%m-%d %H:%i:%s.%f'), '-'), ' ', IFNULL(t_by, '-'));
                SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = msg;
            END IF;
        END IF;
    END IF;
END$$
DELIMITER ;
