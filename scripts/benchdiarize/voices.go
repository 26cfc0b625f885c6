package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/gob"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sync"
)

// realVoice is one real person of the development set: the files in dir
// (under the unpacked package pkg) are all spoken by them.
type realVoice struct {
	name   string
	pkg    string
	dir    string
	glob   string
	female bool
	tel    bool // 8 kHz telephone-band recordings
}

// realVoices are the people the real-voice conversations are built from,
// fetched by fetch-voices.sh. Gender is from the package's naming where it
// gives one, else from the median F0 of the recordings (males 120-155 Hz,
// females 205-300 Hz). The KDE speakers read single words, the Asterisk ones
// whole prompts. Two packages with the same person (Asterisk's en_US and
// es_MX are both Allison Smith) are not both used.
var realVoices = []realVoice{
	{name: "kde-en", pkg: "ktuberling-data", dir: "usr/share/ktuberling/sounds/en", glob: "*.ogg"},
	{name: "kde-ru", pkg: "ktuberling-data", dir: "usr/share/ktuberling/sounds/ru", glob: "*.ogg"},
	{name: "kde-wa", pkg: "ktuberling-data", dir: "usr/share/ktuberling/sounds/wa", glob: "*.ogg"},
	{name: "kde-de", pkg: "ktuberling-data", dir: "usr/share/ktuberling/sounds/de", glob: "*.ogg"},
	{name: "kde-el", pkg: "ktuberling-data", dir: "usr/share/ktuberling/sounds/el", glob: "*.ogg"},
	{name: "kde-sl", pkg: "ktuberling-data", dir: "usr/share/ktuberling/sounds/sl", glob: "*.ogg"},
	{name: "kde-ca", pkg: "ktuberling-data", dir: "usr/share/ktuberling/sounds/ca", glob: "*.ogg", female: true},
	{name: "kde-uk", pkg: "ktuberling-data", dir: "usr/share/ktuberling/sounds/uk", glob: "*.ogg", female: true},
	{name: "kde-gl", pkg: "ktuberling-data", dir: "usr/share/ktuberling/sounds/gl", glob: "*.ogg", female: true},
	{name: "kde-da", pkg: "ktuberling-data", dir: "usr/share/ktuberling/sounds/da", glob: "*.ogg", female: true},

	{name: "tel-allison", pkg: "asterisk-core-sounds-en-wav", dir: "usr/share/asterisk/sounds/en_US_f_Allison", glob: "*.wav", female: true, tel: true},
	{name: "tel-june", pkg: "asterisk-core-sounds-fr-wav", dir: "usr/share/asterisk/sounds/fr_CA_f_June", glob: "*.wav", female: true, tel: true},
	{name: "tel-carlo", pkg: "asterisk-core-sounds-it-wav", dir: "usr/share/asterisk/sounds/it_IT_m_Carlo", glob: "*.wav", tel: true},
	{name: "tel-ru", pkg: "asterisk-core-sounds-ru-wav", dir: "usr/share/asterisk/sounds/ru_RU_f_IvrvoiceRU", glob: "*.wav", female: true, tel: true},
	{name: "tel-menardi", pkg: "asterisk-prompt-it-menardi-wav", dir: "usr/share/asterisk/sounds/it_IT_f_Menardi", glob: "*.wav", female: true, tel: true},
	{name: "tel-armelle", pkg: "asterisk-prompt-fr-armelle", dir: "usr/share/asterisk/sounds/fr", glob: "*.gsm", female: true, tel: true},
	{name: "tel-esco", pkg: "asterisk-prompt-es-co", dir: "usr/share/asterisk/sounds/es", glob: "*.gsm", female: true, tel: true},
	{name: "tel-kdefr", pkg: "ktuberling-data", dir: "usr/share/ktuberling/sounds/fr", glob: "*.wav", tel: true},
}

// maxClips bounds the recordings loaded per person.
const maxClips = 160

// voiceBank holds each person's clips, 16 kHz mono, trimmed of silence and
// scaled to one level.
type voiceBank struct {
	clips map[string][][]float32
}

// loadVoices returns the clips of every voice: from pcm.gob under root when
// an earlier run left it there, else decoded with sox, workers at a time,
// and saved there.
func loadVoices(ctx context.Context, root string, workers int) (*voiceBank, error) {
	cache := filepath.Join(root, "pcm.gob")
	if f, err := os.Open(cache); err == nil {
		defer f.Close()
		var clips map[string][][]float32
		if err := gob.NewDecoder(f).Decode(&clips); err == nil && len(clips) == len(realVoices) {
			return &voiceBank{clips: clips}, nil
		}
	}
	bank, err := decodeVoices(ctx, root, workers)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(bank.clips); err != nil {
		return nil, err
	}
	if err := os.WriteFile(cache+".tmp", buf.Bytes(), 0o644); err != nil {
		return nil, err
	}
	return bank, os.Rename(cache+".tmp", cache)
}

// decodeVoices decodes the clips of every voice with sox, workers at a time.
func decodeVoices(ctx context.Context, root string, workers int) (*voiceBank, error) {
	bank := &voiceBank{clips: map[string][][]float32{}}
	type job struct {
		voice string
		i     int
		path  string
	}
	var jobs []job
	for _, v := range realVoices {
		files, err := filepath.Glob(filepath.Join(root, v.pkg, v.dir, v.glob))
		if err != nil {
			return nil, err
		}
		if len(files) == 0 {
			return nil, fmt.Errorf("no recordings of %s under %s: run scripts/benchdiarize/fetch-voices.sh", v.name, filepath.Join(root, v.pkg))
		}
		slices.Sort(files)
		if len(files) > maxClips {
			picked := make([]string, maxClips)
			for i := range picked {
				picked[i] = files[i*len(files)/maxClips]
			}
			files = picked
		}
		bank.clips[v.name] = make([][]float32, len(files))
		for i, f := range files {
			jobs = append(jobs, job{v.name, i, f})
		}
	}
	var (
		mu       sync.Mutex
		wg       sync.WaitGroup
		firstErr error
	)
	sem := make(chan struct{}, workers)
	for _, j := range jobs {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			x, err := decodeClip(ctx, j.path)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				if firstErr == nil {
					firstErr = err
				}
				return
			}
			bank.clips[j.voice][j.i] = x
		})
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	for name, cs := range bank.clips {
		bank.clips[name] = slices.DeleteFunc(cs, func(x []float32) bool { return len(x) < 3200 }) // < 0.2 s
		if len(bank.clips[name]) < 10 {
			return nil, fmt.Errorf("%s: only %d usable recordings", name, len(bank.clips[name]))
		}
	}
	return bank, nil
}

// decodeClip converts one recording to 16 kHz mono with sox, trims its
// silence and scales it to -20 dBFS RMS.
func decodeClip(ctx context.Context, path string) ([]float32, error) {
	cmd := exec.CommandContext(ctx, "sox", "-D", path, "-t", "raw", "-r", "16000", "-c", "1", "-b", "16", "-e", "signed-integer", "-")
	var out, errBuf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errBuf
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("sox %s: %w: %s", filepath.Base(path), err, errBuf.String())
	}
	b := out.Bytes()
	x := make([]float32, len(b)/2)
	for i := range x {
		x[i] = float32(int16(binary.LittleEndian.Uint16(b[2*i:]))) / 32768
	}
	x = trimSilence(x)
	var p float64
	for _, v := range x {
		p += float64(v) * float64(v)
	}
	if len(x) == 0 || p == 0 {
		return nil, nil
	}
	g := float32(0.1 / math.Sqrt(p/float64(len(x))))
	for i := range x {
		x[i] *= g
	}
	return x, nil
}

// voicesDir returns the default cache of fetch-voices.sh.
func voicesDir() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = os.TempDir()
	}
	return filepath.Join(dir, "instanttranscriber", "benchdiarize")
}
