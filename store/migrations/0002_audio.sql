-- The uploaded audio of the jobs, in chunks, so that a worker on any node
-- can fetch what the API of another node received (store/pg_audio.go).
CREATE TABLE audio_chunks (
	job_id uuid NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
	seq    integer NOT NULL,
	data   bytea NOT NULL,
	PRIMARY KEY (job_id, seq)
);
