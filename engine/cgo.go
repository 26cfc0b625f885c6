//go:build whisper

package engine

// The cgo flags (include and library paths of the whisper.cpp build) come
// from the Makefile through CGO_CFLAGS and CGO_LDFLAGS.

/*
#include <stdint.h>
#include <stdlib.h>
#include <stdbool.h>
#include <whisper.h>

extern void goProgress(uintptr_t handle, int percent);
extern void goLog(int level, char *text);

// it_job is the per-transcription control block. It lives in C memory so
// whisper's threads can read the abort flag without calling into Go.
typedef struct {
	int       aborted;
	uintptr_t progress; // cgo.Handle of the Go progress func, or 0
} it_job;

static void it_abort(it_job *job) { __atomic_store_n(&job->aborted, 1, __ATOMIC_RELAXED); }

static bool it_abort_cb(void *ud) {
	return __atomic_load_n(&((it_job *)ud)->aborted, __ATOMIC_RELAXED) != 0;
}

static bool it_encoder_begin_cb(struct whisper_context *ctx, struct whisper_state *st, void *ud) {
	return !it_abort_cb(ud);
}

static void it_progress_cb(struct whisper_context *ctx, struct whisper_state *st, int percent, void *ud) {
	it_job *job = ud;
	if (job->progress != 0) goProgress(job->progress, percent);
}

static void it_log_cb(enum ggml_log_level level, const char *text, void *ud) {
	goLog((int)level, (char *)text);
}

static void it_log_install(void) { whisper_log_set(it_log_cb, NULL); }

static int it_full(struct whisper_context *ctx, struct whisper_state *st,
		struct whisper_full_params *p, const float *samples, int n, it_job *job) {
	p->abort_callback = it_abort_cb;
	p->abort_callback_user_data = job;
	p->encoder_begin_callback = it_encoder_begin_cb;
	p->encoder_begin_callback_user_data = job;
	p->progress_callback = it_progress_cb;
	p->progress_callback_user_data = job;
	return whisper_full_with_state(ctx, st, *p, samples, n);
}
*/
import "C"

import (
	"context"
	"runtime/cgo"
	"unsafe"
)

// Version returns the version of the linked whisper.cpp library.
func Version() string { return C.GoString(C.whisper_version()) }

// SystemInfo returns whisper.cpp's description of the CPU features and
// backends the library was built with.
func SystemInfo() string { return C.GoString(C.whisper_print_system_info()) }

// installLog routes whisper.cpp's and ggml's log output to whisperLog.
func installLog() { C.it_log_install() }

// runFull runs whisper_full_with_state on samples. Cancelling ctx raises the
// abort flag that whisper checks before each encoder pass and during each
// graph computation. progress, when not nil, receives whisper's progress.
func runFull(ctx context.Context, wctx *C.struct_whisper_context, st *C.struct_whisper_state,
	p *C.struct_whisper_full_params, samples []float32, progress func(int)) int {
	job := (*C.it_job)(C.calloc(1, C.size_t(unsafe.Sizeof(C.it_job{}))))
	defer C.free(unsafe.Pointer(job))
	if progress != nil {
		h := cgo.NewHandle(progress)
		defer h.Delete()
		job.progress = C.uintptr_t(h)
	}
	// The AfterFunc may still be running when whisper returns; wait for it
	// before job is freed.
	aborted := make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		C.it_abort(job)
		close(aborted)
	})
	defer func() {
		if !stop() {
			<-aborted
		}
	}()
	return int(C.it_full(wctx, st, p, (*C.float)(unsafe.Pointer(&samples[0])), C.int(len(samples)), job))
}
