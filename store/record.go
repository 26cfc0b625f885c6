package store

import (
	"encoding/json"
	"fmt"
	"time"
)

// Stored value encodings. The record types carry the JSON names, so renaming
// an exported field never changes the file format.

type jobRecord struct {
	ID              string            `json:"id"`
	KeyID           string            `json:"key_id"`
	Status          Status            `json:"status"`
	Stage           string            `json:"stage,omitempty"`
	Progress        int               `json:"progress,omitempty"`
	CreatedAt       time.Time         `json:"created_at"`
	StartedAt       time.Time         `json:"started_at,omitzero"`
	CompletedAt     time.Time         `json:"completed_at,omitzero"`
	Attempt         int               `json:"attempt"`
	MaxAttempts     int               `json:"max_attempts"`
	Errors          []attemptErrorRec `json:"errors,omitempty"`
	Error           *jobErrorRec      `json:"error,omitempty"`
	Source          sourceRec         `json:"source"`
	Options         optionsRec        `json:"options"`
	CallbackURL     string            `json:"callback_url,omitempty"`
	CallbackSecret  string            `json:"callback_secret,omitempty"`
	Metadata        json.RawMessage   `json:"metadata,omitempty"`
	AudioDuration   time.Duration     `json:"audio_duration_ns,omitempty"`
	Language        string            `json:"language,omitempty"`
	IdempotencyKey  string            `json:"idempotency_key,omitempty"`
	CancelRequested bool              `json:"cancel_requested,omitempty"`
	RetainAudio     bool              `json:"retain_audio,omitempty"`
	Sync            bool              `json:"sync,omitempty"`
	Reserved        time.Duration     `json:"reserved_ns,omitempty"`
	ReservedMonth   string            `json:"reserved_month,omitempty"`
	Isolated        bool              `json:"isolated,omitempty"`
	SpeakerNames    map[string]string `json:"speaker_names,omitempty"`
}

type attemptErrorRec struct {
	Attempt int       `json:"attempt"`
	At      time.Time `json:"at"`
	Code    string    `json:"code"`
	Message string    `json:"message,omitempty"`
	// Uncounted: see AttemptError.
	Uncounted bool `json:"uncounted,omitempty"`
}

type jobErrorRec struct {
	Code    string `json:"code"`
	Message string `json:"message,omitempty"`
}

type sourceRec struct {
	AudioPath string `json:"audio_path,omitempty"`
	URL       string `json:"url,omitempty"`
	Filename  string `json:"filename,omitempty"`
	Size      int64  `json:"size,omitempty"`
}

type optionsRec struct {
	Language         string   `json:"language,omitempty"`
	Translate        bool     `json:"translate,omitempty"`
	Diarize          bool     `json:"diarize,omitempty"`
	SpeakersExpected int      `json:"speakers_expected,omitempty"`
	MinSpeakers      int      `json:"min_speakers,omitempty"`
	MaxSpeakers      int      `json:"max_speakers,omitempty"`
	Summarize        bool     `json:"summarize,omitempty"`
	SummaryType      string   `json:"summary_type,omitempty"`
	Prompt           string   `json:"prompt,omitempty"`
	Vocabulary       []string `json:"vocabulary,omitempty"`
	Model            string   `json:"model,omitempty"`
}

func encodeJob(j Job) ([]byte, error) {
	r := jobRecord{
		ID: j.ID, KeyID: j.KeyID, Status: j.Status, Stage: j.Stage, Progress: j.Progress,
		CreatedAt: j.CreatedAt, StartedAt: j.StartedAt, CompletedAt: j.CompletedAt,
		Attempt: j.Attempt, MaxAttempts: j.MaxAttempts,
		Source:      sourceRec(j.Source),
		Options:     optionsRec(j.Options),
		CallbackURL: j.CallbackURL, CallbackSecret: j.CallbackSecret,
		Metadata: j.Metadata, AudioDuration: j.AudioDuration, Language: j.Language,
		IdempotencyKey: j.IdempotencyKey, CancelRequested: j.CancelRequested, RetainAudio: j.RetainAudio,
		Sync: j.Sync, Reserved: j.Reserved, ReservedMonth: j.ReservedMonth, Isolated: j.Isolated,
		SpeakerNames: j.SpeakerNames,
	}
	for _, e := range j.Errors {
		r.Errors = append(r.Errors, attemptErrorRec(e))
	}
	if j.Error != nil {
		r.Error = &jobErrorRec{Code: j.Error.Code, Message: j.Error.Message}
	}
	b, err := json.Marshal(r)
	if err != nil {
		return nil, fmt.Errorf("encode job %s: %w", j.ID, err)
	}
	return b, nil
}

// decodeJob copies a stored job out of transaction memory.
func decodeJob(b []byte) (Job, error) {
	var r jobRecord
	if err := json.Unmarshal(b, &r); err != nil {
		return Job{}, fmt.Errorf("decode job: %w", err)
	}
	j := Job{
		ID: r.ID, KeyID: r.KeyID, Status: r.Status, Stage: r.Stage, Progress: r.Progress,
		CreatedAt: r.CreatedAt, StartedAt: r.StartedAt, CompletedAt: r.CompletedAt,
		Attempt: r.Attempt, MaxAttempts: r.MaxAttempts,
		Source:      Source(r.Source),
		Options:     JobOptions(r.Options),
		CallbackURL: r.CallbackURL, CallbackSecret: r.CallbackSecret,
		Metadata: r.Metadata, AudioDuration: r.AudioDuration, Language: r.Language,
		IdempotencyKey: r.IdempotencyKey, CancelRequested: r.CancelRequested, RetainAudio: r.RetainAudio,
		Sync: r.Sync, Reserved: r.Reserved, ReservedMonth: r.ReservedMonth, Isolated: r.Isolated,
		SpeakerNames: r.SpeakerNames,
	}
	for _, e := range r.Errors {
		j.Errors = append(j.Errors, AttemptError(e))
	}
	if r.Error != nil {
		j.Error = &JobError{Code: r.Error.Code, Message: r.Error.Message}
	}
	return j, nil
}

type keyRecord struct {
	ID           string    `json:"id"`
	Name         string    `json:"name,omitempty"`
	Hash         []byte    `json:"hash"`
	Admin        bool      `json:"admin,omitempty"`
	QuotaSeconds int64     `json:"quota_seconds,omitempty"`
	CreatedAt    time.Time `json:"created_at"`
	RevokedAt    time.Time `json:"revoked_at,omitzero"`
}

func encodeKey(k Key) ([]byte, error) {
	return json.Marshal(keyRecord{
		ID: k.ID, Name: k.Name, Hash: k.Hash[:], Admin: k.Admin,
		QuotaSeconds: k.QuotaSeconds, CreatedAt: k.CreatedAt, RevokedAt: k.RevokedAt,
	})
}

func decodeKey(b []byte) (Key, error) {
	var r keyRecord
	if err := json.Unmarshal(b, &r); err != nil {
		return Key{}, fmt.Errorf("decode key: %w", err)
	}
	k := Key{
		ID: r.ID, Name: r.Name, Admin: r.Admin, QuotaSeconds: r.QuotaSeconds,
		CreatedAt: r.CreatedAt, RevokedAt: r.RevokedAt,
	}
	if len(r.Hash) != len(k.Hash) {
		return Key{}, fmt.Errorf("decode key %s: hash has %d bytes", r.ID, len(r.Hash))
	}
	copy(k.Hash[:], r.Hash)
	return k, nil
}

type deliveryRecord struct {
	ID            string               `json:"id"`
	JobID         string               `json:"job_id"`
	KeyID         string               `json:"key_id,omitempty"`
	URL           string               `json:"url"`
	Secret        string               `json:"secret,omitempty"`
	Payload       []byte               `json:"payload"`
	Event         string               `json:"event,omitempty"`
	EventID       string               `json:"event_id"`
	Attempt       int                  `json:"attempt"`
	Round         int                  `json:"round,omitempty"`
	RoundAttempts int                  `json:"round_attempts,omitempty"`
	Attempts      []deliveryAttemptRec `json:"attempts,omitempty"`
	NextAt        time.Time            `json:"next_at,omitzero"`
	CreatedAt     time.Time            `json:"created_at"`
	Status        string               `json:"status"`
	LastError     string               `json:"last_error,omitempty"`
}

type deliveryAttemptRec struct {
	At           time.Time     `json:"at"`
	StatusCode   int           `json:"status_code,omitempty"`
	Duration     time.Duration `json:"duration_ns"`
	Error        string        `json:"error,omitempty"`
	ResponseBody string        `json:"response_body,omitempty"`
}

func encodeDelivery(d Delivery) ([]byte, error) {
	r := deliveryRecord{
		ID: d.ID, JobID: d.JobID, KeyID: d.KeyID, URL: d.URL, Secret: d.Secret, Payload: d.Payload,
		Event: d.Event, EventID: d.EventID, Attempt: d.Attempt, Round: d.Round, RoundAttempts: d.RoundAttempts,
		NextAt: d.NextAt, CreatedAt: d.CreatedAt, Status: d.Status, LastError: d.LastError,
	}
	for _, a := range d.Attempts {
		r.Attempts = append(r.Attempts, deliveryAttemptRec(a))
	}
	return json.Marshal(r)
}

// decodeDelivery copies a stored delivery out of transaction memory.
func decodeDelivery(b []byte) (Delivery, error) {
	var r deliveryRecord
	if err := json.Unmarshal(b, &r); err != nil {
		return Delivery{}, fmt.Errorf("decode delivery: %w", err)
	}
	d := Delivery{
		ID: r.ID, JobID: r.JobID, KeyID: r.KeyID, URL: r.URL, Secret: r.Secret, Payload: r.Payload,
		Event: r.Event, EventID: r.EventID, Attempt: r.Attempt, Round: r.Round, RoundAttempts: r.RoundAttempts,
		NextAt: r.NextAt, CreatedAt: r.CreatedAt, Status: r.Status, LastError: r.LastError,
	}
	for _, a := range r.Attempts {
		d.Attempts = append(d.Attempts, DeliveryAttempt(a))
	}
	return d, nil
}

// idempotencyRecord remembers which job a request with an idempotency key
// created.
type idempotencyRecord struct {
	JobID       string    `json:"job_id"`
	RequestHash string    `json:"request_hash"`
	CreatedAt   time.Time `json:"created_at"`
}
