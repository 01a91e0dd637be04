-- One leader among the nodes on this database: the holder of this row's
-- lease. `epoch` grows with every change of holder; each of the leader's
-- writes checks, in its own transaction, that the lease is still its own at
-- that epoch (and locks the row until it commits), so a leader that lost the
-- lease while paused or cut off can never commit.
CREATE TABLE candor_lease (
    id integer PRIMARY KEY CHECK (id = 1),
    holder text,
    advertise_url text,
    epoch bigint NOT NULL,
    expires_at timestamptz NOT NULL,
    changes bigint NOT NULL DEFAULT 0
);
INSERT INTO candor_lease (id, holder, advertise_url, epoch, expires_at)
VALUES (1, NULL, NULL, 0, '-infinity');

-- Every node says it is alive every few seconds (the admin dashboard lists
-- the nodes seen in the last minute).
CREATE TABLE candor_nodes (
    node text COLLATE "C" PRIMARY KEY,
    advertise_url text NOT NULL,
    role text NOT NULL,
    seen_at timestamptz NOT NULL
);
