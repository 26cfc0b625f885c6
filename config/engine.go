package config

// EngineSection is the engine: section.
type EngineSection struct {
	ModelPath        string `yaml:"model_path"`
	VAD              bool   `yaml:"vad"`
	VADModelPath     string `yaml:"vad_model_path"`
	DisableGPU       bool   `yaml:"disable_gpu"`
	GPUDevice        int    `yaml:"gpu_device"`
	DisableFlashAttn bool   `yaml:"disable_flash_attn"`
	// Models, DefaultModel and ModelMemoryBudget: see models.go.
	Models            string   `yaml:"models"`
	DefaultModel      string   `yaml:"default_model"`
	ModelMemoryBudget ByteSize `yaml:"model_memory_budget"`
}

func defaultEngine() EngineSection {
	return EngineSection{
		ModelPath:         "models/ggml-tiny-q8_0.bin",
		VADModelPath:      "models/ggml-silero-v6.2.0.bin",
		ModelMemoryBudget: 4 * GiB,
	}
}

func (s EngineSection) check(p *problems) {
	if s.ModelPath == "" {
		p.add("engine.model_path", "must not be empty")
	}
	if s.VAD && s.VADModelPath == "" {
		p.add("engine.vad_model_path", "must be set when vad is on")
	}
	p.nonNegative("engine.gpu_device", int64(s.GPUDevice))
	if _, _, err := s.modelPaths(); err != nil {
		*p = append(*p, err)
	}
	p.nonNegative("engine.model_memory_budget", int64(s.ModelMemoryBudget))
}
