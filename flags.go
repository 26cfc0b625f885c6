package main

import (
	"flag"
	"fmt"
	"io"
)

// parseInterleaved parses args with fs, allowing flags after positional
// arguments ("transcribe FILE --format srt"), and returns the positionals.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			// The flag package has printed the error and the usage.
			return nil, errUsage
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// parseArgs is parseInterleaved for a command that takes exactly n
// positional arguments: with another number it prints the usage and
// returns errUsage with want, the command's rule ("backup takes one output
// file").
func parseArgs(fs *flag.FlagSet, args []string, n int, want string) ([]string, error) {
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return nil, err
	}
	if len(pos) != n {
		fs.Usage()
		return nil, fmt.Errorf("%w: %s", errUsage, want)
	}
	return pos, nil
}

// newFlagSet returns a FlagSet that reports errors to stderr without exiting.
func newFlagSet(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: instanttranscriber %s\n\nflags:\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}
