package config

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestConfigurationDocCoversEveryKey fails when a key of Config is missing
// from docs/configuration.md (its dotted path and its environment variable,
// in one table row), or when the page names an INSTANTTRANSCRIBER_ variable
// the program does not read.
func TestConfigurationDocCoversEveryKey(t *testing.T) {
	const doc = "../docs/configuration.md"
	data, err := os.ReadFile(doc)
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]string{} // dotted key -> its table row
	for line := range strings.Lines(string(data)) {
		if m := regexp.MustCompile("^\\| `([a-z_.]+)` \\|").FindStringSubmatch(line); m != nil {
			rows[m[1]] = line
		}
	}
	known := map[string]bool{
		// Read by the commands, not configuration keys.
		"INSTANTTRANSCRIBER_CONFIG":                 true,
		"INSTANTTRANSCRIBER_MODEL":                  true,
		"INSTANTTRANSCRIBER_ADMIN_KEY":              true,
		"INSTANTTRANSCRIBER_INITIAL_ADMIN_KEY":      true,
		"INSTANTTRANSCRIBER_INITIAL_ADMIN_KEY_FILE": true,
	}
	for _, l := range configLeaves() {
		known[l.envName()] = true
		row, ok := rows[l.path]
		if !ok {
			t.Errorf("%s: no table row for key %s", doc, l.path)
			continue
		}
		if !strings.Contains(row, "`"+l.envName()+"`") {
			t.Errorf("%s: the row of %s does not name %s", doc, l.path, l.envName())
		}
		delete(rows, l.path)
	}
	for key := range rows {
		t.Errorf("%s: documents %s, which is not a configuration key", doc, key)
	}
	for _, v := range regexp.MustCompile(`INSTANTTRANSCRIBER_[A-Z0-9_]+`).FindAllString(string(data), -1) {
		if !known[v] {
			t.Errorf("%s: names %s, which the program does not read", doc, v)
		}
	}
}
