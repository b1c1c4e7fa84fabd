package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// `--format html` writes one page that needs nothing else: no script, no
// external asset; every finding with its law, evidence and fix.
func TestHTMLReportIsSelfContained(t *testing.T) {
	for _, lang := range []string{"en", "zh"} {
		out, errOut, code := hegui(t, "scan", "--format", "html", "--lang", lang, filepath.Join(td, "apks/leaky.apk"), filepath.Join(td, "evidence/leaky-traffic-leaks.json"))
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		checkSelfContained(t, out)
		for _, want := range []string{"HG-AND-001", "HG-NET-001", "com.example.leaky", "<svg"} {
			if !strings.Contains(out, want) {
				t.Errorf("%s: no %q", lang, want)
			}
		}
		title := map[string]string{"en": "Compliance report", "zh": "个人信息合规检测报告"}[lang]
		if !strings.Contains(out, title) {
			t.Errorf("%s: no title %q", lang, title)
		}
		if lang == "zh" && !strings.Contains(out, "《个人信息保护法》") && !strings.Contains(out, "个人信息保护法") {
			t.Errorf("zh: no Chinese citation")
		}
	}
}

// checkSelfContained parses a page and fails on a script, an external
// resource or an event handler.
func checkSelfContained(t *testing.T, page string) {
	t.Helper()
	z := html.NewTokenizer(strings.NewReader(page))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		name, _ := z.TagName()
		switch string(name) {
		case "script", "link", "iframe", "object", "embed", "img":
			t.Errorf("page holds a <%s>", name)
		}
		for {
			k, v, more := z.TagAttr()
			key, val := string(k), strings.ToLower(string(v))
			if strings.HasPrefix(key, "on") {
				t.Errorf("<%s %s=…>: an event handler", name, key)
			}
			if (key == "src" || key == "href") && !strings.HasPrefix(val, "#") {
				t.Errorf("<%s %s=%q>: an external reference", name, key, val)
			}
			if !more {
				break
			}
		}
	}
}

// An app's name is the attacker's: a label with markup renders as text.
func TestHTMLReportEscapesInput(t *testing.T) {
	dir := t.TempDir()
	ev := filepath.Join(dir, "evil.json")
	evil := `<script>alert(1)</script><img src=x onerror=alert(2)>`
	doc := `{"hegui_evidence": 1, "target": {"kind": "traffic", "id": "com.evil", "name": "` + strings.ReplaceAll(evil, `"`, `\"`) + `"},
 "inputs": ["traffic"],
 "observations": [{"kind": "data_type", "key": "device_id_imei", "level": "observed", "source": "<b>proxy</b>",
   "where": {"file": "</td><script>x()</script>.pcap", "packet": 3}, "detail": {"host": "a.example.cn", "plaintext": "true"}}]}`
	if err := os.WriteFile(ev, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := hegui(t, "scan", "--format", "html", ev)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	checkSelfContained(t, out)
	if !strings.Contains(out, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Error("the name is not shown escaped")
	}
}

// A real browser renders the page (Debian's chromium, headless): its DOM
// holds the findings, and a screenshot is written.
func TestHTMLReportInABrowser(t *testing.T) {
	browser := ""
	for _, b := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(b); err == nil {
			browser = p
			break
		}
	}
	if browser == "" {
		t.Skip("no chromium (Debian: apt-get install chromium)")
	}
	dir := t.TempDir()
	page := filepath.Join(dir, "report.html")
	out, _, code := hegui(t, "scan", "--format", "html", "--output", page, "../../internal/traffic/testdata/captures/device.pcap", "--face-device")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, out)
	}
	args := []string{"--headless=new", "--no-sandbox", "--disable-gpu", "--user-data-dir=" + filepath.Join(dir, "profile")}
	dom, err := exec.Command(browser, append(args, "--dump-dom", "file://"+page)...).Output()
	if err != nil {
		t.Fatalf("chromium --dump-dom: %v", err)
	}
	for _, want := range []string{"HG-FACE-001", "face.example-ai.com", "mqtt.example-lock.cn"} {
		if !strings.Contains(string(dom), want) {
			t.Errorf("rendered page has no %q", want)
		}
	}
	shot := filepath.Join(dir, "report.png")
	if err := exec.Command(browser, append(args, "--screenshot="+shot, "--window-size=1200,1600", "file://"+page)...).Run(); err != nil {
		t.Fatalf("chromium --screenshot: %v", err)
	}
	if st, err := os.Stat(shot); err != nil || st.Size() < 10_000 {
		t.Errorf("screenshot: %v", err)
	}
}
