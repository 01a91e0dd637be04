-- What the pages show, numbered in commit order: every row of these tables
-- carries the number of the write that last changed it (one sequence for
-- all), and a removal leaves a numbered row in candor_removed. A standby
-- reads only the rows numbered after the last it read (the change feed),
-- rather than the whole database after every notice. Only the leader
-- writes these tables, one transaction at a time behind its fence, so the
-- numbers commit in order. The numbers are the database's own doing
-- (defaults and triggers), so every write gets one, whoever makes it: a
-- leader of an older Candor during a rolling upgrade, or a hand in psql.
CREATE SEQUENCE candor_feed;

ALTER TABLE incidents ADD COLUMN changed bigint NOT NULL DEFAULT nextval('candor_feed');
ALTER TABLE maintenances ADD COLUMN changed bigint NOT NULL DEFAULT nextval('candor_feed');
ALTER TABLE overrides ADD COLUMN changed bigint NOT NULL DEFAULT nextval('candor_feed');
ALTER TABLE component_states ADD COLUMN changed bigint NOT NULL DEFAULT nextval('candor_feed');
ALTER TABLE check_states ADD COLUMN changed bigint NOT NULL DEFAULT nextval('candor_feed');
ALTER TABLE uptime_days ADD COLUMN changed bigint NOT NULL DEFAULT nextval('candor_feed');
ALTER TABLE result_blocks ADD COLUMN changed bigint NOT NULL DEFAULT nextval('candor_feed');

CREATE INDEX incidents_changed ON incidents (changed);
CREATE INDEX maintenances_changed ON maintenances (changed);
CREATE INDEX overrides_changed ON overrides (changed);
CREATE INDEX component_states_changed ON component_states (changed);
CREATE INDEX check_states_changed ON check_states (changed);
CREATE INDEX uptime_days_changed ON uptime_days (changed);
CREATE INDEX result_blocks_changed ON result_blocks (changed);

-- Records removed (an engineer's override taken off), by kind and key.
CREATE TABLE candor_removed (
    changed bigint PRIMARY KEY DEFAULT nextval('candor_feed'),
    kind text NOT NULL,
    key text COLLATE "C" NOT NULL
);

CREATE FUNCTION candor_feed_number() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.changed := nextval('candor_feed');
    RETURN NEW;
END
$$;
CREATE TRIGGER incidents_feed BEFORE UPDATE ON incidents FOR EACH ROW EXECUTE FUNCTION candor_feed_number();
CREATE TRIGGER maintenances_feed BEFORE UPDATE ON maintenances FOR EACH ROW EXECUTE FUNCTION candor_feed_number();
CREATE TRIGGER overrides_feed BEFORE UPDATE ON overrides FOR EACH ROW EXECUTE FUNCTION candor_feed_number();
CREATE TRIGGER component_states_feed BEFORE UPDATE ON component_states FOR EACH ROW EXECUTE FUNCTION candor_feed_number();
CREATE TRIGGER check_states_feed BEFORE UPDATE ON check_states FOR EACH ROW EXECUTE FUNCTION candor_feed_number();
CREATE TRIGGER uptime_days_feed BEFORE UPDATE ON uptime_days FOR EACH ROW EXECUTE FUNCTION candor_feed_number();
CREATE TRIGGER result_blocks_feed BEFORE UPDATE ON result_blocks FOR EACH ROW EXECUTE FUNCTION candor_feed_number();

CREATE FUNCTION candor_feed_override_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO candor_removed (kind, key) VALUES ('override', OLD.component_id);
    RETURN OLD;
END
$$;
CREATE TRIGGER overrides_removed AFTER DELETE ON overrides FOR EACH ROW EXECUTE FUNCTION candor_feed_override_removed();
