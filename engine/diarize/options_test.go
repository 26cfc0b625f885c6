package diarize

import (
	"errors"
	"testing"
	"time"
)

func TestOptionsDefaults(t *testing.T) {
	tests := []struct {
		in, want Options
	}{
		{Options{}, Options{MaxSpeakers: 8, MinTurn: 500 * time.Millisecond}},
		{Options{Speakers: 3, MaxSpeakers: 4, MinTurn: time.Second}, Options{Speakers: 3, MaxSpeakers: 4, MinTurn: time.Second}},
		{Options{MinTurn: -1}, Options{MaxSpeakers: 8, MinTurn: 0}},
	}
	for _, tt := range tests {
		got, err := tt.in.withDefaults()
		if err != nil {
			t.Fatalf("%+v: %v", tt.in, err)
		}
		if got.Speakers != tt.want.Speakers || got.MaxSpeakers != tt.want.MaxSpeakers || got.MinTurn != tt.want.MinTurn {
			t.Errorf("%+v.withDefaults() = %+v, want %+v", tt.in, got, tt.want)
		}
	}
	if _, err := (Options{Speakers: 11}).withDefaults(); !errors.Is(err, ErrInvalidOptions) {
		t.Errorf("Speakers 11: err = %v, want ErrInvalidOptions", err)
	}
}
