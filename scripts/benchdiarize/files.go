package main

import (
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
)

// dumpConversation writes name.wav (16-bit, 16 kHz mono), name.ref (one
// "start end speaker" line per turn, in seconds) and name.txt (the voices)
// into dir; voices names the speakers.
func dumpConversation(dir, name string, conv conversation, voices string) error {
	if err := os.WriteFile(filepath.Join(dir, name+".txt"), []byte(voices+"\n"), 0o644); err != nil {
		return err
	}
	f, err := os.Create(filepath.Join(dir, name+".wav"))
	if err != nil {
		return err
	}
	defer f.Close()
	data := make([]byte, 2*len(conv.samples))
	for i, v := range conv.samples {
		binary.LittleEndian.PutUint16(data[2*i:], uint16(int16(max(-1, min(1, v))*32767)))
	}
	hdr := make([]byte, 44)
	copy(hdr, "RIFF")
	binary.LittleEndian.PutUint32(hdr[4:], uint32(36+len(data)))
	copy(hdr[8:], "WAVEfmt ")
	binary.LittleEndian.PutUint32(hdr[16:], 16)
	binary.LittleEndian.PutUint16(hdr[20:], 1)
	binary.LittleEndian.PutUint16(hdr[22:], 1)
	binary.LittleEndian.PutUint32(hdr[24:], 16000)
	binary.LittleEndian.PutUint32(hdr[28:], 32000)
	binary.LittleEndian.PutUint16(hdr[32:], 2)
	binary.LittleEndian.PutUint16(hdr[34:], 16)
	copy(hdr[36:], "data")
	binary.LittleEndian.PutUint32(hdr[40:], uint32(len(data)))
	if _, err := f.Write(append(hdr, data...)); err != nil {
		return err
	}
	ref, err := os.Create(filepath.Join(dir, name+".ref"))
	if err != nil {
		return err
	}
	defer ref.Close()
	for _, t := range conv.ref {
		fmt.Fprintf(ref, "%.3f %.3f %d\n", t.Start.Seconds(), t.End.Seconds(), t.Speaker)
	}
	return f.Close()
}
