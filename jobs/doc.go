// Package jobs is the application's job runner: it runs transcription jobs
// from the store on the in-process whisper engine (package engine), adds
// speaker labels and summaries (Diarizer, Summarizer), and expires finished
// jobs after their retention period.
//
// A Pool owns Workers transcription workers, which share as many
// engine.States, and DownloadWorkers download workers. A transcription
// worker loops: take a free State, claim the next job that has its audio
// (store.Claim(store.ClaimAudio), which raises the attempt), run it, give
// the State back. A download worker claims only URL imports that still need
// their audio (store.ClaimFetch) and downloads without a State, so a slow
// server holds no transcription; once the audio is recorded it waits for a
// free State and goes on in the same attempt. When there is nothing to
// claim a worker sleeps until the poll ticker fires or Notify hints that a
// job was created. The store holds the truth; the hint only saves latency.
//
// A job runs in stages, each persisted through UpdateProgress:
//
//	downloading      URL imports only: netguard.Download to <id>.audio in
//	                 AudioDir (tmp file, fsync, rename) within the idle and
//	                 total deadlines, probe, quota check
//	decoding         audio.DecodeFile to 16 kHz mono
//	transcribing     whisper, progress mapped to 5-95 %
//	post_processing  the PostProcessors, in order, when there are any
//
// and ends in exactly one store write:
//
//   - success: FinishJob Completed with the JSON transcript, the usage charge
//     and, when the job has a callback URL, its webhook delivery, which the
//     store builds from the final job through the DeliveryFunc given to New
//     (delivery.Build);
//   - a user's cancel (Pool.Cancel, or CancelRequested seen in
//     UpdateProgress's answer): whisper aborts, FinishJob Canceled;
//   - a failure: FinishJob Failed with a stable code (see package failure)
//     and a one-line message meant for the user; details go to the log;
//   - a panic: recovered, logged with its stack, FinishJob Failed with
//     failure.Internal;
//   - shutdown: Stop waits ShutdownGrace for running jobs, then cancels them
//     and calls RequeueJob with the attempt refunded.
//
// Start first settles the jobs a previous process left processing
// (store.RecoverOrphans), before any worker claims.
//
// Source.AudioPath is used as a file path as it stands, as the server
// records uploads (AudioDir/<job id>.audio). Whatever the outcome, the audio
// file is deleted only after FinishJob has committed, and only when neither
// the deployment (Config.RetainAudio) nor the job (Job.RetainAudio) keeps
// it; files outside AudioDir are never deleted.
//
// The Janitor deletes terminal jobs older than the retention period in
// batches, with their audio files, and on start removes temporary files a
// crash left in AudioDir.
package jobs
