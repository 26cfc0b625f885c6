package server

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"

	"github.com/labstack/echo/v4"
)

// backupStore is the store's hot backup; *store.Store implements it. It is
// not part of Store so that test doubles of Store need not implement it.
type backupStore interface {
	// Backup writes a consistent copy of the database to w.
	Backup(w io.Writer) (int64, error)
}

// backup answers GET /v1/admin/backup (admin keys only) with a consistent
// copy of the database, taken while the server runs. The copy goes to a
// temporary file in the audio directory first, so the store's read
// transaction lasts as long as a local disk write rather than the client's
// download. The file is removed when the response ends; one a crash left
// behind is removed at the next start, like any stale *.tmp there.
func (s *Server) backup(c echo.Context) error {
	bs, ok := s.store.(backupStore)
	if !ok {
		return errors.New("server: backup: the store cannot make backups")
	}
	f, err := os.CreateTemp(s.cfg.AudioDir, ".backup-*.tmp")
	if err != nil {
		return fmt.Errorf("server: backup: %w", err)
	}
	defer os.Remove(f.Name())
	defer f.Close()
	n, err := bs.Backup(f)
	if err != nil {
		return err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("server: backup: %w", err)
	}
	name := "instanttranscriber-" + s.now().UTC().Format("20060102T150405Z") + ".db"
	h := c.Response().Header()
	h.Set(echo.HeaderContentDisposition, `attachment; filename="`+name+`"`)
	h.Set(echo.HeaderContentLength, strconv.FormatInt(n, 10))
	h.Set("Cache-Control", "no-store")
	s.log.Info("backup taken", "bytes", n, "by", keyOf(c).ID)
	return c.Stream(http.StatusOK, echo.MIMEOctetStream, f)
}
