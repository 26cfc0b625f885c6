package netguard

import (
	"errors"
	"strings"
	"testing"
)

func TestValidateURL(t *testing.T) {
	tests := []struct {
		raw      string
		wantErr  error  // nil: the URL is accepted
		wantHost string // Host of the accepted URL
	}{
		{"http://example.com/audio.mp3", nil, "example.com"},
		{"https://example.com:8443/a?b=c#d", nil, "example.com:8443"},
		{"HTTPS://Example.COM/", nil, "Example.COM"},
		{"http://127.0.0.1:8080/", nil, "127.0.0.1:8080"}, // shape only: no address check
		{"http://[::1]/", nil, "[::1]"},
		{"http://host:1/", nil, "host:1"},
		{"http://host:65535/", nil, "host:65535"},
		{"http://xn--bcher-kva.example/", nil, "xn--bcher-kva.example"},
		{"http://a1.example.com/", nil, "a1.example.com"},

		{"file:///etc/passwd", ErrScheme, ""},
		{"ftp://example.com/a", ErrScheme, ""},
		{"gopher://example.com/", ErrScheme, ""},
		{"javascript:alert(1)", ErrScheme, ""},
		{"data:text/plain,hi", ErrScheme, ""},
		{"ws://example.com/", ErrScheme, ""},
		{"example.com/audio.mp3", ErrScheme, ""},
		{"//example.com/audio.mp3", ErrScheme, ""},

		{"", ErrInvalidURL, ""},
		{"   ", ErrInvalidURL, ""},
		{"http://", ErrInvalidURL, ""},
		{"http:///path", ErrInvalidURL, ""},
		{"http:example.com", ErrInvalidURL, ""},
		{"http://user:pass@host/", ErrInvalidURL, ""},
		{"http://user@host/", ErrInvalidURL, ""},
		{"http://:80/", ErrInvalidURL, ""},
		{"http://host:99999/", ErrInvalidURL, ""},
		{"http://host:0/", ErrInvalidURL, ""},
		{"http://host:65536/", ErrInvalidURL, ""},
		{"http://host:abc/", ErrInvalidURL, ""},
		{"http://exa mple.com/", ErrInvalidURL, ""},
		{"http://example.com/\x00", ErrInvalidURL, ""},
		{"http://2130706433/", ErrInvalidURL, ""},
		{"http://0x7f.1/", ErrInvalidURL, ""},
		{"http://127.1/", ErrInvalidURL, ""},
		{"http://0177.0.0.1/", ErrInvalidURL, ""},
		{"http://127.0.0.1./", ErrInvalidURL, ""},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			u, err := ValidateURL(tt.raw)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("ValidateURL(%q) error = %v, want %v", tt.raw, err, tt.wantErr)
				}
				if u != nil {
					t.Errorf("ValidateURL(%q) returned URL %v with error", tt.raw, u)
				}
				if strings.Contains(err.Error(), "\n") {
					t.Errorf("ValidateURL(%q) error %q is not one line", tt.raw, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ValidateURL(%q) error = %v, want nil", tt.raw, err)
			}
			if got := u.Host; got != tt.wantHost {
				t.Errorf("ValidateURL(%q).Host = %q, want %q", tt.raw, got, tt.wantHost)
			}
		})
	}
}

func TestValidateURLErrorSaysWhat(t *testing.T) {
	tests := []struct {
		raw  string
		want string
	}{
		{"ftp://example.com/", `"ftp"`},
		{"http://user:pass@host/", "credentials"},
		{"http://host:99999/", "99999"},
		{"http://", "missing host"},
		{"", "empty url"},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			_, err := ValidateURL(tt.raw)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ValidateURL(%q) error = %v, want it to mention %q", tt.raw, err, tt.want)
			}
		})
	}
}

func TestConfigValidateURL(t *testing.T) {
	tests := []struct {
		raw            string
		wantStrict     error // AllowPrivateNetworks false
		wantPermissive error // AllowPrivateNetworks true
	}{
		{"http://example.com/", nil, nil},
		{"http://8.8.8.8/", nil, nil},
		{"http://[2606:4700:4700::1111]/", nil, nil},
		{"http://127.0.0.1:8080/", ErrBlockedAddress, nil},
		{"http://169.254.169.254/latest/meta-data/", ErrBlockedAddress, nil},
		{"http://10.1.2.3/", ErrBlockedAddress, nil},
		{"http://0.0.0.0/", ErrBlockedAddress, nil},
		{"http://[::1]/", ErrBlockedAddress, nil},
		{"http://[::ffff:127.0.0.1]/", ErrBlockedAddress, nil},
		{"http://[fe80::1%25eth0]/", ErrBlockedAddress, nil},
		{"http://[64:ff9b::a9fe:a9fe]/", ErrBlockedAddress, nil},
		{"http://localhost:8080/", ErrBlockedAddress, nil},
		{"http://LocalHost./", ErrBlockedAddress, nil},
		{"http://api.localhost/", ErrBlockedAddress, nil},
		{"file:///etc/passwd", ErrScheme, ErrScheme},
		{"http://user:pass@127.0.0.1/", ErrInvalidURL, ErrInvalidURL},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			for _, c := range []struct {
				cfg  Config
				want error
			}{
				{Config{}, tt.wantStrict},
				{Config{AllowPrivateNetworks: true}, tt.wantPermissive},
			} {
				_, err := c.cfg.ValidateURL(tt.raw)
				if !errors.Is(err, c.want) { // errors.Is(err, nil) reports err == nil
					t.Errorf("Config{AllowPrivateNetworks: %v}.ValidateURL(%q) error = %v, want %v",
						c.cfg.AllowPrivateNetworks, tt.raw, err, c.want)
				}
			}
		})
	}
}

func FuzzValidateURL(f *testing.F) {
	for _, seed := range []string{
		"http://example.com/a.mp3",
		"https://[::1]:443/",
		"http://[fe80::1%25eth0]/",
		"http://user:pass@host/",
		"file:///etc/passwd",
		"javascript:alert(1)",
		"http://host:99999/",
		"http://0x7f.1/",
		"http://%zz/",
		"",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		u, err := ValidateURL(raw)
		if err != nil {
			if u != nil {
				t.Fatalf("ValidateURL(%q) returned a URL with error %v", raw, err)
			}
			if !errors.Is(err, ErrScheme) && !errors.Is(err, ErrInvalidURL) {
				t.Fatalf("ValidateURL(%q) error %v is neither ErrScheme nor ErrInvalidURL", raw, err)
			}
			return
		}
		if u.Scheme != "http" && u.Scheme != "https" {
			t.Fatalf("ValidateURL(%q) accepted scheme %q", raw, u.Scheme)
		}
		if u.Hostname() == "" || u.User != nil || u.Opaque != "" {
			t.Fatalf("ValidateURL(%q) accepted %#v", raw, u)
		}
		// The strict check never panics and never loosens the result.
		if _, err := (Config{}).ValidateURL(raw); err != nil && !errors.Is(err, ErrBlockedAddress) {
			t.Fatalf("Config{}.ValidateURL(%q) = %v after ValidateURL accepted it", raw, err)
		}
	})
}
