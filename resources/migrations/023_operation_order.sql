-- Schema 23: whether operations' ids follow their creation time (created_at never smaller than
-- an earlier id's). While they do, the Age order is the id order, and a search reads its
-- index in that order and stops at a page (the FTS5 rowid, OperationsQuery). Kept by the
-- writes themselves: an insert out of order, or any change of created_at, clears it for good.

CREATE TABLE operations_order (
    only_row INTEGER PRIMARY KEY CHECK (only_row = 1),
    ids_follow_creation BOOLEAN NOT NULL
);

{{ONLY sqlite}}
INSERT INTO operations_order (only_row, ids_follow_creation) SELECT 1, NOT EXISTS (SELECT 1 FROM (SELECT created_at < LAG(created_at) OVER (ORDER BY id) AS earlier FROM operations) WHERE earlier);
CREATE TRIGGER operations_order_insert AFTER INSERT ON operations WHEN new.created_at < COALESCE((SELECT created_at FROM operations WHERE id < new.id ORDER BY id DESC LIMIT 1), new.created_at) OR new.created_at > COALESCE((SELECT created_at FROM operations WHERE id > new.id ORDER BY id LIMIT 1), new.created_at) BEGIN UPDATE operations_order SET ids_follow_creation = 0 WHERE ids_follow_creation; END;
CREATE TRIGGER operations_order_update AFTER UPDATE OF id, created_at ON operations WHEN new.id <> old.id OR new.created_at <> old.created_at BEGIN UPDATE operations_order SET ids_follow_creation = 0 WHERE ids_follow_creation; END;
{{END}}

{{ONLY postgresql}}
INSERT INTO operations_order (only_row, ids_follow_creation) SELECT 1, NOT EXISTS (SELECT 1 FROM (SELECT created_at < LAG(created_at) OVER (ORDER BY id) AS earlier FROM operations) ordered WHERE earlier);
-- One check per statement over the rows it inserted (a batch of intake or import rows), against
-- each row's neighbours by id. EXECUTE plans it anew each time: a plan kept from when the table
-- was small scans it whole for every insert.
CREATE OR REPLACE FUNCTION reconsole_operations_order_insert() RETURNS trigger LANGUAGE plpgsql AS $$ DECLARE broken boolean; BEGIN IF NOT EXISTS (SELECT 1 FROM operations_order WHERE ids_follow_creation) THEN RETURN NULL; END IF; EXECUTE 'SELECT EXISTS (SELECT 1 FROM inserted n WHERE n.created_at < COALESCE((SELECT o.created_at FROM operations o WHERE o.id < n.id ORDER BY o.id DESC LIMIT 1), n.created_at) OR n.created_at > COALESCE((SELECT o.created_at FROM operations o WHERE o.id > n.id ORDER BY o.id LIMIT 1), n.created_at))' INTO broken; IF broken THEN UPDATE operations_order SET ids_follow_creation = false; END IF; RETURN NULL; END $$;
CREATE TRIGGER operations_order_insert AFTER INSERT ON operations REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION reconsole_operations_order_insert();
CREATE OR REPLACE FUNCTION reconsole_operations_order_update() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN UPDATE operations_order SET ids_follow_creation = false WHERE ids_follow_creation; RETURN NULL; END $$;
CREATE TRIGGER operations_order_update AFTER UPDATE OF id, created_at ON operations FOR EACH ROW WHEN (new.id <> old.id OR new.created_at <> old.created_at) EXECUTE FUNCTION reconsole_operations_order_update();
{{END}}
