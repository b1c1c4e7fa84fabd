package server

import (
	"context"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestDashboardInChromium drives Debian's chromium with chromedp: upload
// an APK through the dashboard's form, land on its report, find a
// finding, switch the dashboard to Chinese, and save a screenshot.
func TestDashboardInChromium(t *testing.T) {
	browser, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("no chromium (Debian: apt-get install chromium)")
	}
	s, _ := newServer(t, "")
	// A real listener on loopback (the browser must reach it by URL).
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: s.Handler()}
	go srv.Serve(ln)
	defer srv.Close()
	base := "http://" + ln.Addr().String()

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(browser), chromedp.NoSandbox,
		chromedp.Flag("headless", "new"), chromedp.UserDataDir(t.TempDir()))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()

	apk, err := filepath.Abs(filepath.Join(td, "apks/leaky.apk"))
	if err != nil {
		t.Fatal(err)
	}
	// The first Run starts the browser: no timeout on its context.
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/?lang=en")); err != nil {
		t.Fatalf("browser: %v", err)
	}
	tctx, cancelT := context.WithTimeout(ctx, 60*time.Second)
	defer cancelT()
	err = chromedp.Do(tctx,
		chromedp.WaitVisible(chromedp.CSS(`input[type=file]`)),
		chromedp.SetUploadFiles(chromedp.CSS(`input[type=file]`), []string{apk}),
		chromedp.Click(chromedp.CSS(`button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.finding`)),
	)
	if err != nil {
		t.Fatalf("upload through the form: %v", err)
	}
	url, err := chromedp.Run(tctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	reportText, err := chromedp.Run(tctx, chromedp.Text(chromedp.CSS(`body`)))
	if err != nil {
		t.Fatal(err)
	}
	shot, err := chromedp.Run(tctx, chromedp.FullScreenshot(80))
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(tctx, chromedp.Navigate(base+"/?lang=zh")); err != nil {
		t.Fatal(err)
	}
	zh, err := chromedp.Run(tctx, chromedp.Text(chromedp.CSS(`h1`)))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(url, "/reports/") || !strings.Contains(reportText, "HG-AND-001") || !strings.Contains(reportText, "Leaky Demo") {
		t.Errorf("after the upload the browser is at %s, showing no HG-AND-001 finding", url)
	}
	if !strings.Contains(zh, "检测结果") {
		t.Errorf("the zh dashboard's title is %q", zh)
	}
	out := filepath.Join(t.TempDir(), "report.jpg")
	if err := os.WriteFile(out, shot, 0o644); err != nil || len(shot) < 10_000 {
		t.Errorf("screenshot: %d bytes, %v", len(shot), err)
	}
}
