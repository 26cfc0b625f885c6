// Package store persists transcription jobs, API keys, monthly usage and the
// webhook outbox in a single bbolt file.
//
// Store is the only package that imports bbolt. Every exported method runs
// exactly one bbolt transaction, copies what it returns out of that
// transaction, and speaks in plain Go values (Job, Key, Delivery) so that
// another implementation, such as PostgreSQL, can stand behind the same
// consumer interfaces. bbolt locks the file, so one process owns the data:
// any job found processing when the store is opened was orphaned by a crash
// and is handed to RecoverOrphans.
//
// # Job lifecycle
//
// Jobs are modelled on River: CreateJob writes a queued job; ClaimNext takes
// the oldest queued job, marks it processing and raises Attempt (so a crash
// counts as an attempt); every finishing write (FinishJob, RequeueJob,
// RecoverOrphans) applies only while the job is still processing, so a job
// reaches exactly one terminal state. Errors are kept per attempt in
// Job.Errors. A terminal state and the webhook delivery that announces it are
// written in the same transaction (a transactional outbox).
//
// # Fair queueing
//
// Synchronous jobs (Job.Sync: an HTTP request waits for the result) wait in
// sync_queue, all others in queue; both are FIFO by job ID. When both hold
// jobs, ClaimNext alternates between them (round-robin), so synchronous
// callers cannot starve queued jobs nor the reverse; when one is empty it
// takes from the other. meta/queue_turn records the queue that served the
// last claim, in the claim's own transaction. Within each queue, claims go
// round-robin over API keys (claim_queue, meta/key_turn.<lane>), so one key's
// backlog delays another key's job by one claim per waiting key, not by the
// whole backlog. Claim takes a ClaimFilter, so that URL imports that still
// need their audio (lane need 'f') can be claimed by download workers and
// the rest (need 't') by transcription workers. A synchronous job lives only
// as long as its request: RecoverOrphans fails every synchronous job still
// queued or processing at start-up with code "interrupted" instead of
// requeueing it.
//
// # Quota reservations
//
// Usage is charged when a job completes, so admission also counts the
// audio of active jobs: every job holds a reservation (Job.Reserved, in the
// UTC month Job.ReservedMonth) while it is queued or processing, and the
// reserved bucket holds, per key and month, the sum of the active jobs'
// reservations. CreateJob checks used + reserved + the new job's length
// against the quota and reserves that length in the same transaction, so
// concurrent creates cannot overbook. A URL import's length is unknown at
// create: it reserves nothing then (and is admitted only while the quota is
// not used up) and reserves its downloaded length with ReserveAudio, which
// checks the same way in one transaction. putJob and removeJob move the
// totals with the record, as they move the indexes, so a reservation lapses
// exactly once, whichever write ends or deletes the job; a requeued job
// keeps it. A completed job's audio is charged to the month of its
// reservation, which is the month whose quota admitted it, even when it
// completes in the next one. The charge is the decoded length, which can
// differ from the probed length reserved by a fraction of a second.
//
// # Quarantine after a crash
//
// When the process dies with several jobs processing, RecoverOrphans cannot
// tell which one killed it: it records the attempt as interrupted but does
// not count it, and marks each such job Isolated (indexed in quarantine).
// While quarantine holds jobs, Claim takes nothing while any job is
// processing, and otherwise only a quarantined job, so suspects run alone
// and the next crash is charged to the job that caused it. A job leaves
// quarantine when it reaches a terminal state.
//
// # Webhook outbox
//
// A Delivery is created pending and due at once. The dispatcher reads due
// deliveries in NextAt order (DueEntries, then GetDelivery for the ones it
// sends), sleeps until NextDeliveryAt, and records every attempt with RecordDeliveryAttempt,
// which either reschedules the delivery (still pending, a later NextAt) or
// ends it: delivered or failed. Only pending deliveries are in
// deliveries_due. Redeliver makes a job's latest delivery pending again in a
// new Round, keeping its EventID (the webhook-id receivers deduplicate on)
// and its attempt history; the retry schedule counts RoundAttempts, the
// attempts of the current round. DeleteJob and ExpireJobs delete a job's
// delivered and failed deliveries but keep pending ones, so the webhook is
// still sent.
//
// # PostgreSQL
//
// Postgres (pg*.go) implements the same Backend on a database that several
// nodes share; the contract tests in store/storetest run on both. It keeps
// the same JSON records (as json columns, beside the columns its queries
// use; migrations/*.sql, applied at open under an advisory lock and
// versioned in schema_migrations) and applies the same state changes
// (transition.go). The writes both drivers make alike run once, on a small
// interface of the driver's transaction (jobTx, secretsTx): CreateJob's
// admission, the worker's writes, cancel and delete, the outbox's attempts
// and redeliveries, the rotating secrets (jobwrite.go, outboxwrite.go,
// secrets.go). What differs:
//
//   - Claim locks its job with FOR UPDATE SKIP LOCKED, so nodes claim
//     concurrently; each node alternates between the synchronous jobs and
//     the others and, within a queue, goes round-robin over API keys (in
//     byte order), oldest first within each key; the turns are the node's
//     own, kept in memory. There is no quarantine.
//   - A processing job holds a lease (locked_until), renewed by every write
//     of its worker (UpdateProgress among them). RecoverOrphans settles only
//     the jobs whose lease lapsed, so any node may run it at any time: it is
//     the rescuer of a node that died. A node remembers the attempt of each
//     job it claimed, and its writes for a job another node has claimed
//     since are ErrNotProcessing, so a node that comes back late cannot end
//     the other node's attempt.
//   - Reserved totals are a sum over the active jobs, and admissions
//     (CreateJob, ReserveAudio) hold a per-key advisory lock, so that nodes
//     cannot together overbook a quota.
//   - LeaseDelivery takes a delivery for one attempt; DueEntries leaves out
//     the deliveries another node holds until their lease lapses.
//   - CreateJob and requeues NOTIFY instanttranscriber_jobs, new and
//     rescheduled deliveries instanttranscriber_outbox; Listen wakes a node.
//   - Audio can live in the database (audio_chunks, AudioChunk rows):
//     CreateJobWithAudio keeps it in the creating transaction, PutAudio
//     after a download, ReadAudio streams it back; it goes when the job
//     finishes with ClearAudio, or is deleted or expires.
//   - Connection failures are ErrUnavailable.
//
// # Schema
//
// The schema version is 1. It is stored in meta/schema_version; Open refuses
// files written by a newer version (ErrSchema); Open creates missing buckets,
// so additions such as sync_queue, reserved, claim_queue and quarantine
// need no new version. All buckets are top level:
//
//	meta
//	  schema_version                 -> uint64, big-endian (1)
//	  secrets.<name>                 -> [{"id","secret","since","retired_at"}], JSON, current first (Secrets, RotateSecret)
//	  secret.<name>                  -> raw random bytes: earlier builds; Secrets moves it to version 1
//	  queue_turn                     -> 'a' or 's': the queue of the last claim
//	  key_turn.<lane>                -> <key id>: the key served by the lane's last claim
//	jobs
//	  <job id>                       -> job record, JSON
//	transcripts
//	  <job id>                       -> transcript, raw JSON bytes as given to FinishJob
//	queue                            (queued jobs except synchronous ones; First() is the oldest)
//	  <job id>                       -> nil
//	sync_queue                       (queued synchronous jobs only; First() is the oldest)
//	  <job id>                       -> nil
//	claim_queue                      (queued jobs, both queues; the claim order)
//	  <lane> <key id> <job id>       -> nil
//	processing                       (processing jobs only)
//	  <job id>                       -> nil
//	quarantine                       (Isolated jobs not yet terminal)
//	  <job id>                       -> nil
//	jobs_by_key
//	  <key id> <job id>              -> nil
//	jobs_by_key_status
//	  <key id> <status> <job id>     -> nil
//	jobs_by_completed                (terminal jobs only; retention janitor)
//	  <time> <job id>                -> nil
//	idempotency
//	  <key id> <idempotency key>     -> {"job_id","request_hash","created_at"}, JSON
//	keys
//	  <api key id>                   -> key record, JSON
//	key_hashes
//	  <sha-256 of the secret, 32 B>  -> <api key id>
//	usage
//	  <key id> YYYY-MM               -> float64 seconds, IEEE 754 bits big-endian
//	reserved                         (quota reservations of active jobs, per month)
//	  <key id> YYYY-MM               -> int64 nanoseconds, big-endian; absent when 0
//	deliveries
//	  <delivery id>                  -> delivery record, JSON
//	deliveries_due                   (pending deliveries only; First() is the next due)
//	  <time> <delivery id>           -> the delivery's URL (<time> is its NextAt)
//	deliveries_by_job
//	  <job id> <delivery id>         -> nil
//
// Key encodings:
//
//   - <job id>, <api key id>, <delivery id>: the 16 raw bytes of a UUIDv7.
//     Version 7 UUIDs begin with a millisecond timestamp, so byte order is
//     creation order and a cursor walks jobs oldest first.
//   - <key id> inside composite keys: a uint16 big-endian length followed by
//     the Job.KeyID string. The length prefix makes one key's entries a
//     contiguous range that no other key ID can share.
//   - <status>: one byte: 'q' queued, 'p' processing, 'c' completed,
//     'f' failed, 'x' canceled.
//   - <lane>: two bytes: the queue, 'a' (queue) or 's' (sync_queue), then
//     the need, 'f' (a URL import whose audio is not downloaded yet) or 't'
//     (any other job). Open fills claim_queue from queue and sync_queue when
//     it creates the bucket in a file written before it existed.
//   - <time>: UnixNano as uint64 big-endian with the sign bit flipped, so
//     byte order is time order.
//   - YYYY-MM: the calendar month in UTC, 7 ASCII bytes.
//
// Value encodings: records are JSON objects with snake_case names (see
// record.go); times are RFC 3339 with nanoseconds in UTC, durations are
// integer nanoseconds, byte slices are base64. Secondary indexes carry no
// value, except deliveries_due, which carries a copy of the URL so that the
// dispatcher can walk many due deliveries without decoding them; they are
// written and removed in the transaction that changes the record they point
// to.
package store
