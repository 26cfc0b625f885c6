package server

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

type usageResponse struct {
	KeyID            string   `json:"key_id"`
	Month            string   `json:"month"`
	UsedSeconds      float64  `json:"used_seconds"`
	QuotaSeconds     int64    `json:"quota_seconds"`
	RemainingSeconds *float64 `json:"remaining_seconds"`
}

// usage reports the calling key's audio seconds this UTC month and its
// quota.
func (s *Server) usage(c echo.Context) error {
	k := keyOf(c)
	now := s.now().UTC()
	used, err := s.store.Usage(k.ID, now)
	if err != nil {
		return err
	}
	r := usageResponse{KeyID: k.ID, Month: now.Format("2006-01"), UsedSeconds: used, QuotaSeconds: k.QuotaSeconds}
	if k.QuotaSeconds > 0 {
		rem := max(0, float64(k.QuotaSeconds)-used)
		r.RemainingSeconds = &rem
	}
	return c.JSON(http.StatusOK, r)
}
