package server

import (
	"strings"
)

// modelNames lists the models jobs can pick, the default first.
func (s *Server) modelNames() []string {
	if len(s.cfg.Models) > 0 {
		return s.cfg.Models
	}
	if id := s.modelID(); id != "" {
		return []string{id}
	}
	return nil
}

// resolveModel checks the model field of a create request and returns
// what the job stores: "" for none, whisper-1 or the default (the job runs
// on whatever the default is), else the name.
func (s *Server) resolveModel(name string) (string, error) {
	name = strings.TrimSpace(name)
	names := s.modelNames()
	if name == "" || name == whisperAlias || (len(names) > 0 && name == names[0]) {
		return "", nil
	}
	for _, n := range names[1:] {
		if n == name {
			return name, nil
		}
	}
	return "", apiErr(CodeInvalidRequest, "unknown model %q; this server has %s (and %s, the default)", name, strings.Join(names, ", "), whisperAlias)
}

// jobModel is the model a job runs on, as the API shows it.
func (s *Server) jobModel(stored string) string {
	if stored != "" {
		return stored
	}
	if names := s.modelNames(); len(names) > 0 {
		return names[0]
	}
	return whisperAlias
}
