package store

import (
	"bytes"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// The two queues. Jobs created with Job.Sync wait in sync_queue, every other
// job in queue; each is FIFO (keys are time-ordered job IDs). ClaimNext
// serves them in turn, so a stream of synchronous requests cannot starve
// queued jobs, nor a backlog of queued jobs the synchronous requests. The
// queue that served the last claim is kept in meta/queue_turn, so the turn
// is transactional and survives a restart.
//
// Within a queue, claims go round-robin over API keys: claim_queue orders
// queued jobs by lane, then key, then job ID, and meta/key_turn.<lane>
// records the key served last in each lane, so the next claim in that lane
// takes the oldest job of the next key (wrapping around). A key with a
// hundred queued jobs therefore delays another key's job by at most one
// claim per other waiting key.

// metaQueueTurn names the queue that served the last claim: turnAsync or
// turnSync.
var metaQueueTurn = []byte("queue_turn")

// metaKeyTurnPrefix, followed by a lane, names the <key id> served last in
// that lane.
const metaKeyTurnPrefix = "key_turn."

const (
	turnAsync = 'a'
	turnSync  = 's'
)

// Needs: the second byte of a lane.
const (
	// needFetch: a URL import whose audio is not downloaded yet.
	needFetch = 'f'
	// needRun: a job that has its audio (or nothing to fetch).
	needRun = 't'
)

// jobIDLen is the length of a raw job ID.
const jobIDLen = 16

// ClaimFilter chooses which queued jobs a claim may take, so that URL
// imports can be downloaded by workers of their own.
type ClaimFilter uint8

const (
	// ClaimAny takes any queued job.
	ClaimAny ClaimFilter = iota
	// ClaimFetch takes only URL imports whose audio is not downloaded yet
	// (Source.URL set, Source.AudioPath empty).
	ClaimFetch
	// ClaimAudio takes only jobs that are not waiting for a download.
	ClaimAudio
)

// needs lists the lane needs f may claim.
func (f ClaimFilter) needs() []byte {
	switch f {
	case ClaimFetch:
		return []byte{needFetch}
	case ClaimAudio:
		return []byte{needRun}
	}
	return []byte{needFetch, needRun}
}

// matches reports whether f may claim j.
func (f ClaimFilter) matches(j *Job) bool {
	return bytes.IndexByte(f.needs(), needOf(j)) >= 0
}

// NeedsFetch reports whether j is a URL import whose audio has not been
// downloaded yet: the jobs ClaimFetch takes.
func NeedsFetch(j Job) bool {
	return j.Source.URL != "" && j.Source.AudioPath == ""
}

func needOf(j *Job) byte {
	if NeedsFetch(*j) {
		return needFetch
	}
	return needRun
}

// queueBucket is the queue a queued job waits in.
func queueBucket(j *Job) []byte {
	if j.Sync {
		return bucketSyncQueue
	}
	return bucketQueue
}

// claimKey is a queued job's entry in claim_queue: <queue> <need> <key id>
// <job id>.
func claimKey(j *Job, id []byte) []byte {
	q := byte(turnAsync)
	if j.Sync {
		q = turnSync
	}
	return concat([]byte{q, needOf(j)}, ownerPrefix(j.KeyID), id)
}

// nextQueued picks the job ClaimNext takes for filter f, or nil when there
// is none. While quarantined jobs exist it defers to nextQuarantined.
// Otherwise it takes from the only queue holding jobs f may claim, or, when
// both do, from the queue that did not serve the previous claim; within the
// queue, round-robin over keys (see nextInQueue). It records the queue it
// picked as the turn.
func (t *txn) nextQueued(f ClaimFilter) ([]byte, error) {
	if k, _ := t.bucket(bucketQuarantine).Cursor().First(); k != nil {
		return t.nextQuarantined(f)
	}
	hasAsync := t.queueHolds(turnAsync, f)
	hasSync := t.queueHolds(turnSync, f)
	var turn byte
	switch {
	case !hasAsync && !hasSync:
		return nil, nil
	case !hasSync:
		turn = turnAsync
	case !hasAsync:
		turn = turnSync
	case t.queueTurn() == turnAsync:
		turn = turnSync
	default:
		turn = turnAsync
	}
	k, err := t.nextInQueue(turn, f)
	if err != nil {
		return nil, err
	}
	if err := t.bucket(bucketMeta).Put(metaQueueTurn, []byte{turn}); err != nil {
		return nil, fmt.Errorf("put queue turn: %w", err)
	}
	return k, nil
}

// queueHolds reports whether queue q holds a job f may claim.
func (t *txn) queueHolds(q byte, f ClaimFilter) bool {
	c := t.bucket(bucketClaimQueue).Cursor()
	for _, n := range f.needs() {
		lane := []byte{q, n}
		if k, _ := c.Seek(lane); k != nil && bytes.HasPrefix(k, lane) {
			return true
		}
	}
	return false
}

// nextInQueue returns the job ID to claim from queue q, which holds a job
// f may claim: in each lane f may claim, the oldest job of the key after
// the one served last; the older of the two when f claims from both lanes.
// It records the key it served as the lane's key turn.
func (t *txn) nextInQueue(q byte, f ClaimFilter) ([]byte, error) {
	var best, bestLane []byte
	for _, n := range f.needs() {
		lane := []byte{q, n}
		k := t.nextInLane(lane)
		if k == nil {
			continue
		}
		if best == nil || bytes.Compare(k[len(k)-jobIDLen:], best[len(best)-jobIDLen:]) < 0 {
			best, bestLane = k, lane
		}
	}
	if best == nil {
		return nil, fmt.Errorf("queue %c: no job for claim filter %d", q, f)
	}
	owner := best[len(bestLane) : len(best)-jobIDLen]
	turnKey := concat([]byte(metaKeyTurnPrefix), bestLane)
	if err := t.bucket(bucketMeta).Put(turnKey, append([]byte(nil), owner...)); err != nil {
		return nil, fmt.Errorf("put key turn: %w", err)
	}
	return append([]byte(nil), best[len(best)-jobIDLen:]...), nil
}

// nextInLane returns the claim_queue entry of the oldest job of the first
// key after the lane's key turn, wrapping around to the lane's first key;
// nil when the lane is empty.
func (t *txn) nextInLane(lane []byte) []byte {
	c := t.bucket(bucketClaimQueue).Cursor()
	if last := t.bucket(bucketMeta).Get(concat([]byte(metaKeyTurnPrefix), lane)); last != nil {
		// Past every entry of the last key: its job IDs are 16 bytes.
		after := concat(lane, last, bytes.Repeat([]byte{0xff}, jobIDLen+1))
		if k, _ := c.Seek(after); k != nil && bytes.HasPrefix(k, lane) {
			return append([]byte(nil), k...)
		}
	}
	if k, _ := c.Seek(lane); k != nil && bytes.HasPrefix(k, lane) {
		return append([]byte(nil), k...)
	}
	return nil
}

// queueTurn returns the queue that served the last claim; turnSync when
// none has, so that the first contested claim goes to the other queue.
func (t *txn) queueTurn() byte {
	if v := t.bucket(bucketMeta).Get(metaQueueTurn); len(v) == 1 && v[0] == turnAsync {
		return turnAsync
	}
	return turnSync
}

// backfillClaimQueue indexes in claim_queue the jobs queued in a file
// written before claim_queue existed. initSchema calls it when it creates
// the bucket.
func backfillClaimQueue(tx *bolt.Tx) error {
	jobs, claim := tx.Bucket(bucketJobs), tx.Bucket(bucketClaimQueue)
	for _, name := range [][]byte{bucketQueue, bucketSyncQueue} {
		err := tx.Bucket(name).ForEach(func(k, _ []byte) error {
			v := jobs.Get(k)
			if v == nil {
				return fmt.Errorf("queue entry %s: %w", idString(k), ErrNotFound)
			}
			j, err := decodeJob(v)
			if err != nil {
				return err
			}
			return claim.Put(claimKey(&j, k), nil)
		})
		if err != nil {
			return fmt.Errorf("backfill claim queue: %w", err)
		}
	}
	return nil
}
