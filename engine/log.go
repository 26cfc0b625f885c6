package engine

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
)

// whisper.cpp's log callback is process-wide (whisper_log_set), so the engine
// keeps the one logger it forwards to here. Load sets it.
var whisperLog logSink

// ggml_log_level values.
const (
	ggmlLogDebug = 1
	ggmlLogInfo  = 2
	ggmlLogWarn  = 3
	ggmlLogError = 4
	ggmlLogCont  = 5
)

// logSink assembles whisper's log fragments into lines and writes them to
// slog. whisper prints parts of a line in several calls, and marks
// continuations with GGML_LOG_LEVEL_CONT.
type logSink struct {
	logger atomic.Pointer[slog.Logger]
	mu     sync.Mutex
	buf    strings.Builder
	level  slog.Level
}

func (s *logSink) setLogger(l *slog.Logger) {
	if l != nil {
		s.logger.Store(l.With("component", "whisper"))
	}
}

func (s *logSink) write(level int, text string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if level != ggmlLogCont {
		s.level = slogLevel(level)
	}
	s.buf.WriteString(text)
	for {
		all := s.buf.String()
		i := strings.IndexByte(all, '\n')
		if i < 0 {
			return
		}
		s.emit(all[:i])
		s.buf.Reset()
		s.buf.WriteString(all[i+1:])
	}
}

func (s *logSink) emit(line string) {
	line = strings.TrimSpace(line)
	l := s.logger.Load()
	if line == "" || l == nil {
		return
	}
	level := s.level
	if strings.HasSuffix(line, "returned false - aborting") {
		// A cancelled transcription; the engine reports it as ctx.Err().
		level = slog.LevelDebug
	}
	l.Log(context.Background(), level, line)
}

// slogLevel maps ggml's levels to slog's. whisper's INFO output (model
// hyper-parameters, buffer sizes) is debugging detail for a server, so it
// goes to Debug.
func slogLevel(level int) slog.Level {
	switch level {
	case ggmlLogError:
		return slog.LevelError
	case ggmlLogWarn:
		return slog.LevelWarn
	default:
		return slog.LevelDebug
	}
}
