// Package server is InstantTranscriber's HTTP API, built on Echo: the job
// API (/v1/transcriptions, with exports, webhook deliveries and usage), the
// OpenAI-compatible /v1/audio endpoints, key administration, health probes,
// the browser UI and the API reference (routes.go lists every route;
// openapi.yaml documents each one).
//
// Handlers are thin: decode, validate, one call to the store, respond, with
// request and response types kept apart from the stored records (dto.go).
// An upload is written to the audio directory and the job is in the store
// before the 202 answers; the job runner (package jobs) does the rest.
// Every error leaves through one handler (errors.go) as
// {"error":{"code":"...","message":"..."}}.
//
// Signed download URLs are made and checked by a delivery.Signer that the
// server shares with the webhook dispatcher.
package server
