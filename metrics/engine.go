package metrics

import "github.com/prometheus/client_golang/prometheus"

// SetEngine records what the whisper model runs on as the gauge
// instanttranscriber_engine_info{backend, device, model} = 1: backend is
// ggml's name ("CPU", "Vulkan", "CUDA"), device the hardware's description
// and model whisper's size name ("tiny", "base", ...). Call it once, after
// the model is loaded.
func (m *Metrics) SetEngine(backend, device, model string) {
	info := prometheus.NewGauge(prometheus.GaugeOpts{
		Namespace: namespace, Name: "engine_info",
		Help:        "The backend and device whisper runs on (always 1).",
		ConstLabels: prometheus.Labels{"backend": backend, "device": device, "model": model},
	})
	info.Set(1)
	m.reg.MustRegister(info)
}
