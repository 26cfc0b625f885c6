package server_test

import (
	"net/http"
	"testing"
)

// TestMetricsNeedAdminKey: on the API's listener /metrics needs an admin
// key by default.
func TestMetricsNeedAdminKey(t *testing.T) {
	h := newHarness(t, harnessOpts{noPool: true})
	for _, tt := range []struct {
		key  string
		want int
	}{{"", http.StatusUnauthorized}, {h.userKey, http.StatusForbidden}, {h.adminKey, http.StatusOK}} {
		if r := h.do(http.MethodGet, "/metrics", tt.key, "", nil); r.status != tt.want {
			t.Errorf("GET /metrics with key %q: %d, want %d", tt.key, r.status, tt.want)
		}
	}
}
