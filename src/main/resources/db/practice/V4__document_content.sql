-- A document's content lives in the practice's document store, named by document.sha256
-- (issue 17). Two facts a practice searches by: what kind of document it is and when it was
-- taken. A document an import could not match to a patient is kept without one (category
-- 'unfiled'), rather than attached to the wrong patient.
ALTER TABLE document
    MODIFY COLUMN patient_id BIGINT NULL,
    ADD COLUMN category VARCHAR(40) NULL,
    ADD COLUMN taken_at DATETIME(3) NULL,
    ADD KEY ix_document_sha256 (sha256),
    ADD KEY ix_document_category (category),
    ADD KEY ix_document_taken (taken_at);

-- A deleted row's image (for conflict restore) carries the new columns too.
DROP TRIGGER document_cusp_bd;
DELIMITER $$
CREATE TRIGGER document_cusp_bd BEFORE DELETE ON document FOR EACH ROW
BEGIN
    DECLARE t_id BIGINT;
    DECLARE t_at DATETIME(6);
    DECLARE t_by BIGINT;
    DECLARE msg VARCHAR(400);
    IF @@session.server_id = @@global.server_id THEN
        -- Not at a report replica (read_only): no one deletes there but an administrator behind
        -- replication's back, and the trigger's definer (the tenant's user) may not write there.
        IF @cusp_keep_stamps IS NULL AND @@global.read_only = 0 THEN
            INSERT INTO row_tombstone (table_name, row_id, changed_at, changed_by, deleted_at, deleted_by, image)
            VALUES ('document', OLD.id, OLD.changed_at, OLD.changed_by, NOW(6), @@global.server_id,
                    JSON_OBJECT('id', OLD.id, 'patient_id', OLD.patient_id, 'file_name', OLD.file_name, 'description', OLD.description, 'mime_type', OLD.mime_type, 'size_bytes', OLD.size_bytes, 'sha256', OLD.sha256, 'category', OLD.category, 'taken_at', OLD.taken_at, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at, 'changed_at', OLD.changed_at, 'changed_by', OLD.changed_by, 'base_at', OLD.base_at, 'base_by', OLD.base_by));
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
