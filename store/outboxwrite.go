package store

import "fmt"

// The writes to a delivery that both drivers make alike, through their
// jobWriter.

// recordDeliveryAttempt is RecordDeliveryAttempt.
func (w jobWriter[T]) recordDeliveryAttempt(id string, a DeliveryAttempt, result DeliveryResult) (Delivery, error) {
	op := "record attempt of delivery " + id
	if err := checkResult(result); err != nil {
		return Delivery{}, fmt.Errorf("store: %s: %w", op, err)
	}
	return read(w.update, op, func(t T) (Delivery, error) {
		prev, err := t.deliveryForUpdate(id)
		if err != nil {
			return Delivery{}, err
		}
		d, err := recordAttempt(prev, a, result, w.now())
		if err != nil {
			return Delivery{}, err
		}
		return d, t.rewriteDelivery(&prev, d)
	})
}

// redeliverWith is RedeliverWith.
func (w jobWriter[T]) redeliverWith(jobID string, payload func(Job) []byte) (Delivery, error) {
	return read(w.update, "redeliver webhook of job "+jobID, func(t T) (Delivery, error) {
		prev, err := t.latestDelivery(jobID)
		if err != nil {
			return Delivery{}, err
		}
		var body []byte
		if payload != nil {
			job, err := t.jobByID(jobID)
			if err != nil {
				return Delivery{}, err
			}
			body = payload(job)
		}
		d := redeliver(prev, body, w.now())
		return d, t.rewriteDelivery(&prev, d)
	})
}
