package server

import (
	"bytes"
	"io"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/instanttranscriber/instanttranscriber/delivery"
	"github.com/instanttranscriber/instanttranscriber/store"
)

// dropAllRetired is a cut-off after every retirement: RotateSecret drops
// every old version.
var dropAllRetired = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)

// RotateSigningSecret makes a new version of the secret that signs download
// URLs and returns the versions kept, the new one first. URLs signed before
// keep working until they expire: an old version is dropped once it has been
// retired for longer than ttl (server.download_url_ttl), since everything it
// signed has expired by then. dropOld drops every old version at once, for
// a secret that leaked. The CLI uses it when the server is stopped; a
// running server rotates through POST /v1/admin/signing-secret/rotate.
func RotateSigningSecret(st interface {
	RotateSecret(name string, size int, dropRetiredBefore time.Time) ([]store.SecretVersion, error)
}, ttl time.Duration, dropOld bool, now time.Time) ([]store.SecretVersion, error) {
	cut := now.Add(-ttl)
	if dropOld {
		cut = dropAllRetired
	}
	return st.RotateSecret(delivery.SecretName, delivery.SecretBytes, cut)
}

// rotateSigningRequest is the optional body of
// POST /v1/admin/signing-secret/rotate.
type rotateSigningRequest struct {
	// DropOld invalidates every download URL signed before the rotation.
	DropOld bool `json:"drop_old"`
}

// rotateSigningResponse names the version that now signs and those that
// still verify (the current one included). It never holds a secret.
type rotateSigningResponse struct {
	KID           string   `json:"kid"`
	VerifyingKIDs []string `json:"verifying_kids"`
}

// rotateSigning answers POST /v1/admin/signing-secret/rotate (admin keys
// only): a new signing secret version, used at once for new URLs.
func (s *Server) rotateSigning(c echo.Context) error {
	var in rotateSigningRequest
	body, err := io.ReadAll(http.MaxBytesReader(c.Response(), c.Request().Body, maxJSONBody))
	if err != nil {
		return bodyError(err, "invalid JSON body")
	}
	if len(bytes.TrimSpace(body)) > 0 {
		if err := decodeStrict(bytes.NewReader(body), &in); err != nil {
			return err
		}
	}
	vs, err := RotateSigningSecret(s.store, s.cfg.DownloadURLTTL, in.DropOld, s.now())
	if err != nil {
		return err
	}
	s.signer.SetSecrets(vs)
	out := rotateSigningResponse{KID: vs[0].ID, VerifyingKIDs: make([]string, 0, len(vs))}
	for _, v := range vs {
		out.VerifyingKIDs = append(out.VerifyingKIDs, v.ID)
	}
	s.log.Info("download url signing secret rotated", "kid", out.KID, "verifying_kids", out.VerifyingKIDs,
		"drop_old", in.DropOld, "by", keyOf(c).ID)
	return c.JSON(http.StatusOK, out)
}
