package store

import "fmt"

// The two queues. Jobs created with Job.Sync wait in sync_queue, every other
// job in queue; each is FIFO (keys are time-ordered job IDs). ClaimNext
// serves them in turn, so a stream of synchronous requests cannot starve
// queued jobs, nor a backlog of queued jobs the synchronous requests. The
// queue that served the last claim is kept in meta/queue_turn, so the turn
// is transactional and survives a restart.

// metaQueueTurn names the queue that served the last claim: turnAsync or
// turnSync.
var metaQueueTurn = []byte("queue_turn")

const (
	turnAsync = 'a'
	turnSync  = 's'
)

// queueBucket is the queue a queued job waits in.
func queueBucket(j *Job) []byte {
	if j.Sync {
		return bucketSyncQueue
	}
	return bucketQueue
}

// nextQueued picks the job ClaimNext takes: the oldest of the only
// non-empty queue, or, when both hold jobs, the oldest of the queue that
// did not serve the previous claim. It records the queue it picked as the
// turn, and returns nil when both queues are empty.
func (t *txn) nextQueued() ([]byte, error) {
	asyncK, _ := t.bucket(bucketQueue).Cursor().First()
	syncK, _ := t.bucket(bucketSyncQueue).Cursor().First()
	var turn byte
	switch {
	case asyncK == nil && syncK == nil:
		return nil, nil
	case syncK == nil:
		turn = turnAsync
	case asyncK == nil:
		turn = turnSync
	case t.queueTurn() == turnAsync:
		turn = turnSync
	default:
		turn = turnAsync
	}
	k := asyncK
	if turn == turnSync {
		k = syncK
	}
	k = append([]byte(nil), k...)
	if err := t.bucket(bucketMeta).Put(metaQueueTurn, []byte{turn}); err != nil {
		return nil, fmt.Errorf("put queue turn: %w", err)
	}
	return k, nil
}

// queueTurn returns the queue that served the last claim; turnSync when
// none has, so that the first contested claim goes to the other queue.
func (t *txn) queueTurn() byte {
	if v := t.bucket(bucketMeta).Get(metaQueueTurn); len(v) == 1 && v[0] == turnAsync {
		return turnAsync
	}
	return turnSync
}
