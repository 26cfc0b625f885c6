package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/instanttranscriber/instanttranscriber/config"
	"github.com/instanttranscriber/instanttranscriber/server"
	"github.com/instanttranscriber/instanttranscriber/store"
)

// keyInfo is an API key as the keys command prints it: the admin API's
// JSON.
type keyInfo = server.KeyResponse

// keysBackend manages keys either in the store file (server stopped) or
// through the running server's admin API (the store is locked by it).
type keysBackend interface {
	create(name string, quotaHours float64, admin bool) (keyInfo, error)
	list() ([]keyInfo, error)
	revoke(id string) (keyInfo, error)
	rotateSigning(dropOld bool) (signingVersions, error)
	close() error
}

// signingVersions is the outcome of a signing secret rotation; it matches
// the admin API's JSON.
type signingVersions struct {
	KID           string   `json:"kid"`
	VerifyingKIDs []string `json:"verifying_kids"`
}

const keysSynopsis = `keys create --name NAME [--quota-hours H] [--admin]
       instanttranscriber keys list
       instanttranscriber keys revoke ID
       instanttranscriber keys rotate-signing [--drop-old]

rotate-signing makes a new version of the secret that signs download URLs.
URLs signed before keep working until they expire; --drop-old makes them
all stop working at once (use it if the secret may have leaked).

Works with the server stopped (opens the store) or running (uses its admin
API with --admin-key or INSTANTTRANSCRIBER_ADMIN_KEY).`

// runKeys implements "instanttranscriber keys".
func runKeys(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("keys", keysSynopsis, stderr)
	configPath := fs.String("config", os.Getenv("INSTANTTRANSCRIBER_CONFIG"), "YAML config file")
	name := fs.String("name", "", "name of the new key (create)")
	quota := fs.Float64("quota-hours", 0, "monthly audio quota in hours, 0 = unlimited (create)")
	admin := fs.Bool("admin", false, "the new key may manage keys (create)")
	dropOld := fs.Bool("drop-old", false, "invalidate every download URL signed before (rotate-signing)")
	serverURL := fs.String("server", "", "base URL of the running server (default from server.addr)")
	adminKey := fs.String("admin-key", os.Getenv("INSTANTTRANSCRIBER_ADMIN_KEY"), "admin API key, used when the server is running")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		fs.Usage()
		return fmt.Errorf("%w: keys needs create, list, revoke or rotate-signing", errUsage)
	}
	cfg, err := loadConfig(*configPath)
	if err != nil {
		return err
	}
	b, err := openKeysBackend(ctx, cfg, *serverURL, *adminKey)
	if err != nil {
		return err
	}
	defer b.close()

	switch pos[0] {
	case "create":
		if *name == "" || len(pos) != 1 {
			fs.Usage()
			return fmt.Errorf("%w: keys create needs --name", errUsage)
		}
		k, err := b.create(*name, *quota, *admin)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "id:     %s\nname:   %s\nadmin:  %t\nquota:  %s\nkey:    %s\n\nThe key is shown only this once; store it now.\n",
			k.ID, k.Name, k.Admin, quotaText(k.QuotaSeconds), k.Key)
	case "list":
		keys, err := b.list()
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tNAME\tADMIN\tQUOTA\tCREATED\tREVOKED")
		for _, k := range keys {
			revoked := "-"
			if k.RevokedAt != nil {
				revoked = k.RevokedAt.UTC().Format(time.RFC3339)
			}
			fmt.Fprintf(tw, "%s\t%s\t%t\t%s\t%s\t%s\n", k.ID, k.Name, k.Admin, quotaText(k.QuotaSeconds), k.CreatedAt.UTC().Format(time.RFC3339), revoked)
		}
		return tw.Flush()
	case "revoke":
		if len(pos) != 2 {
			fs.Usage()
			return fmt.Errorf("%w: keys revoke takes one key ID", errUsage)
		}
		k, err := b.revoke(pos[1])
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "revoked %s (%s)\n", k.ID, k.Name)
	case "rotate-signing":
		if len(pos) != 1 {
			fs.Usage()
			return fmt.Errorf("%w: keys rotate-signing takes no argument", errUsage)
		}
		v, err := b.rotateSigning(*dropOld)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "download URLs are now signed with kid %s; URLs of kids %s still verify\n",
			v.KID, strings.Join(v.VerifyingKIDs, ", "))
	default:
		fs.Usage()
		return fmt.Errorf("%w: unknown keys command %q", errUsage, pos[0])
	}
	return nil
}

func quotaText(sec int64) string {
	if sec == 0 {
		return "unlimited"
	}
	return fmt.Sprintf("%gh/month", float64(sec)/3600)
}

// openKeysBackend opens the store directly; when the running server holds
// its lock, it falls back to the admin API. A PostgreSQL store has no such
// lock: the command works on the database beside the running nodes.
func openKeysBackend(ctx context.Context, cfg config.Config, serverURL, adminKey string) (keysBackend, error) {
	if cfg.Store.Driver == config.StorePostgres {
		pg, err := store.OpenPostgres(ctx, cfg.Store.PostgresURL.Reveal(), store.PostgresOptions{})
		if err != nil {
			return nil, err
		}
		return storeKeys{st: pg, urlTTL: cfg.Server.DownloadURLTTL}, nil
	}
	st, err := store.Open(cfg.StorePath(), store.Options{Timeout: 300 * time.Millisecond})
	if err == nil {
		return storeKeys{st: st, urlTTL: cfg.Server.DownloadURLTTL}, nil
	}
	if !errors.Is(err, store.ErrLocked) {
		return nil, err
	}
	if adminKey == "" {
		return nil, errors.New("the server is running (it holds the store); pass --admin-key or set INSTANTTRANSCRIBER_ADMIN_KEY to use its admin API")
	}
	if serverURL == "" {
		_, port, err := net.SplitHostPort(cfg.Server.Addr)
		if err != nil {
			return nil, fmt.Errorf("server.addr %q: %w", cfg.Server.Addr, err)
		}
		serverURL = "http://127.0.0.1:" + port
	}
	return apiKeys{ctx: ctx, base: strings.TrimRight(serverURL, "/"), key: adminKey, c: &http.Client{Timeout: 30 * time.Second}}, nil
}

// storeKeys manages keys in the store file; urlTTL is
// server.download_url_ttl, which bounds how long a retired signing secret
// version is kept.
type storeKeys struct {
	st     store.Backend
	urlTTL time.Duration
}

func (b storeKeys) create(name string, quotaHours float64, admin bool) (keyInfo, error) {
	k, secret, err := server.NewKey(b.st, name, quotaHours, admin)
	if err != nil {
		return keyInfo{}, err
	}
	ki := server.KeyResponseOf(k)
	ki.Key = secret
	return ki, nil
}

func (b storeKeys) list() ([]keyInfo, error) {
	keys, err := b.st.ListKeys()
	out := make([]keyInfo, 0, len(keys))
	for _, k := range keys {
		out = append(out, server.KeyResponseOf(k))
	}
	return out, err
}

func (b storeKeys) revoke(id string) (keyInfo, error) {
	k, err := b.st.RevokeKey(id)
	return server.KeyResponseOf(k), err
}

func (b storeKeys) rotateSigning(dropOld bool) (signingVersions, error) {
	vs, err := server.RotateSigningSecret(b.st, b.urlTTL, dropOld, time.Now())
	if err != nil {
		return signingVersions{}, err
	}
	out := signingVersions{KID: vs[0].ID}
	for _, v := range vs {
		out.VerifyingKIDs = append(out.VerifyingKIDs, v.ID)
	}
	return out, nil
}

func (b storeKeys) close() error { return b.st.Close() }

// apiKeys manages keys through the running server's /v1/keys.
type apiKeys struct {
	ctx  context.Context
	base string
	key  string
	c    *http.Client
}

func (b apiKeys) do(method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		buf, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(buf)
	}
	req, err := http.NewRequestWithContext(b.ctx, method, b.base+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+b.key)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := b.c.Do(req)
	if err != nil {
		return fmt.Errorf("admin api: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		var e struct {
			Error struct{ Code, Message string }
		}
		_ = json.NewDecoder(io.LimitReader(resp.Body, 1<<16)).Decode(&e)
		return fmt.Errorf("admin api: %s %s: %d %s: %s", method, path, resp.StatusCode, e.Error.Code, e.Error.Message)
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

func (b apiKeys) create(name string, quotaHours float64, admin bool) (keyInfo, error) {
	var k keyInfo
	err := b.do(http.MethodPost, "/v1/keys", map[string]any{"name": name, "quota_hours": quotaHours, "admin": admin}, &k)
	return k, err
}

func (b apiKeys) list() ([]keyInfo, error) {
	var out struct{ Data []keyInfo }
	err := b.do(http.MethodGet, "/v1/keys", nil, &out)
	return out.Data, err
}

func (b apiKeys) revoke(id string) (keyInfo, error) {
	var k keyInfo
	err := b.do(http.MethodDelete, "/v1/keys/"+id, nil, &k)
	return k, err
}

func (b apiKeys) rotateSigning(dropOld bool) (signingVersions, error) {
	var v signingVersions
	err := b.do(http.MethodPost, "/v1/admin/signing-secret/rotate", map[string]bool{"drop_old": dropOld}, &v)
	return v, err
}

func (b apiKeys) close() error { return nil }
