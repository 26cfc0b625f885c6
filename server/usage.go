package server

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

type usageResponse struct {
	KeyID            string   `json:"key_id"`
	Month            string   `json:"month"`
	UsedSeconds      float64  `json:"used_seconds"`
	ReservedSeconds  float64  `json:"reserved_seconds"`
	QuotaSeconds     int64    `json:"quota_seconds"`
	RemainingSeconds *float64 `json:"remaining_seconds"`
}

// usage reports the calling key's audio seconds this UTC month: charged for
// completed jobs, reserved by its queued and processing ones, and what the
// quota leaves beside both.
func (s *Server) usage(c echo.Context) error {
	k := keyOf(c)
	now := s.now().UTC()
	u, err := s.store.QuotaUsage(k.ID, now)
	if err != nil {
		return err
	}
	r := usageResponse{
		KeyID: k.ID, Month: now.Format("2006-01"),
		UsedSeconds: u.UsedSeconds, ReservedSeconds: u.ReservedSeconds, QuotaSeconds: k.QuotaSeconds,
	}
	if k.QuotaSeconds > 0 {
		rem := max(0, float64(k.QuotaSeconds)-u.UsedSeconds-u.ReservedSeconds)
		r.RemainingSeconds = &rem
	}
	return c.JSON(http.StatusOK, r)
}
