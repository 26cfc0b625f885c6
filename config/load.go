package config

import (
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Load reads the YAML file at path over the defaults (path "" means
// defaults only) and applies the INSTANTTRANSCRIBER_* overrides found in
// environ (os.Environ form). It does not validate: the caller applies its
// command-line flags, then calls Validate once.
func Load(path string, environ []string) (Config, error) {
	cfg := Default()
	if path != "" {
		f, err := os.Open(path)
		if err != nil {
			return Config{}, fmt.Errorf("config: %w", err)
		}
		defer f.Close()
		if cfg, err = parse(f); err != nil {
			return Config{}, fmt.Errorf("config: %s: %w", path, err)
		}
	}
	if err := cfg.applyEnv(environ); err != nil {
		return Config{}, err
	}
	return cfg, nil
}

// Parse decodes one YAML document over Default: absent keys keep their
// defaults, and an unknown key is an error naming it. It does not validate.
func Parse(r io.Reader) (Config, error) {
	cfg, err := parse(r)
	if err != nil {
		return Config{}, fmt.Errorf("config: %w", err)
	}
	return cfg, nil
}

func parse(r io.Reader) (Config, error) {
	cfg := Default()
	data, err := io.ReadAll(r)
	if err != nil {
		return Config{}, err
	}
	// First pass: a node tree, checked key by key so that an unknown key
	// or a bad value is reported with its full path.
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return Config{}, err
	}
	if len(doc.Content) == 0 { // empty file or only comments
		return cfg, nil
	}
	if err := checkNode(doc.Content[0], reflect.TypeFor[Config](), ""); err != nil {
		return Config{}, err
	}
	// Second pass: the real decode, over the defaults.
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(&cfg); err != nil {
		return Config{}, err
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return Config{}, errors.New("more than one YAML document")
	}
	return cfg, nil
}
