package server_test

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// The Chromium that the UI and API reference tests drive.

// chromiumPath finds the browser the UI test drives; the test fails, not
// skips, without one.
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatal("chromium not found: install it (apt-get install -y chromium) or run make test / .ci/run, which do")
	return ""
}

// browserErrors collects what the page reports as broken: uncaught
// exceptions, console.error calls and failed network requests.
type browserErrors struct {
	mu   sync.Mutex
	errs []string
}

func (b *browserErrors) add(format string, args ...any) {
	b.mu.Lock()
	b.errs = append(b.errs, fmt.Sprintf(format, args...))
	b.mu.Unlock()
}

func (b *browserErrors) list() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.errs...)
}

// newBrowser starts headless Chromium on a temporary profile and returns a
// tab context, with the error collector and an auto-accept for confirm().
func newBrowser(t *testing.T) (context.Context, *browserErrors) {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.NoFirstRun,
		chromedp.WindowSize(1280, 1000),
	)
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelB := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, 4*time.Minute)
	t.Cleanup(func() { cancelT(); cancelB(); cancelA() })

	be := &browserErrors{}
	// Open the tab first, so that the listener sees its events from the start.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	dialogs := make(chan struct{}, 8)
	err := chromedp.Listen(ctx, func(ev any) {
		switch ev := ev.(type) {
		case *runtime.EventExceptionThrown:
			d := ev.ExceptionDetails
			desc := d.Text
			if d.Exception != nil {
				desc += " " + d.Exception.Description
			}
			be.add("exception: %s (%s:%d)", desc, d.URL, d.LineNumber)
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError {
				var parts []string
				for _, a := range ev.Args {
					parts = append(parts, string(a.Value)+a.Description)
				}
				be.add("console.error: %s", strings.Join(parts, " "))
			}
		case *network.EventLoadingFailed:
			// A media element cancels its range requests as it seeks.
			if ev.Type == network.ResourceTypeMedia && ev.Canceled {
				return
			}
			be.add("request failed: %s %s (canceled %v)", ev.Type, ev.ErrorText, ev.Canceled)
		case *page.EventJavascriptDialogOpening:
			select {
			case dialogs <- struct{}{}:
			default:
			}
		}
	})
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	// confirm() is accepted, outside the listener (which must not call).
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-dialogs:
				chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
			}
		}
	}()
	for _, enable := range []func() error{
		func() error { _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); return err },
		func() error { _, err := chromedp.Call(ctx, runtime.Enable, cdp.Empty{}); return err },
		func() error { _, err := chromedp.Call(ctx, page.Enable, page.EnableParams{}); return err },
	} {
		if err := enable(); err != nil {
			t.Fatalf("enable domains: %v", err)
		}
	}
	return ctx, be
}

// waitJS polls a JavaScript expression until it returns want.
func waitJS(ctx context.Context, t *testing.T, expr, want string, d time.Duration) {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		got, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
		if err != nil {
			t.Fatalf("evaluate %s: %v", expr, err)
		}
		if got == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s = %q after %v, want %q", expr, got, d, want)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// do runs browser steps, failing the test with what on error.
func do(ctx context.Context, t *testing.T, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// get runs one browser action that returns a value.
func get[T any](ctx context.Context, t *testing.T, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatalf("browser: %v", err)
	}
	return v
}
