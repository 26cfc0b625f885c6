package diarize

import (
	"reflect"
	"testing"
	"time"
)

func TestAbsorbShort(t *testing.T) {
	tests := []struct {
		name string
		in   []Turn
		want []Turn
	}{
		{"blip between one speaker", []Turn{turn(0, 3, 0), turn(3, 3.25, 1), turn(3.25, 6, 0)}, []Turn{turn(0, 6, 0)}},
		{"blip goes to the longer neighbour", []Turn{turn(0, 3, 0), turn(3, 3.25, 2), turn(3.25, 4, 1)}, []Turn{turn(0, 3.25, 0), turn(3.25, 4, 1)}},
		{"short turn at the end", []Turn{turn(0, 3, 0), turn(3, 3.4, 1)}, []Turn{turn(0, 3.4, 0)}},
		{"long turns kept", []Turn{turn(0, 3, 0), turn(3, 4, 1)}, []Turn{turn(0, 3, 0), turn(3, 4, 1)}},
		{"a lone short turn stays", []Turn{turn(0, 0.3, 1)}, []Turn{turn(0, 0.3, 1)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := absorbShort(append([]Turn(nil), tt.in...), 500*time.Millisecond)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestBlockTurns(t *testing.T) {
	b := func(region int, start, end float64) block {
		return block{region: region, start: seconds(start), end: seconds(end)}
	}
	blocks := []block{b(0, 0, 1), b(0, 1, 2), b(0, 2, 2.25), b(0, 2.25, 3), b(1, 4, 5), b(1, 5, 6)}
	labels := []int{5, 5, 2, 5, 2, 2}
	got := blockTurns(blocks, labels, 500*time.Millisecond)
	// The 0.25 s blip is absorbed; the pause keeps two turns; speaker 5 is 0.
	want := []Turn{turn(0, 3, 0), turn(4, 6, 1)}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}
