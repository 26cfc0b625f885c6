package server

import (
	"errors"
	"math"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/instanttranscriber/instanttranscriber/store"
)

// KeyResponse is an API key as the admin API shows it, and as the keys
// command prints it: never the hash, and the secret only once, in the
// response that created it.
type KeyResponse struct {
	ID           string     `json:"id"`
	Name         string     `json:"name"`
	Admin        bool       `json:"admin"`
	QuotaSeconds int64      `json:"quota_seconds"`
	CreatedAt    time.Time  `json:"created_at"`
	RevokedAt    *time.Time `json:"revoked_at"`
	Key          string     `json:"key,omitempty"`
}

// KeyResponseOf is the stored key k as the admin API shows it, without
// the secret.
func KeyResponseOf(k store.Key) KeyResponse {
	r := KeyResponse{ID: k.ID, Name: k.Name, Admin: k.Admin, QuotaSeconds: k.QuotaSeconds, CreatedAt: k.CreatedAt.UTC()}
	if !k.RevokedAt.IsZero() {
		t := k.RevokedAt.UTC()
		r.RevokedAt = &t
	}
	return r
}

type createKeyRequest struct {
	Name       string  `json:"name"`
	QuotaHours float64 `json:"quota_hours"`
	Admin      bool    `json:"admin"`
}

// NewKey validates and creates an API key, returning the stored key and its
// secret. The CLI uses it when the server is stopped.
func NewKey(st interface {
	CreateKey(store.Key) (store.Key, error)
}, name string, quotaHours float64, admin bool) (store.Key, string, error) {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 100 {
		return store.Key{}, "", apiErr(CodeInvalidRequest, "name must be 1 to 100 characters")
	}
	if quotaHours < 0 || math.IsNaN(quotaHours) || quotaHours > 1e6 {
		return store.Key{}, "", apiErr(CodeInvalidRequest, "quota_hours must be from 0 (unlimited) to 1000000")
	}
	secret, hash := NewAPIKey()
	k, err := st.CreateKey(store.Key{
		Name:         name,
		Hash:         hash,
		Admin:        admin,
		QuotaSeconds: int64(math.Round(quotaHours * 3600)),
	})
	return k, secret, err
}

func (s *Server) createKey(c echo.Context) error {
	var in createKeyRequest
	body := http.MaxBytesReader(c.Response(), c.Request().Body, maxJSONBody)
	if err := decodeStrict(body, &in); err != nil {
		return err
	}
	k, secret, err := NewKey(s.store, in.Name, in.QuotaHours, in.Admin)
	if err != nil {
		return err
	}
	s.log.Info("api key created", "key_id", k.ID, "name", k.Name, "admin", k.Admin, "by", keyOf(c).ID)
	r := KeyResponseOf(k)
	r.Key = secret
	return c.JSON(http.StatusCreated, r)
}

func (s *Server) listKeys(c echo.Context) error {
	keys, err := s.store.ListKeys()
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, listOf(keys, KeyResponseOf))
}

func (s *Server) revokeKey(c echo.Context) error {
	k, err := s.store.RevokeKey(c.Param("id"))
	if errors.Is(err, store.ErrInvalid) {
		return apiErr(CodeNotFound, "no such key")
	}
	if errors.Is(err, store.ErrLastAdmin) {
		return apiErr(CodeConflict, "this is the last admin key; create another admin key before revoking it")
	}
	if err != nil {
		return err
	}
	s.log.Info("api key revoked", "key_id", k.ID, "by", keyOf(c).ID)
	return c.JSON(http.StatusOK, KeyResponseOf(k))
}
