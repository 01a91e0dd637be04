-- Candor's records in PostgreSQL: the same records as the sled store keeps,
-- one table per kind. Records are stored as Candor's own JSON (bytea, the very
-- bytes sled keeps, so a copy between the two is exact and PostgreSQL's JSON
-- rules, such as no NUL in strings, never refuse one); packed result blocks and
-- uptime days in Candor's own binary encoding. Ids sort by byte ("C" collation).

CREATE TABLE result_blocks (
    hour integer NOT NULL,
    check_id text COLLATE "C" NOT NULL,
    block bytea NOT NULL,
    PRIMARY KEY (hour, check_id)
);
CREATE INDEX result_blocks_by_check ON result_blocks (check_id, hour);

CREATE TABLE check_states (
    check_id text COLLATE "C" PRIMARY KEY,
    state bytea NOT NULL
);

CREATE TABLE component_states (
    component_id text COLLATE "C" PRIMARY KEY,
    state bytea NOT NULL
);

CREATE TABLE incidents (
    id text COLLATE "C" PRIMARY KEY,
    record bytea NOT NULL
);

CREATE TABLE maintenances (
    id text COLLATE "C" PRIMARY KEY,
    record bytea NOT NULL
);

CREATE TABLE overrides (
    component_id text COLLATE "C" PRIMARY KEY,
    record bytea NOT NULL
);

CREATE TABLE uptime_days (
    day integer NOT NULL,
    component_id text COLLATE "C" NOT NULL,
    data bytea NOT NULL,
    PRIMARY KEY (day, component_id)
);

-- Job ids increase in commit order: only one connection writes the outbox.
CREATE TABLE outbox (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    attempts integer NOT NULL,
    job bytea NOT NULL
);

CREATE TABLE outbox_failed (
    id bigint PRIMARY KEY,
    job bytea NOT NULL
);

CREATE SEQUENCE subscriber_ids;

-- address_key is bytea: a follower's key holds a NUL between address and incident.
-- `saved` orders saves, so a lookup finds the record saved last under a key.
CREATE TABLE subscribers (
    id text COLLATE "C" PRIMARY KEY,
    address_key bytea NOT NULL,
    token_hash bytea NOT NULL,
    confirmed boolean NOT NULL,
    follower boolean NOT NULL,
    saved bigint NOT NULL,
    record bytea NOT NULL
);
CREATE SEQUENCE subscriber_saves;
CREATE INDEX subscribers_by_address ON subscribers (address_key, saved);
CREATE INDEX subscribers_by_token ON subscribers (token_hash, saved);

CREATE TABLE feedback (
    incident_id text COLLATE "C" NOT NULL,
    subscriber_id text COLLATE "C" NOT NULL,
    answer bytea NOT NULL,
    PRIMARY KEY (incident_id, subscriber_id)
);
CREATE INDEX feedback_by_subscriber ON feedback (subscriber_id);

CREATE TABLE reports (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at_ms bigint NOT NULL,
    record bytea NOT NULL
);
CREATE INDEX reports_by_time ON reports (at_ms, seq);

CREATE TABLE report_alarms (
    component_id text COLLATE "C" PRIMARY KEY,
    since_ms bigint NOT NULL
);

-- One row, rewritten by the store's recovery probe: a write that must commit.
CREATE TABLE probe (
    id integer PRIMARY KEY,
    at timestamptz NOT NULL
);
