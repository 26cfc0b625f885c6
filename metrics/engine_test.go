package metrics

import "testing"

// TestSetEngine: the info gauge carries the backend and device as labels.
func TestSetEngine(t *testing.T) {
	m := New(discard())
	m.SetEngine("Vulkan", `llvmpipe (LLVM 15.0.6, 256 bits) "x"`, "tiny")
	check(t, scrape(t, m.Handler()), map[string]float64{
		`instanttranscriber_engine_info{backend="Vulkan",device="llvmpipe (LLVM 15.0.6, 256 bits) \"x\"",model="tiny"}`: 1,
	})
}
