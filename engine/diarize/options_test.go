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
		{Options{MinSpeakers: 9}, Options{MinSpeakers: 9, MaxSpeakers: 9, MinTurn: 500 * time.Millisecond}},
		{Options{MinSpeakers: 2, MaxSpeakers: 3}, Options{MinSpeakers: 2, MaxSpeakers: 3, MinTurn: 500 * time.Millisecond}},
	}
	for _, tt := range tests {
		got, err := tt.in.withDefaults()
		if err != nil {
			t.Fatalf("%+v: %v", tt.in, err)
		}
		if tt.want.MinSpeakers == 0 {
			tt.want.MinSpeakers = 1
		}
		if got.Speakers != tt.want.Speakers || got.MinSpeakers != tt.want.MinSpeakers || got.MaxSpeakers != tt.want.MaxSpeakers || got.MinTurn != tt.want.MinTurn {
			t.Errorf("%+v.withDefaults() = %+v, want %+v", tt.in, got, tt.want)
		}
	}
	for _, o := range []Options{{Speakers: 11}, {MinSpeakers: 11}, {MinSpeakers: -1}, {MinSpeakers: 4, MaxSpeakers: 3}} {
		if _, err := o.withDefaults(); !errors.Is(err, ErrInvalidOptions) {
			t.Errorf("%+v: err = %v, want ErrInvalidOptions", o, err)
		}
	}
}
