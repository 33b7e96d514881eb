package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// artifactDir receives a screenshot of every page the browser tests visit.
const artifactDir = "test-artifacts/browser"

// stepTimeout bounds each browser step; a page that never shows what a step
// waits for fails the test with the page's text.
const stepTimeout = 20 * time.Second

// chromiumPath finds the Chromium the Makefile installs (Debian's chromium
// package), or AFFCORE_CHROMIUM.
func chromiumPath(t *testing.T) string {
	if p := os.Getenv("AFFCORE_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatal("the browser tests need Chromium: run `make test` (it installs the Debian chromium package) or set AFFCORE_CHROMIUM")
	return ""
}

// artifactsReset empties artifactDir once per test binary: a run keeps the
// pages of every browser test in it and none of an earlier run's.
var artifactsReset sync.Once

// newBrowser starts headless Chromium with a fresh profile and returns the
// browser's context; tabs come from (*browser).tab.
func newBrowser(t *testing.T) *browser {
	t.Helper()
	artifactsReset.Do(func() { _ = os.RemoveAll(artifactDir) })
	if err := os.MkdirAll(artifactDir, 0o755); err != nil {
		t.Fatal(err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("password-store", "basic"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	t.Cleanup(func() { cancel(); cancelAlloc() })
	return &browser{t: t, ctx: ctx}
}

type browser struct {
	t   *testing.T
	ctx context.Context
	n   int // screenshots taken, for file order
}

// tab opens a tab in a browser context of its own: separate cookies and
// storage, as a different person's browser.
func (b *browser) tab(base, who string) *tab {
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext())
	b.t.Cleanup(cancel)
	tb := &tab{b: b, ctx: ctx, base: base, who: who}
	if err := chromedp.Do(ctx); err != nil {
		b.t.Fatalf("%s: open tab: %v", who, err)
	}
	msgs := chromedp.Console(ctx)
	go func() {
		for m, err := range msgs {
			if err != nil {
				return
			}
			// API answers of 4xx are part of the flows (signed out, field errors).
			expected := m.Source == "network" && strings.Contains(m.URL, "/api/v1/")
			if (m.Type == "error" || m.IsException()) && !expected {
				tb.mu.Lock()
				tb.problems = append(tb.problems, fmt.Sprintf("%s [%s] %s", m.URL, m.Source, m.Text))
				tb.mu.Unlock()
			}
		}
	}()
	return tb
}

// tab is one person's browser.
type tab struct {
	b        *browser
	ctx      context.Context
	base     string
	who      string
	mu       sync.Mutex
	problems []string // console errors, exceptions, CSP violations, failed loads
}

// do runs steps, failing the test with the page's text when one fails.
func (tb *tab) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	tb.b.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		text, _ := chromedp.Run(tb.ctx, chromedp.Evaluate[string](`document.location.href + "\n" + document.body.innerText`))
		tb.shot("failed-" + what)
		tb.b.t.Fatalf("%s: %s: %v\npage: %s", tb.who, what, err, text)
	}
}

// open navigates to a path of the server and waits for the app to render.
func (tb *tab) open(path string) {
	tb.b.t.Helper()
	tb.do("open "+path, chromedp.Navigate(tb.base+path))
	tb.do("render "+path, chromedp.WaitVisible(chromedp.CSS("#app h1")))
}

// fill types value into the input selected by css over its selected
// content, as a person replacing a field's text does.
func (tb *tab) fill(css, value string) {
	tb.b.t.Helper()
	tb.do("fill "+css, chromedp.WaitVisible(chromedp.CSS(css)),
		chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(e => { e.focus(); e.select(); })(document.querySelector(%q))`, css)),
		chromedp.SendKeys(chromedp.CSS(css), value))
	if got := eval[string](tb, fmt.Sprintf(`document.querySelector(%q).value`, css)); got != value {
		tb.shot("failed-fill")
		tb.b.t.Fatalf("%s: typed %q into %s, it holds %q", tb.who, value, css, got)
	}
}

// choose picks value in the <select> selected by css.
func (tb *tab) choose(css, value string) {
	tb.b.t.Helper()
	tb.do("choose "+css, chromedp.WaitVisible(chromedp.CSS(css)), chromedp.Evaluate[chromedp.Void](fmt.Sprintf(
		`(s => { s.value = %q; s.dispatchEvent(new Event('change', {bubbles: true})); })(document.querySelector(%q))`, value, css)))
}

// click clicks the element selected by css.
func (tb *tab) click(css string) {
	tb.b.t.Helper()
	tb.do("click "+css, chromedp.Click(chromedp.CSS(css)))
}

// submit clicks the submit button of the form that holds the element css.
func (tb *tab) submit(css string) {
	tb.b.t.Helper()
	tb.do("submit "+css, chromedp.WaitVisible(chromedp.CSS(css)), chromedp.Evaluate[chromedp.Void](fmt.Sprintf(
		`document.querySelector(%q).closest('form').querySelector('button[type=submit]').click()`, css)))
}

// waitText waits until the page shows text.
func (tb *tab) waitText(text string) {
	tb.b.t.Helper()
	tb.do("wait for "+text, chromedp.Poll[chromedp.Void](fmt.Sprintf(`document.body.innerText.includes(%q)`, text),
		chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(stepTimeout)))
}

// eval evaluates a JavaScript expression (promises are awaited) into T.
func eval[T any](tb *tab, expr string) T {
	tb.b.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		tb.b.t.Fatalf("%s: evaluate %s: %v", tb.who, expr, err)
	}
	return v
}

// shot saves a full-page screenshot as test-artifacts/browser/NN-name.png.
func (tb *tab) shot(name string) {
	tb.b.n++
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		tb.b.t.Errorf("%s: screenshot %s: %v", tb.who, name, err)
		return
	}
	clean := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' {
			return r
		}
		return '-'
	}, strings.ToLower(name))
	file := filepath.Join(artifactDir, fmt.Sprintf("%02d-%s-%s.png", tb.b.n, tb.who, clean[:min(len(clean), 60)]))
	if err := os.WriteFile(file, png, 0o644); err != nil {
		tb.b.t.Error(err)
	}
}

// assertClean fails the test if the tab logged errors: exceptions, CSP
// violations, failed requests.
func (tb *tab) assertClean() {
	tb.b.t.Helper()
	tb.mu.Lock()
	defer tb.mu.Unlock()
	for _, p := range tb.problems {
		tb.b.t.Errorf("%s: browser console: %s", tb.who, p)
	}
}
