-- The PostgreSQL store (store/pg*.go). Records are the same JSON objects
-- the bbolt store keeps (store/record.go), kept as json so that their text,
-- job metadata included, comes back byte for byte; the columns beside them
-- are what the queries select and order on.

CREATE TABLE jobs (
	id             uuid PRIMARY KEY,
	key_id         text COLLATE "C" NOT NULL,  -- byte order, for the claims' key turn
	status         text NOT NULL,
	sync           boolean NOT NULL,
	need_fetch     boolean NOT NULL,
	completed_at   timestamptz,          -- terminal jobs only
	locked_until   timestamptz,          -- processing jobs only: the worker's lease
	reserved_ns    bigint NOT NULL,      -- the quota reservation, counted while active
	reserved_month text NOT NULL,
	record         json NOT NULL
);
CREATE INDEX jobs_queued ON jobs (sync, key_id, id) WHERE status = 'queued';
CREATE INDEX jobs_lease ON jobs (locked_until) WHERE status = 'processing';
CREATE INDEX jobs_by_key ON jobs (key_id, id);
CREATE INDEX jobs_by_key_status ON jobs (key_id, status, id);
CREATE INDEX jobs_by_completed ON jobs (completed_at, id) WHERE completed_at IS NOT NULL;

CREATE TABLE transcripts (
	job_id uuid PRIMARY KEY REFERENCES jobs (id) ON DELETE CASCADE,
	body   bytea NOT NULL
);

CREATE TABLE idempotency (
	key_id       text NOT NULL,
	idem_key     text NOT NULL,
	job_id       uuid NOT NULL,
	request_hash text NOT NULL,
	created_at   timestamptz NOT NULL,
	PRIMARY KEY (key_id, idem_key)
);

CREATE TABLE api_keys (
	id     uuid PRIMARY KEY,
	hash   bytea NOT NULL UNIQUE,
	record json NOT NULL
);

CREATE TABLE usage (
	key_id  text NOT NULL,
	month   text NOT NULL,
	seconds double precision NOT NULL,
	PRIMARY KEY (key_id, month)
);

-- Deliveries outlive their job while pending, so job_id has no foreign key.
CREATE TABLE deliveries (
	id           uuid PRIMARY KEY,
	job_id       uuid NOT NULL,
	status       text NOT NULL,
	next_at      timestamptz,            -- pending deliveries only
	url          text NOT NULL,
	locked_until timestamptz,            -- the node making an attempt
	record       json NOT NULL
);
CREATE INDEX deliveries_due ON deliveries (next_at, id) WHERE status = 'pending';
CREATE INDEX deliveries_by_job ON deliveries (job_id, id);

CREATE TABLE secrets (
	name     text PRIMARY KEY,
	versions json NOT NULL
);
