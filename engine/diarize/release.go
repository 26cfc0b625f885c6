package diarize

// Release granularity, in samples.
const (
	// releaseStep is the least a sweep moves before it calls Release: about
	// 16 s of audio, so that a pass makes few calls.
	releaseStep = 1 << 18
	// releaseAlign aligns the end of every call but the last, so that no
	// page straddles two calls whatever the page size up to 64 KiB of a
	// float32 mapping that starts on a page.
	releaseAlign = 1 << 14
)

// sweep tells Options.Release which samples a pass over them is done
// with: it calls release with [from, to) ranges that follow one another,
// starting at 0, so that one pass calls it over [0, n) in increasing
// order once it reaches finish.
type sweep struct {
	release func(from, to int)
	done, n int
}

func newSweep(release func(from, to int), n int) *sweep {
	return &sweep{release: release, n: n}
}

// upTo reports that the pass will not read samples before i again.
func (s *sweep) upTo(i int) {
	i = min(i, s.n) / releaseAlign * releaseAlign
	if s.release == nil || i-s.done < releaseStep {
		return
	}
	s.release(s.done, i)
	s.done = i
}

// finish reports that the pass is over.
func (s *sweep) finish() {
	if s.release != nil && s.done < s.n {
		s.release(s.done, s.n)
		s.done = s.n
	}
}
