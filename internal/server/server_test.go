package server

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/hegui/hegui/internal/blob"
	"github.com/hegui/hegui/internal/jobs"
	"github.com/hegui/hegui/internal/scan"
	"github.com/hegui/hegui/internal/store"
	"github.com/hegui/hegui/internal/store/pgtest"
)

const td = "../../testdata"

func newServer(t *testing.T, token string) (*Server, *httptest.Server) {
	t.Helper()
	sc, err := scan.New(scan.Config{ToolVersion: "test"})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	st, err := store.OpenSQLite(context.Background(), filepath.Join(dir, "hegui.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	blobs, err := blob.NewDir(filepath.Join(dir, "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{Store: st, Scanner: sc, Blobs: blobs, MaxUpload: 8 << 20, ToolVersion: "test", DataVersion: "d", Log: slog.New(slog.DiscardHandler)}
	s.Queue = startQueue(t, s, "sqlite", 2)
	if token != "" {
		sum := sha256.Sum256([]byte(token))
		s.TokenHash = sum[:]
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	return s, ts
}

// startQueue starts a job queue in the server's store with workers.
func startQueue(t *testing.T, s *Server, db string, workers int) *jobs.Queue {
	t.Helper()
	ctx := context.Background()
	w := &jobs.ScanWorker{Scanner: s.Scanner, Store: s.Store, Blobs: s.Blobs, ToolVersion: s.ToolVersion, DataVersion: s.DataVersion}
	// A queue of its own: other packages' tests run workers on the same
	// PostgreSQL database.
	q, err := jobs.Open(ctx, s.Store, db, jobs.Config{Queue: fmt.Sprintf("test_%d", time.Now().UnixNano()), Worker: w, Workers: workers})
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { q.Close(ctx) })
	return q
}

// upload posts an artifact and waits for its report.
func upload(t *testing.T, ts *httptest.Server, file, name string) (int, map[string]any) {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return postScan(t, ts, b, "wait=60s&name="+name)
}

// postScan posts bytes to the scan API with a query string.
func postScan(t *testing.T, ts *httptest.Server, body []byte, query string) (int, map[string]any) {
	t.Helper()
	resp, err := http.Post(ts.URL+"/api/v1/scans?"+query, "application/octet-stream", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestUploadScanAndRead(t *testing.T) {
	_, ts := newServer(t, "")
	code, out := upload(t, ts, filepath.Join(td, "apks/leaky.apk"), "../../etc/leaky.apk")
	if code != 201 {
		t.Fatalf("upload: %d %v", code, out)
	}
	id := int(out["id"].(float64))
	code, doc := get(t, fmt.Sprintf("%s/api/v1/reports/%d", ts.URL, id))
	if code != 200 {
		t.Fatalf("report: %d", code)
	}
	c := jsonschema.NewCompiler()
	sch, err := c.Compile(filepath.Join(td, "contract/report.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	v, _ := jsonschema.UnmarshalJSON(strings.NewReader(doc))
	if err := sch.Validate(v); err != nil {
		t.Errorf("stored report: %v", err)
	}
	var rep struct {
		Target struct{ Path string }
	}
	json.Unmarshal([]byte(doc), &rep)
	if rep.Target.Path != "leaky.apk" {
		t.Errorf("the report names %q, not the upload's base name", rep.Target.Path)
	}
	for format, want := range map[string]string{"html": "HG-AND-001", "sarif": `"version": "2.1.0"`} {
		code, body := get(t, fmt.Sprintf("%s/api/v1/reports/%d?format=%s", ts.URL, id, format))
		if code != 200 || !strings.Contains(body, want) {
			t.Errorf("%s: %d, no %q", format, code, want)
		}
	}
	code, page := get(t, ts.URL+"/")
	if code != 200 || !strings.Contains(page, "Leaky Demo") || !strings.Contains(page, fmt.Sprintf("/reports/%d", id)) {
		t.Errorf("dashboard: %d", code)
	}
	code, page = get(t, ts.URL+"/?lang=zh")
	if !strings.Contains(page, "检测结果") {
		t.Errorf("zh dashboard: %d", code)
	}
	// The same upload again is the same stored report.
	_, again := upload(t, ts, filepath.Join(td, "apks/leaky.apk"), "leaky.apk")
	if again["id"] != out["id"] {
		t.Errorf("a second upload stored again: %v vs %v", again["id"], out["id"])
	}
	if code, _ := get(t, ts.URL+"/api/v1/reports/999"); code != 404 {
		t.Errorf("missing report: %d", code)
	}
}

func TestUploadLimitsAndEscaping(t *testing.T) {
	s, ts := newServer(t, "")
	s.MaxUpload = 1000
	if code, _ := upload(t, ts, filepath.Join(td, "apks/leaky.apk"), "big.apk"); code != 413 {
		t.Errorf("too large: %d", code)
	}
	s.MaxUpload = 8 << 20
	dir := t.TempDir()
	ev := filepath.Join(dir, "evil.json")
	os.WriteFile(ev, []byte(`{"hegui_evidence": 1, "target": {"kind": "traffic", "id": "com.evil", "name": "<script>alert(1)</script>"},
 "inputs": ["traffic"], "observations": [{"kind": "data_type", "key": "device_id_imei", "level": "observed", "source": "x", "where": {"file": "a.pcap", "packet": 1}}]}`), 0o644)
	if code, out := upload(t, ts, ev, "evil.json"); code != 201 {
		t.Fatalf("evidence upload: %d %v", code, out)
	}
	_, page := get(t, ts.URL+"/")
	if strings.Contains(page, "<script>alert(1)") || !strings.Contains(page, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Error("the target name is not escaped on the dashboard")
	}
}

func TestFormNeedsItsToken(t *testing.T) {
	_, ts := newServer(t, "")
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("csrf", "0123456789abcdef0123456789abcdef")
	fw, _ := mw.CreateFormFile("file", "clean.apk")
	b, _ := os.ReadFile(filepath.Join(td, "apks/clean.apk"))
	fw.Write(b)
	mw.Close()
	req, _ := http.NewRequest("POST", ts.URL+"/upload", bytes.NewReader(body.Bytes()))
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.AddCookie(&http.Cookie{Name: "hegui_csrf", Value: "ffffffffffffffffffffffffffffffff"})
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 403 {
		t.Errorf("a form with another page's token: %d", resp.StatusCode)
	}
}

func TestTokenRequired(t *testing.T) {
	_, ts := newServer(t, "a-long-enough-secret-token")
	if code, _ := get(t, ts.URL+"/api/v1/reports"); code != 401 {
		t.Errorf("no token: %d", code)
	}
	req, _ := http.NewRequest("GET", ts.URL+"/api/v1/reports", nil)
	req.Header.Set("Authorization", "Bearer a-long-enough-secret-token")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("with the token: %d", resp.StatusCode)
	}
}

// Re-inspection: a build that leaked before consent, then a fixed one,
// compared finding by finding.
func TestReinspectionDiff(t *testing.T) {
	_, ts := newServer(t, "")
	_, before := upload(t, ts, filepath.Join(td, "evidence/leaky-traffic-leaks.json"), "run1.json")
	_, after := upload(t, ts, filepath.Join(td, "evidence/leaky-traffic-clean.json"), "run2.json")
	from, to := int(before["id"].(float64)), int(after["id"].(float64))
	code, body := get(t, fmt.Sprintf("%s/api/v1/diff?from=%d&to=%d", ts.URL, from, to))
	if code != 200 {
		t.Fatalf("diff: %d %s", code, body)
	}
	var d Diff
	if err := json.Unmarshal([]byte(body), &d); err != nil {
		t.Fatal(err)
	}
	fixed := map[string]bool{}
	for _, f := range d.Fixed {
		fixed[f.RuleID] = true
	}
	if !fixed["HG-NET-001"] || len(d.New) != 0 {
		t.Errorf("fixed %v, new %v", d.Fixed, d.New)
	}
	_, page := get(t, ts.URL+"/")
	if !strings.Contains(page, fmt.Sprintf("/diff?from=%d&to=%d", from, to)) {
		t.Error("the dashboard does not link the two scans of one target")
	}
	if code, page := get(t, fmt.Sprintf("%s/diff?from=%d&to=%d&lang=zh", ts.URL, from, to)); code != 200 || !strings.Contains(page, "已整改") {
		t.Errorf("diff page: %d", code)
	}
}

// 200 uploads at once, each a different app, and their status polled: no
// error, every app stored once.
func TestConcurrentUploads(t *testing.T) {
	if testing.Short() {
		t.Skip("200 uploads")
	}
	_, ts := newServer(t, "")
	base, err := os.ReadFile(filepath.Join(td, "apks/clean.apk"))
	if err != nil {
		t.Fatal(err)
	}
	const n = 200
	ids, jobs := make(chan float64, n), make(chan float64, n)
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			app := withComment(t, base, fmt.Sprintf("copy %d", i))
			resp, err := http.Post(fmt.Sprintf("%s/api/v1/scans?name=app%d.apk", ts.URL, i), "application/octet-stream", bytes.NewReader(app))
			if err != nil {
				errs <- err
				return
			}
			var out map[string]any
			json.NewDecoder(resp.Body).Decode(&out)
			resp.Body.Close()
			if resp.StatusCode != 202 {
				errs <- fmt.Errorf("upload %d: %d %v", i, resp.StatusCode, out)
				return
			}
			job := out["job"].(float64)
			jobs <- job
			for deadline := time.Now().Add(3 * time.Minute); ; time.Sleep(200 * time.Millisecond) {
				// Not get(): t.Fatal belongs to the test's goroutine.
				resp, err := http.Get(fmt.Sprintf("%s/api/v1/jobs/%v", ts.URL, job))
				if err != nil {
					errs <- err
					return
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				code, body := resp.StatusCode, string(b)
				var st jobStatusView
				json.Unmarshal([]byte(body), &st)
				if code != 200 || st.State == "cancelled" || st.State == "discarded" {
					errs <- fmt.Errorf("poll %d: %d %s", i, code, body)
					return
				}
				if st.Report > 0 {
					ids <- float64(st.Report)
					return
				}
				if time.Now().After(deadline) {
					errs <- fmt.Errorf("job %v: not done: %s", job, body)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(ids)
	close(jobs)
	close(errs)
	jobSeen := map[float64]bool{}
	for j := range jobs {
		if jobSeen[j] {
			t.Errorf("job %v given to two uploads", j)
		}
		jobSeen[j] = true
	}
	for err := range errs {
		t.Error(err)
	}
	seen := map[float64]bool{}
	for id := range ids {
		if seen[id] {
			t.Errorf("report %v given twice", id)
		}
		seen[id] = true
	}
	_, body := get(t, ts.URL+"/api/v1/reports?limit=1000")
	var list struct{ Reports []store.Row }
	json.Unmarshal([]byte(body), &list)
	if len(seen) != n || len(list.Reports) != n {
		t.Errorf("%d reports returned, %d stored, want %d", len(seen), len(list.Reports), n)
	}
}

// withComment rewrites an APK with a different archive comment: another
// file, the same app.
func withComment(t *testing.T, apk []byte, comment string) []byte {
	zr, err := zip.NewReader(bytes.NewReader(apk), int64(len(apk)))
	if err != nil {
		t.Error(err)
		return nil
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		w, err := zw.CreateRaw(&f.FileHeader)
		if err != nil {
			t.Error(err)
			return nil
		}
		rc, _ := f.OpenRaw()
		io.Copy(w, rc)
	}
	zw.SetComment(comment)
	zw.Close()
	return buf.Bytes()
}

func TestRectificationNotice(t *testing.T) {
	_, ts := newServer(t, "")
	code, out := upload(t, ts, filepath.Join(td, "apks/leaky.apk"), "leaky.apk")
	if code != 201 {
		t.Fatalf("upload: %d", code)
	}
	page := fmt.Sprintf("%s/reports/%v/notice", ts.URL, out["id"])
	code, body := get(t, page+"?deadline=2026-12-31&lang=zh")
	if code != 200 || !strings.Contains(body, "2026-12-31") || !strings.Contains(body, "HG-AND-001") || !strings.Contains(body, "PIPL") && !strings.Contains(body, "个人信息保护法") {
		t.Errorf("notice: %d", code)
	}
	if code, _ := get(t, page+"?deadline=soon"); code != 400 {
		t.Errorf("a bad deadline: %d", code)
	}
}

// With PostgreSQL, uploads become River jobs that workers scan; the API
// answers with the job, and the job with its report once done.
func TestUploadsAsJobs(t *testing.T) {
	url := pgtest.URL(t)
	ctx := context.Background()
	sc, err := scan.New(scan.Config{ToolVersion: "test"})
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.OpenPostgres(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	blobs, err := blob.NewDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{Store: st, Scanner: sc, Blobs: blobs, MaxUpload: 8 << 20, ToolVersion: "test",
		DataVersion: "jobs-" + time.Now().Format(time.RFC3339Nano), Log: slog.New(slog.DiscardHandler)}
	s.Queue = startQueue(t, s, url, 2)
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	base, _ := os.ReadFile(filepath.Join(td, "apks/clean.apk"))
	const n = 40
	jobIDs := make([]float64, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			app := withComment(t, base, fmt.Sprintf("job copy %d %s", i, s.DataVersion))
			resp, err := http.Post(fmt.Sprintf("%s/api/v1/scans?name=app%d.apk", ts.URL, i), "application/octet-stream", bytes.NewReader(app))
			if err != nil {
				t.Error(err)
				return
			}
			var out map[string]any
			json.NewDecoder(resp.Body).Decode(&out)
			resp.Body.Close()
			if resp.StatusCode != 202 {
				t.Errorf("upload %d: %d %v", i, resp.StatusCode, out)
				return
			}
			jobIDs[i] = out["job"].(float64)
		}()
	}
	wg.Wait()
	reports := map[int64]bool{}
	deadline := time.Now().Add(90 * time.Second)
	for _, id := range jobIDs {
		for {
			_, body := get(t, fmt.Sprintf("%s/api/v1/jobs/%v", ts.URL, id))
			var st jobStatusView
			json.Unmarshal([]byte(body), &st)
			if st.Report > 0 {
				if reports[st.Report] {
					t.Errorf("report %d given to two jobs", st.Report)
				}
				reports[st.Report] = true
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("job %v: %s", id, body)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	if len(reports) != n {
		t.Errorf("%d reports for %d jobs", len(reports), n)
	}
}

type jobStatusView struct {
	State  string
	Report int64
}

// A campaign gathers reports under a deadline: an overview, and every
// target's notice printed at once.
func TestCampaign(t *testing.T) {
	_, ts := newServer(t, "")
	var ids []any
	for _, app := range []string{"leaky.apk", "ridehail.apk", "clean.apk"} {
		code, out := upload(t, ts, filepath.Join(td, "apks", app), app)
		if code != 201 {
			t.Fatalf("upload %s: %d", app, code)
		}
		ids = append(ids, out["id"])
	}
	body, _ := json.Marshal(map[string]any{"name": "2026 Q4 <script>x()</script>", "deadline": "2099-12-31", "reports": ids[:2]})
	resp, err := http.Post(ts.URL+"/api/v1/campaigns", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var created map[string]any
	json.NewDecoder(resp.Body).Decode(&created)
	resp.Body.Close()
	if resp.StatusCode != 201 {
		t.Fatalf("create: %d %v", resp.StatusCode, created)
	}
	cid := created["id"]
	add, _ := json.Marshal(map[string]any{"reports": ids[2:]})
	resp, err = http.Post(fmt.Sprintf("%s/api/v1/campaigns/%v/reports", ts.URL, cid), "application/json", bytes.NewReader(add))
	if err != nil || resp.StatusCode != 204 {
		t.Fatalf("add: %v %v", err, resp.StatusCode)
	}
	resp.Body.Close()
	_, js := get(t, fmt.Sprintf("%s/api/v1/campaigns/%v", ts.URL, cid))
	var c store.Campaign
	json.Unmarshal([]byte(js), &c)
	if len(c.Reports) != 3 || c.Deadline != "2099-12-31" {
		t.Errorf("campaign: %+v", c)
	}
	code, page := get(t, fmt.Sprintf("%s/campaigns/%v?lang=zh", ts.URL, cid))
	if code != 200 || !strings.Contains(page, "天后到期") || !strings.Contains(page, "Leaky Demo") || strings.Contains(page, "<script>x()") {
		t.Errorf("campaign page: %d", code)
	}
	_, notices := get(t, fmt.Sprintf("%s/campaigns/%v/notices", ts.URL, cid))
	// clean.apk has no violation of medium severity or above: two notices.
	if n := strings.Count(notices, "<section>"); n != 2 || !strings.Contains(notices, "2099-12-31") {
		t.Errorf("%d notices", n)
	}
	bad, _ := json.Marshal(map[string]any{"name": "x", "deadline": "next month"})
	resp, _ = http.Post(ts.URL+"/api/v1/campaigns", "application/json", bytes.NewReader(bad))
	if resp.StatusCode != 400 {
		t.Errorf("a bad deadline: %d", resp.StatusCode)
	}
	resp.Body.Close()
}

// Without a token, the server refuses what a page on another site could
// make a browser send: a cross-site POST, a "simple" content type on the
// API, another host name (DNS rebinding), a form without this browser's
// token.
func TestCrossSiteRequestsRefused(t *testing.T) {
	_, ts := newServer(t, "")
	post := func(path, ctype string, hdr map[string]string, body string) int {
		req, _ := http.NewRequest("POST", ts.URL+path, strings.NewReader(body))
		req.Header.Set("Content-Type", ctype)
		for k, v := range hdr {
			if k == "Host" {
				req.Host = v
				continue
			}
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	campaign := `{"name": "x", "deadline": "2026-12-31"}`
	for _, c := range []struct {
		name  string
		path  string
		ctype string
		hdr   map[string]string
		want  int
	}{
		{"text/plain on the API", "/api/v1/campaigns", "text/plain", nil, 415},
		{"a form type on the API", "/api/v1/scans", "application/x-www-form-urlencoded", nil, 415},
		{"another site's Origin", "/api/v1/campaigns", "application/json", map[string]string{"Origin": "http://evil.example"}, 403},
		{"Sec-Fetch-Site cross-site", "/api/v1/campaigns", "application/json", map[string]string{"Sec-Fetch-Site": "cross-site"}, 403},
		{"a rebinding host name", "/api/v1/campaigns", "application/json", map[string]string{"Host": "evil.example"}, 421},
		{"the same origin", "/api/v1/campaigns", "application/json", map[string]string{"Origin": ts.URL}, 201},
	} {
		if got := post(c.path, c.ctype, c.hdr, campaign); got != c.want {
			t.Errorf("%s: %d, want %d", c.name, got, c.want)
		}
	}
	if code, _ := get(t, ts.URL+"/"); code != 200 {
		t.Errorf("a plain GET: %d", code)
	}
	// A well-formed form whose token and cookie are both empty: equal,
	// but not a token this server makes.
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("csrf", "")
	fw, _ := mw.CreateFormFile("file", "clean.apk")
	fw.Write([]byte("PK"))
	mw.Close()
	if got := post("/upload", mw.FormDataContentType(), map[string]string{"Cookie": "hegui_csrf="}, body.String()); got != 403 {
		t.Errorf("a form with an empty token: %d, want 403", got)
	}
}

// The dashboard runs a campaign without the API: filter the reports,
// tick some, create the campaign with a deadline, add a report by
// number; the listings answer the same filters as JSON.
func TestCampaignForms(t *testing.T) {
	_, ts := newServer(t, "")
	ids := map[string]int64{}
	for _, app := range []string{"leaky.apk", "ridehail.apk", "clean.apk"} {
		code, out := upload(t, ts, filepath.Join(td, "apks", app), app)
		if code != 201 {
			t.Fatalf("upload %s: %d", app, code)
		}
		ids[app] = int64(out["id"].(float64))
	}
	// The JSON listings and the dashboard take the same filters.
	_, body := get(t, ts.URL+"/api/v1/reports?severity=critical&target=LEAKY")
	var list struct{ Reports []store.Row }
	json.Unmarshal([]byte(body), &list)
	if len(list.Reports) != 1 || list.Reports[0].ID != ids["leaky.apk"] {
		t.Errorf("critical reports of leaky: %s", body)
	}
	for _, bad := range []string{"severity=severe", "campaign=abc", "limit=-1", "offset=x"} {
		if code, _ := get(t, ts.URL+"/api/v1/reports?"+bad); code != 400 {
			t.Errorf("%s: %d, want 400", bad, code)
		}
	}
	if code, _ := get(t, ts.URL+"/api/v1/jobs/987654"); code != 404 {
		t.Errorf("an unknown job: %d, want 404", code)
	}
	_, body = get(t, fmt.Sprintf("%s/api/v1/findings?rule=HG-AND-001&limit=5", ts.URL))
	var fs struct{ Findings []store.FindingRow }
	json.Unmarshal([]byte(body), &fs)
	if len(fs.Findings) == 0 {
		t.Errorf("no HG-AND-001 finding listed: %s", body)
	}
	for _, f := range fs.Findings {
		if f.RuleID != "HG-AND-001" || f.ReportID == 0 {
			t.Errorf("a finding of another rule, or of no report: %+v", f)
		}
	}
	_, page := get(t, ts.URL+"/?target=ridehail")
	if !strings.Contains(page, fmt.Sprintf(`href="/reports/%d"`, ids["ridehail.apk"])) || strings.Contains(page, fmt.Sprintf(`href="/reports/%d"`, ids["leaky.apk"])) {
		t.Error("the dashboard's target filter did not select ridehail alone")
	}

	// The form, as a browser sends it: the cookie and the token echoed.
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	resp, err := client.Get(ts.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := regexp.MustCompile(`name="csrf" value="([0-9a-f]{32})"`).FindSubmatch(b)
	if m == nil {
		t.Fatal("no form token on the dashboard")
	}
	form := url.Values{"csrf": {string(m[1])}, "name": {"年度检查 <b>x</b>"}, "deadline": {"2099-06-30"},
		"report": {fmt.Sprint(ids["leaky.apk"]), fmt.Sprint(ids["ridehail.apk"])}}
	resp, err = client.PostForm(ts.URL+"/campaigns?lang=zh", form)
	if err != nil {
		t.Fatal(err)
	}
	page2, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Request.URL.Path, "/campaigns/") {
		t.Fatalf("create: %d at %s", resp.StatusCode, resp.Request.URL)
	}
	if !strings.Contains(string(page2), "年度检查 &lt;b&gt;x&lt;/b&gt;") || !strings.Contains(string(page2), "2 个检测对象") || !strings.Contains(string(page2), "按法律依据统计") {
		t.Errorf("campaign page after the form:\n%s", page2)
	}
	if !regexp.MustCompile(`PIPL-\d+`).Match(page2) {
		t.Error("the campaign page counts no finding by legal provision")
	}
	campaignURL := resp.Request.URL.Path
	resp, err = client.PostForm(ts.URL+campaignURL+"/reports", url.Values{"csrf": {string(m[1])}, "reports": {fmt.Sprintf("#%d", ids["clean.apk"])}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	_, js := get(t, ts.URL+"/api/v1"+campaignURL)
	var c store.Campaign
	json.Unmarshal([]byte(js), &c)
	if c.Targets != 3 || c.Deadline != "2099-06-30" {
		t.Errorf("campaign after adding: %+v", c)
	}
	_, js = get(t, ts.URL+"/api/v1/campaigns")
	if !strings.Contains(js, `"targets":3`) {
		t.Errorf("campaign list: %s", js)
	}
	// Without the token, or with a bad number, nothing is made.
	for _, f := range []url.Values{
		{"name": {"x"}, "deadline": {"2099-01-01"}},
		{"csrf": {string(m[1])}, "name": {"x"}, "deadline": {"2099-01-01"}, "reports": {"1; DROP TABLE reports"}},
		{"csrf": {string(m[1])}, "name": {"x"}, "deadline": {"soon"}},
		{"csrf": {string(m[1])}, "name": {"x"}, "deadline": {"2099-01-01"}, "reports": {"99999"}},
	} {
		resp, err := client.PostForm(ts.URL+"/campaigns", f)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode < 400 {
			t.Errorf("form %v: %d", f, resp.StatusCode)
		}
	}
	if _, js = get(t, ts.URL+"/api/v1/campaigns"); strings.Count(js, `"id"`) != 1 {
		t.Errorf("a refused form made a campaign: %s", js)
	}
}

// The OpenAPI document is JSON and documents every API route the server
// registers, with its method.
func TestOpenAPIDocumentsEveryRoute(t *testing.T) {
	_, ts := newServer(t, "")
	_, body := get(t, ts.URL+"/openapi.json")
	var doc struct {
		Paths map[string]map[string]any
	}
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	src, err := os.ReadFile("server.go")
	if err != nil {
		t.Fatal(err)
	}
	routes := regexp.MustCompile(`mux\.HandleFunc\("([A-Z]+) (/api/[^"]+)"`).FindAllStringSubmatch(string(src), -1)
	if len(routes) < 8 {
		t.Fatalf("found %d API routes in server.go", len(routes))
	}
	for _, r := range routes {
		if _, ok := doc.Paths[r[2]][strings.ToLower(r[1])]; !ok {
			t.Errorf("%s %s is not in the OpenAPI document", r[1], r[2])
		}
	}
}

// An upload is sniffed before it is kept: what no scan can read is
// refused at once (and not kept); what it can is queued with its kind.
func TestUploadIsSniffed(t *testing.T) {
	s, ts := newServer(t, "")
	post := func(body []byte, name string) (int, map[string]any) { return postScan(t, ts, body, "name="+name) }
	elf := append([]byte("\x7fELF\x02\x01\x01\x00"), make([]byte, 600)...)
	code, out := post(elf, "libfoo.so")
	if msg := fmt.Sprint(out["error"]); code != 415 || !strings.Contains(msg, "hegui reads: Android app") || strings.Contains(msg, "upload-") {
		t.Errorf("an ELF library: %d %v", code, out)
	}
	apk, _ := os.ReadFile(filepath.Join(td, "apks/clean.apk"))
	code, out = post(apk, "clean.apk")
	if code != 202 || out["kind"] != "android" {
		t.Errorf("an APK: %d %v", code, out)
	}
	// The other package kinds are taken too (and kept, so counted below).
	for file, kind := range map[string]string{"ios/ride.ipa": "ios", "harmony/lock.hap": "harmony", "sdk/alipay-sdk.aar": "sdk"} {
		b, err := os.ReadFile(filepath.Join(td, file))
		if err != nil {
			t.Fatal(err)
		}
		if code, out := post(b, filepath.Base(file)); code != 202 || out["kind"] != kind {
			t.Errorf("%s: %d %v", file, code, out)
		}
	}
	// Nothing but the APK was kept.
	var kept []string
	filepath.WalkDir(s.Blobs.(*blob.Dir).Root(), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			kept = append(kept, filepath.Base(p))
		}
		return nil
	})
	if len(kept) != 4 || slices.ContainsFunc(kept, func(k string) bool { return strings.HasSuffix(k, ".so") }) {
		t.Errorf("kept %v: want the four packages, not the library", kept)
	}
}
