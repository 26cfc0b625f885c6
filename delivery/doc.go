// Package delivery builds what the service hands out about a finished job
// outside the API's own responses: the webhook payload that announces it
// (Build, a store.DeliveryFunc that the store calls with the final job
// inside the finishing transaction) and the signed download URLs of its
// exports (Signer), which the API checks and the webhook dispatcher signs
// afresh each time it sends a completed job's callback.
//
// It imports the store's types and the export formats, never the HTTP
// layer, so that the job runner, the store's callers and the webhook
// dispatcher can all use it.
package delivery
