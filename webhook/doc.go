// Package webhook delivers job notifications to the callback URLs users
// register: a persistent, at-least-once, signed outbox dispatcher.
//
// # Outbox
//
// A webhook is never sent from memory. When a job reaches a terminal state,
// the store writes a store.Delivery (the payload, the URL, the secret, an
// event name and a stable event ID) in the same bbolt transaction as the
// state itself, so a job that ended always has its notification queued, even
// across a crash. The Dispatcher then:
//
//  1. walks the store's index of due deliveries (on Notify, on every
//     PollInterval, and when the next one falls due; when an attempt ends it
//     refills the freed slot from what the last walk had to leave);
//  2. hands each to one of Workers workers, unless it is already in flight
//     or its host:port already has PerHost attempts in flight (then it stays
//     due), so a slow or dead receiver cannot delay the others;
//  3. POSTs the stored payload, signed, with a per-attempt Timeout, and
//     without following redirects; a completed job's payload gets its
//     download URLs signed at that moment (WithSigner, delivery.Signer.Body),
//     so that a late retry or a redelivery carries links that work, and
//     otherwise goes out byte for byte as stored;
//  4. records the attempt (time, status code, duration, error, the first KiB
//     of the response) with RecordDeliveryAttempt, which reschedules the
//     delivery or ends it, in one transaction.
//
// # Outcomes and schedule
//
// A 2xx answer delivers. 410 Gone, a callback address refused by netguard
// (private networks) and an unusable URL or secret fail the delivery at
// once. Anything else (another status, a 3xx, a timeout, a connection
// error) is retried after the next delay of Config.Schedule, ±Jitter; a 429
// or 503 with Retry-After (seconds or an HTTP date) is retried after that
// delay instead, capped at MaxRetryAfter. The default schedule makes 10
// attempts, waiting 0, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h and
// 24 h before them (about three days); after the last one the delivery fails.
// store.Store.Redeliver queues a delivery again for a new round of the same
// schedule.
//
// # Signing
//
// Requests follow Standard Webhooks (https://www.standardwebhooks.com):
//
//	webhook-id:        Delivery.EventID, the same on every attempt and redelivery
//	webhook-timestamp: Unix seconds when this attempt was made
//	webhook-signature: v1,<base64(HMAC-SHA256(key, id + "." + timestamp + "." + body))>
//
// with Content-Type application/json, User-Agent
// InstantTranscriber-Webhook/<version> and X-InstantTranscriber-Event naming
// the event. The key is the base64-decoded remainder of a secret that starts
// with "whsec_", and otherwise the secret's UTF-8 bytes; a plain secret s is
// therefore the same key as "whsec_" + base64(s) in Standard Webhooks
// libraries. Without a secret the signature header is left out. Sign and
// Verify implement the scheme for receivers written in Go; Verify should be
// given the raw body, before any JSON decoding, and a tolerance of a few
// minutes against replays.
//
// # Guarantees
//
// Delivery is at least once: an attempt whose outcome was not recorded, for
// instance because the process stopped during it, is made again, with the
// same webhook-id, which receivers should use to drop duplicates. Stop waits
// ShutdownGrace for attempts in flight and then abandons them without a
// record, so they are sent again after a restart. Deliveries are not ordered
// with respect to one another.
package webhook
