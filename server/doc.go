// Package server is InstantTranscriber's HTTP API, built on Echo.
//
// This first version answers liveness probes; the job API (/v1) builds on
// it. Handlers are thin: decode, validate, one call, respond.
package server
