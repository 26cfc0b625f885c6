// Package e2e holds what the end-to-end tests share: the root package's
// tests of the real binary (crash, shutdown, webhook crash, crash
// isolation) and stress/.
//
// Start (or Launch and WaitReady) runs `instanttranscriber serve` as a
// Proc that never outlives the test that started it, even when that test
// fails half-way: the test's cleanup kills it and waits, and on Linux the
// kernel kills it if the test process dies. Binary, Model and Env find the
// binary and model and build the environment; Call, Form, Create and
// WaitFor speak to the API; WAV encodes test audio. Buffer, a log sink a
// test can read while a process or a logger writes to it, Clock, an
// injectable clock that only moves when told to, StartService, which
// runs a component (worker pool, dispatcher) for one test, and Receiver, a
// webhook endpoint that records what it gets, serve the tests of every
// package.
package e2e
