package diarize

// blockStats are the stats of one block kept in float32, half the size of
// stats: a recording has a block every 0.25 s of speech, and they are the
// diarizer's only memory that grows with the length (about 13 MB an hour of
// speech). The sums of a block's 25 frames lose nothing that matters in
// float32 (a relative 1e-7, far below the penalties the resegmentation
// compares); the sums over many blocks are made in float64 (see
// stats.mergeBlock).
type blockStats struct {
	n, nv, sf, sff float32
	sum            [statDim]float32
	sxx            [triLen]float32
}

// pack stores s in p.
func (p *blockStats) pack(s *stats) {
	p.n, p.nv, p.sf, p.sff = float32(s.n), float32(s.nv), float32(s.sf), float32(s.sff)
	for i, v := range s.sum {
		p.sum[i] = float32(v)
	}
	for i, v := range s.sxx {
		p.sxx[i] = float32(v)
	}
}

// mergeBlock adds the statistics of p into s.
func (s *stats) mergeBlock(p *blockStats) {
	s.n += float64(p.n)
	s.nv += float64(p.nv)
	s.sf += float64(p.sf)
	s.sff += float64(p.sff)
	for i, v := range p.sum {
		s.sum[i] += float64(v)
	}
	for i, v := range p.sxx {
		s.sxx[i] += float64(v)
	}
}
