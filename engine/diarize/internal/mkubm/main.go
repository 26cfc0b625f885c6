// Command mkubm writes ubm.bin, the universal background model of the
// diarizer's supervector embeddings (engine/diarize/ubm.go), from the
// speaker-independent acoustic model of Debian's pocketsphinx-en-us
// (CMU Sphinx, BSD-2; see engine/diarize/UBM-LICENSE): the 42×128
// Gaussians of its first stream (13 lifted cepstra c0..c12, batch CMN)
// are pooled and reduced to 256 (-k) by k-means on their
// means, each merged component taking the moments of its members and a
// weight in proportion to them (the model's mixture weights are not used).
//
//	apt-get download pocketsphinx-en-us && dpkg-deb -x pocketsphinx-en-us_*.deb x
//	go run ./engine/diarize/internal/mkubm x/usr/share/pocketsphinx/model/en-us/en-us engine/diarize/ubm.bin
package main

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
)

const (
	dim    = 13
	rounds = 30
)

// components is the number of Gaussians written (-k).
var components int

func main() {
	flag.IntVar(&components, "k", 256, "Gaussians in the reduced model")
	flag.Parse()
	if flag.NArg() != 2 {
		fmt.Fprintln(os.Stderr, "usage: mkubm [-k 256] MODEL_DIR OUT")
		os.Exit(2)
	}
	if err := run(flag.Arg(0), flag.Arg(1)); err != nil {
		fmt.Fprintln(os.Stderr, "mkubm:", err)
		os.Exit(1)
	}
}

func run(dir, out string) error {
	means, err := readS3(filepath.Join(dir, "means"))
	if err != nil {
		return err
	}
	vars, err := readS3(filepath.Join(dir, "variances"))
	if err != nil {
		return err
	}
	w, m, v := reduce(means, vars)
	var buf bytes.Buffer
	binary.Write(&buf, binary.LittleEndian, uint32(components))
	binary.Write(&buf, binary.LittleEndian, uint32(dim))
	for _, x := range [][]float64{w, m, v} {
		for _, f := range x {
			binary.Write(&buf, binary.LittleEndian, float32(f))
		}
	}
	return os.WriteFile(out, buf.Bytes(), 0o644)
}

// readS3 returns the Gaussians of stream 0 of a Sphinx-3 binary parameter
// file (means or variances), as rows of dim values.
func readS3(path string) ([][]float64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := bufio.NewReader(f)
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return nil, fmt.Errorf("%s: no endhdr", path)
		}
		if bytes.Equal(bytes.TrimSpace([]byte(line)), []byte("endhdr")) {
			break
		}
	}
	var magic uint32
	if err := binary.Read(r, binary.LittleEndian, &magic); err != nil || magic != 0x11223344 {
		return nil, fmt.Errorf("%s: not a little-endian s3 file", path)
	}
	var hdr [3]uint32 // mixtures, streams, densities
	if err := binary.Read(r, binary.LittleEndian, &hdr); err != nil {
		return nil, err
	}
	veclen := make([]uint32, hdr[1])
	if err := binary.Read(r, binary.LittleEndian, veclen); err != nil {
		return nil, err
	}
	var total uint32
	if err := binary.Read(r, binary.LittleEndian, &total); err != nil {
		return nil, err
	}
	if veclen[0] != dim {
		return nil, fmt.Errorf("%s: stream 0 has %d dims, want %d", path, veclen[0], dim)
	}
	data := make([]float32, total)
	if err := binary.Read(r, binary.LittleEndian, data); err != nil {
		return nil, err
	}
	var perMix uint32
	for _, l := range veclen {
		perMix += l * hdr[2]
	}
	var rows [][]float64
	for g := range hdr[0] {
		base := g * perMix
		for d := range hdr[2] {
			row := make([]float64, dim)
			for k := range dim {
				row[k] = float64(data[base+d*dim+uint32(k)])
			}
			rows = append(rows, row)
		}
	}
	return rows, nil
}

// reduce merges the Gaussians into components by k-means on their means,
// scaled by the pooled standard deviation of each dimension, and returns
// the weights, means and variances (components×dim) of the merged ones.
func reduce(means, vars [][]float64) (w, m, v []float64) {
	n := len(means)
	scale := make([]float64, dim)
	for k := range dim {
		var s, ss float64
		for i := range n {
			s += means[i][k]
			ss += means[i][k]*means[i][k] + vars[i][k]
		}
		mu := s / float64(n)
		scale[k] = 1 / math.Sqrt(ss/float64(n)-mu*mu)
	}
	cent := make([][]float64, components)
	for c := range cent {
		cent[c] = append([]float64(nil), means[c*n/components]...)
	}
	label := make([]int, n)
	for range rounds {
		for i := range n {
			best, bestD := 0, math.Inf(1)
			for c := range cent {
				var d float64
				for k := range dim {
					x := (means[i][k] - cent[c][k]) * scale[k]
					d += x * x
				}
				if d < bestD {
					best, bestD = c, d
				}
			}
			label[i] = best
		}
		cnt := make([]float64, components)
		for c := range cent {
			clear(cent[c])
		}
		for i, l := range label {
			cnt[l]++
			for k := range dim {
				cent[l][k] += means[i][k]
			}
		}
		for c := range cent {
			if cnt[c] == 0 { // reseed an empty cluster on a random member
				copy(cent[c], means[(c*7919)%n])
				continue
			}
			for k := range dim {
				cent[c][k] /= cnt[c]
			}
		}
	}
	w = make([]float64, components)
	m = make([]float64, components*dim)
	v = make([]float64, components*dim)
	ss := make([]float64, components*dim)
	for i, l := range label {
		w[l]++
		for k := range dim {
			m[l*dim+k] += means[i][k]
			ss[l*dim+k] += means[i][k]*means[i][k] + vars[i][k]
		}
	}
	for c := range components {
		cnt := max(w[c], 1)
		for k := range dim {
			mu := m[c*dim+k] / cnt
			m[c*dim+k] = mu
			v[c*dim+k] = max(ss[c*dim+k]/cnt-mu*mu, 1e-3)
		}
		w[c] /= float64(n)
	}
	return w, m, v
}
