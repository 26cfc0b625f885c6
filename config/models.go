package config

import (
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// modelName is what a name in engine.models may look like: it is what
// clients send as model.
var modelName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// ModelPaths returns the models jobs can pick, name → file, and the name
// of the default one. Without engine.models it is engine.model_path alone,
// named by its file name without extension ("ggml-tiny-q8_0"). With
// engine.models ("name=path name=path ..."), those are the models and
// engine.model_path is not used; engine.default_model names the default,
// or the first one listed when it is empty.
func (c Config) ModelPaths() (map[string]string, string, error) {
	return c.Engine.modelPaths()
}

func (s EngineSection) modelPaths() (map[string]string, string, error) {
	bad := func(key, format string, args ...any) error {
		return fmt.Errorf("config: %s: %s", key, fmt.Sprintf(format, args...))
	}
	if strings.TrimSpace(s.Models) == "" {
		if s.DefaultModel != "" {
			return nil, "", bad("engine.default_model", "needs engine.models")
		}
		base := filepath.Base(s.ModelPath)
		id := strings.TrimSuffix(base, filepath.Ext(base))
		return map[string]string{id: s.ModelPath}, id, nil
	}
	paths := make(map[string]string)
	first := ""
	for _, pair := range strings.Fields(s.Models) {
		name, path, ok := strings.Cut(pair, "=")
		switch {
		case !ok || path == "":
			return nil, "", bad("engine.models", "%q is not name=path", pair)
		case !modelName.MatchString(name) || name == "whisper-1":
			return nil, "", bad("engine.models", "model name %q: use 1-64 letters, digits, '.', '_' or '-' (and not whisper-1, the alias of the default)", name)
		case paths[name] != "":
			return nil, "", bad("engine.models", "model %q is listed twice", name)
		}
		paths[name] = path
		if first == "" {
			first = name
		}
	}
	def := s.DefaultModel
	if def == "" {
		def = first
	}
	if _, ok := paths[def]; !ok {
		return nil, "", bad("engine.default_model", "%q is not in engine.models", def)
	}
	return paths, def, nil
}

// defaultModelPath is the file of the default model; the config is valid.
func (c Config) defaultModelPath() string {
	paths, def, _ := c.ModelPaths()
	return paths[def]
}

// modelNames lists the names of engine.models, the default first, or nil
// without engine.models; the config is valid.
func (c Config) modelNames() []string {
	if strings.TrimSpace(c.Engine.Models) == "" {
		return nil
	}
	paths, def, _ := c.ModelPaths()
	names := []string{def}
	for n := range paths {
		if n != def {
			names = append(names, n)
		}
	}
	slices.Sort(names[1:])
	return names
}
