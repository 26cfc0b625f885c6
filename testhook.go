package main

import (
	"log/slog"
	"os"
	"syscall"

	"github.com/instanttranscriber/instanttranscriber/jobs"
	"github.com/instanttranscriber/instanttranscriber/store"
)

// testCrashEnv names a TEST-ONLY environment variable. When it is set, a
// worker that claims a job whose uploaded file name equals its value kills
// the process with SIGKILL, as a job that crashes the server every time
// would. The crash-isolation test uses it; never set it in production.
const testCrashEnv = "INSTANTTRANSCRIBER_TEST_CRASH_ON_FILENAME"

// testCrashHook returns the pool option that arms testCrashEnv, or none when
// the variable is unset.
func testCrashHook(logger *slog.Logger) []jobs.Option {
	name := os.Getenv(testCrashEnv)
	if name == "" {
		return nil
	}
	logger.Warn("test-only crash hook armed: the process kills itself on a matching job", "env", testCrashEnv)
	return []jobs.Option{jobs.WithClaimHook(func(j store.Job) {
		if j.Source.Filename == name {
			logger.Warn("test-only crash hook: killing the process", "job_id", j.ID, "attempt", j.Attempt)
			_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
			select {} // never return to run the job
		}
	})}
}
