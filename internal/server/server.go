// Package server is `hegui serve`: a dashboard of stored reports and a
// JSON API to upload an artifact, scan it and read its report (JSON,
// SARIF or HTML). It binds to the loopback interface unless told
// otherwise; beyond it, every request needs the API token.
package server

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hegui/hegui/internal/blob"
	"github.com/hegui/hegui/internal/jobs"
	"github.com/hegui/hegui/internal/report"
	"github.com/hegui/hegui/internal/scan"
	"github.com/hegui/hegui/internal/store"
	"github.com/hegui/hegui/internal/text"
)

// Server serves the dashboard and the API.
type Server struct {
	Store   *store.DB
	Scanner *scan.Scanner
	// Blobs keeps uploaded artifacts by content.
	Blobs blob.Store
	// TokenHash is the SHA-256 of the API token; empty allows every
	// request (loopback, single user).
	TokenHash []byte
	// MaxUpload bounds an uploaded artifact.
	MaxUpload int64
	// DataVersion and ToolVersion key stored results (see store.Key).
	DataVersion, ToolVersion string
	// Queue takes uploads as scan jobs (River, in the results database),
	// worked by this process or by `hegui worker`s; JobTimeout is their
	// bound (jobs.Timeout when zero), the longest ?wait.
	Queue      *jobs.Queue
	JobTimeout time.Duration
	Log        *slog.Logger
	// uploads bounds the uploads being received (each up to MaxUpload
	// on disk).
	uploads chan struct{}
}

// Handler returns the routes.
func (s *Server) Handler() http.Handler {
	if s.uploads == nil {
		s.uploads = make(chan struct{}, 4)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.dashboard)
	mux.HandleFunc("GET /reports/{id}", s.reportPage)
	mux.HandleFunc("GET /reports/{id}/notice", s.noticePage)
	mux.HandleFunc("POST /upload", s.uploadForm)
	mux.HandleFunc("GET /api/v1/reports", s.apiReports)
	mux.HandleFunc("GET /api/v1/reports/{id}", s.apiReport)
	mux.HandleFunc("POST /api/v1/scans", s.apiScan)
	mux.HandleFunc("GET /api/v1/jobs/{id}", s.apiJob)
	mux.HandleFunc("GET /api/v1/findings", s.apiFindings)
	mux.HandleFunc("GET /api/v1/campaigns", s.apiCampaigns)
	mux.HandleFunc("POST /api/v1/campaigns", s.apiCreateCampaign)
	mux.HandleFunc("POST /campaigns", s.campaignForm)
	mux.HandleFunc("POST /campaigns/{id}/reports", s.campaignAddForm)
	mux.HandleFunc("POST /api/v1/campaigns/{id}/reports", s.apiAddToCampaign)
	mux.HandleFunc("GET /api/v1/campaigns/{id}", s.apiCampaign)
	mux.HandleFunc("GET /campaigns/{id}", s.campaignPage)
	mux.HandleFunc("GET /campaigns/{id}/notices", s.campaignNotices)
	mux.HandleFunc("GET /jobs/{id}", s.jobPage)
	mux.HandleFunc("GET /api/v1/diff", s.apiDiff)
	mux.HandleFunc("GET /diff", s.diffPage)
	mux.HandleFunc("GET /openapi.json", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(openAPI))
	})
	return s.guard(mux)
}

// guard checks the token (when one is set) and sets headers that keep a
// page from loading anything or being framed.
func (s *Server) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; frame-ancestors 'none'")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Referrer-Policy", "same-origin") // "no-referrer" would make a form's Origin "null"
		if len(s.TokenHash) > 0 && !s.authorized(r) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="hegui"`)
			http.Error(w, "a token is required: Authorization: Bearer TOKEN", http.StatusUnauthorized)
			return
		}
		if len(s.TokenHash) == 0 && !loopbackHost(r.Host) {
			// Without a token the server answers only to its loopback
			// names: a page that rebinds its own name to 127.0.0.1 gets
			// nothing.
			http.Error(w, "this server answers to 127.0.0.1 and localhost only", http.StatusMisdirectedRequest)
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			if r.Header.Get("Sec-Fetch-Site") == "cross-site" || !sameOrigin(r) {
				http.Error(w, "a request from another site", http.StatusForbidden)
				return
			}
			// The API takes only content types a cross-site form or a
			// "simple" fetch cannot send without the browser asking first.
			if strings.HasPrefix(r.URL.Path, "/api/") {
				ct, _, _ := strings.Cut(r.Header.Get("Content-Type"), ";")
				if ct != "application/json" && ct != "application/octet-stream" {
					http.Error(w, "Content-Type: application/octet-stream (an upload) or application/json", http.StatusUnsupportedMediaType)
					return
				}
			}
		}
		next.ServeHTTP(w, r)
	})
}

// loopbackHost tells a Host header naming this machine's loopback
// interface.
func loopbackHost(host string) bool {
	h, _, err := net.SplitHostPort(host)
	if err != nil {
		h = host
	}
	h = strings.Trim(h, "[]")
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// sameOrigin tells whether a request's Origin (when it sends one) is the
// server itself.
func sameOrigin(r *http.Request) bool {
	o := r.Header.Get("Origin")
	return o == "" || o == "http://"+r.Host || o == "https://"+r.Host
}

func (s *Server) authorized(r *http.Request) bool {
	tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	if c, err := r.Cookie("hegui_token"); tok == "" && err == nil {
		tok = c.Value
	}
	if tok == "" {
		return false
	}
	sum := sha256.Sum256([]byte(tok))
	return subtle.ConstantTimeCompare(sum[:], s.TokenHash) == 1
}

func lang(r *http.Request) string {
	if l := r.URL.Query().Get("lang"); l == "zh" || l == "en" {
		return l
	}
	if strings.HasPrefix(r.Header.Get("Accept-Language"), "zh") {
		return "zh"
	}
	return "en"
}

func (s *Server) fail(w http.ResponseWriter, code int, err error) {
	if code >= 500 {
		// The detail goes to the log, not to the client.
		s.Log.Error("request failed", "err", err)
		err = errors.New(http.StatusText(code))
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(map[string]string{"error": err.Error()})
}

func (s *Server) dashboard(w http.ResponseWriter, r *http.Request) {
	q, err := query(r)
	if err != nil {
		http.Error(w, err.Error(), 400)
		return
	}
	if q.Limit <= 0 {
		q.Limit = 500
	}
	rows, err := s.Store.FindReports(r.Context(), q)
	if err != nil {
		s.fail(w, 500, err)
		return
	}
	campaigns, err := s.Store.Campaigns(r.Context())
	if err != nil {
		s.fail(w, 500, err)
		return
	}
	sum, err := s.Store.Summary(r.Context())
	if err != nil {
		s.fail(w, 500, err)
		return
	}
	csrf := csrfToken(w, r)
	// Each report's previous scan of the same target, for re-inspection.
	prev := map[int64]int64{}
	for i, row := range rows {
		for _, older := range rows[i+1:] {
			if row.TargetID != "" && older.TargetID == row.TargetID {
				prev[row.ID] = older.ID
				break
			}
		}
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	err = dashboardPage.Execute(w, map[string]any{"Lang": lang(r), "Rows": rows, "Sum": sum, "CSRF": csrf, "Tool": s.ToolVersion, "Prev": prev,
		"Q": q, "Filtered": q != store.Query{Limit: q.Limit}, "Campaigns": campaigns, "Today": time.Now().Format("2006-01-02"),
		"In30": time.Now().AddDate(0, 0, 30).Format("2006-01-02")})
	if err != nil {
		s.Log.Error("dashboard", "err", err)
	}
}

// csrfToken returns the page's form token: a random value also set as a
// cookie the form must echo (double submit).
func csrfToken(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie("hegui_csrf"); err == nil && validCSRF(c.Value) {
		return c.Value
	}
	b := make([]byte, 16)
	rand.Read(b)
	v := hex.EncodeToString(b)
	http.SetCookie(w, &http.Cookie{Name: "hegui_csrf", Value: v, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode})
	return v
}

// pathReport reads the report the path's {id} names; when there is none,
// or it cannot be read, it has answered (404 or 500) and returns false.
func (s *Server) pathReport(w http.ResponseWriter, r *http.Request) (store.Row, *report.Report, []byte, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.fail(w, 404, store.ErrNotFound)
		return store.Row{}, nil, nil, false
	}
	row, rep, doc, err := s.reportByID(r.Context(), id)
	switch {
	case errors.Is(err, store.ErrNotFound):
		s.fail(w, 404, err)
		return row, nil, nil, false
	case err != nil:
		s.fail(w, 500, err)
		return row, nil, nil, false
	}
	return row, rep, doc, true
}

func (s *Server) reportPage(w http.ResponseWriter, r *http.Request) {
	_, rep, _, ok := s.pathReport(w, r)
	if !ok {
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	report.HTML{ToolVersion: s.ToolVersion, Lang: rep.Lang}.Write(w, []*report.Report{rep})
}

// query reads a listing's filters from the URL: rule, severity (at or
// above), kind, target (part of its id, name or file name), sdk, pi (a
// PI type), campaign, limit and offset.
func query(r *http.Request) (store.Query, error) {
	v := r.URL.Query()
	q := store.Query{Rule: v.Get("rule"), Severity: v.Get("severity"), Kind: v.Get("kind"),
		Target: v.Get("target"), SDK: v.Get("sdk"), DataType: v.Get("pi")}
	num := func(name string) (int64, error) {
		s := v.Get(name)
		if s == "" {
			return 0, nil
		}
		x, err := strconv.ParseInt(s, 10, 32)
		if err != nil || x < 0 {
			return 0, fmt.Errorf("%s: a whole number, not %q", name, s)
		}
		return x, nil
	}
	limit, err1 := num("limit")
	offset, err2 := num("offset")
	campaign, err3 := num("campaign")
	if err := errors.Join(err1, err2, err3); err != nil {
		return q, err
	}
	q.Limit, q.Offset, q.Campaign = int(limit), int(offset), campaign
	return q, q.Validate()
}

func (s *Server) apiReports(w http.ResponseWriter, r *http.Request) {
	s.listing(w, r, "reports", func(ctx context.Context, q store.Query) (any, error) {
		rows, err := s.Store.FindReports(ctx, q)
		if rows == nil {
			rows = []store.Row{}
		}
		return rows, err
	})
}

func (s *Server) apiFindings(w http.ResponseWriter, r *http.Request) {
	s.listing(w, r, "findings", func(ctx context.Context, q store.Query) (any, error) {
		return s.Store.Findings(ctx, q)
	})
}

// listing answers {key: list(the request's query)}.
func (s *Server) listing(w http.ResponseWriter, r *http.Request, key string, list func(context.Context, store.Query) (any, error)) {
	q, err := query(r)
	if err != nil {
		s.fail(w, 400, err)
		return
	}
	v, err := list(r.Context(), q)
	s.reply(w, map[string]any{key: v}, 500, err)
}

func (s *Server) apiCampaigns(w http.ResponseWriter, r *http.Request) {
	cs, err := s.Store.Campaigns(r.Context())
	s.reply(w, map[string]any{"campaigns": cs}, 500, err)
}

func (s *Server) apiReport(w http.ResponseWriter, r *http.Request) {
	_, rep, doc, ok := s.pathReport(w, r)
	if !ok {
		return
	}
	switch r.URL.Query().Get("format") {
	case "", "json":
		w.Header().Set("Content-Type", "application/json")
		w.Write(doc)
	case "html":
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		report.HTML{ToolVersion: s.ToolVersion, Lang: rep.Lang}.Write(w, []*report.Report{rep})
	case "sarif":
		w.Header().Set("Content-Type", "application/sarif+json")
		report.SARIF{Rules: s.Scanner.Engine.Rules(), Law: s.Scanner.Law, ToolVersion: s.ToolVersion, Lang: rep.Lang}.Write(w, []*report.Report{rep})
	default:
		s.fail(w, 400, errors.New("format: json, sarif or html"))
	}
}

// apiScan takes an artifact as the request body (its name in ?name=),
// keeps it by content and makes it a scan job. With ?wait (a duration,
// or 1 for the job timeout) it answers once the report is stored (201),
// else at once with the job (202).
func (s *Server) apiScan(w http.ResponseWriter, r *http.Request) {
	var wait time.Duration
	if v := r.URL.Query().Get("wait"); v != "" {
		d, err := time.ParseDuration(v)
		switch {
		case v == "1" || v == "true":
			wait = s.jobTimeout()
		case err != nil || d < 0:
			s.fail(w, 400, errors.New("wait: a duration such as 90s, or 1"))
			return
		default:
			wait = min(d, s.jobTimeout())
		}
	}
	job, kind, code, err := s.enqueueUpload(r.Context(), r.Body, r.URL.Query().Get("name"), lang(r))
	if err != nil {
		s.fail(w, code, err)
		return
	}
	st := jobStatus{Job: job, State: "available"}
	if wait > 0 {
		ctx, cancel := context.WithTimeout(r.Context(), wait)
		st, code, err = s.waitJob(ctx, job)
		cancel()
		if err != nil {
			s.fail(w, code, err)
			return
		}
	}
	out := map[string]any{"job": job, "kind": kind, "state": st.State, "status": fmt.Sprintf("/api/v1/jobs/%d", job), "page": fmt.Sprintf("/jobs/%d", job)}
	code = http.StatusAccepted
	switch {
	case st.Report > 0:
		code = http.StatusCreated
		out["id"], out["report"], out["page"] = st.Report, fmt.Sprintf("/api/v1/reports/%d", st.Report), fmt.Sprintf("/reports/%d", st.Report)
	case st.State == "cancelled" || st.State == "discarded":
		code = http.StatusUnprocessableEntity
		out["error"] = st.Error
	case st.State == "completed": // done, yet no report: said, not hidden
		code = http.StatusInternalServerError
		out["error"] = st.Error
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(out)
}

func (s *Server) jobTimeout() time.Duration {
	if s.JobTimeout > 0 {
		return s.JobTimeout
	}
	return jobs.Timeout
}

// waitJob polls a job until it is done or ctx ends (then it returns the
// last state seen).
func (s *Server) waitJob(ctx context.Context, id int64) (jobStatus, int, error) {
	t := time.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	for {
		st, code, err := s.job(context.WithoutCancel(ctx), id)
		if err != nil || st.Report > 0 || st.State == "cancelled" || st.State == "discarded" || (st.State == "completed" && st.Error != "") {
			return st, code, err
		}
		select {
		case <-ctx.Done():
			return st, 200, nil
		case <-t.C:
		}
	}
}

// uploadForm is the dashboard's upload: a multipart form with the CSRF
// token; it redirects to the report page.
func (s *Server) uploadForm(w http.ResponseWriter, r *http.Request) {
	c, err := r.Cookie("hegui_csrf")
	mr, merr := r.MultipartReader()
	if err != nil || merr != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	// The token part comes first in the form; the file after it.
	p, err := mr.NextPart()
	if err != nil || p.FormName() != "csrf" {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	tok, _ := io.ReadAll(io.LimitReader(p, 64))
	if !validCSRF(c.Value) || subtle.ConstantTimeCompare(tok, []byte(c.Value)) != 1 {
		http.Error(w, "the form token does not match: reload the page", http.StatusForbidden)
		return
	}
	p, err = mr.NextPart()
	if err != nil || p.FormName() != "file" {
		http.Error(w, "no file", http.StatusBadRequest)
		return
	}
	job, _, code, err := s.enqueueUpload(r.Context(), p, p.FileName(), lang(r))
	if err != nil {
		http.Error(w, err.Error(), code)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/jobs/%d?lang=%s", job, lang(r)), http.StatusSeeOther)
}

// enqueueUpload keeps an upload in the blob store under its SHA-256 and
// makes it a scan job; the report will show the uploaded name, never a
// path of the store. It returns the job and the upload's kind.
func (s *Server) enqueueUpload(ctx context.Context, body io.Reader, name, lang string) (int64, string, int, error) {
	if s.Queue == nil {
		return 0, "", http.StatusServiceUnavailable, errors.New("this server has no job queue")
	}
	sum, kind, code, err := s.receive(ctx, body, name)
	if err != nil {
		return 0, "", code, err
	}
	job, err := s.Queue.Enqueue(ctx, jobs.ScanArgs{SHA256: sum, Ext: safeExt(name), Name: displayName(name), Lang: lang,
		Tool: s.ToolVersion, Data: s.DataVersion})
	if err != nil {
		return 0, "", 500, err
	}
	return job, kind, 0, nil
}

// receive spools an upload (bounded), keeps it if a scan can read it,
// and returns its SHA-256 and kind; on error, the status code.
func (s *Server) receive(ctx context.Context, body io.Reader, name string) (string, string, int, error) {
	select { // a few at a time: each may take MaxUpload of disk
	case s.uploads <- struct{}{}:
		defer func() { <-s.uploads }()
	case <-ctx.Done():
		return "", "", http.StatusServiceUnavailable, ctx.Err()
	}
	ext := safeExt(name)
	u, err := blob.Spool(ctx, s.Blobs.TempDir(), body, ext, s.MaxUpload)
	switch {
	case errors.Is(err, blob.ErrTooLarge):
		return "", "", http.StatusRequestEntityTooLarge, err
	case errors.Is(err, blob.ErrEmpty), errors.Is(err, blob.ErrRead):
		return "", "", http.StatusBadRequest, err
	case err != nil:
		return "", "", 500, err
	}
	defer u.Remove()
	// Only what a scan can read is kept and queued; the message names the
	// upload, not the spool file.
	kind, err := s.Scanner.Identify(u.Path)
	if err != nil {
		msg := errors.New(strings.ReplaceAll(err.Error(), u.Path, displayName(name)))
		if errors.Is(err, scan.ErrUnsupported) {
			return "", "", http.StatusUnsupportedMediaType, msg
		}
		return "", "", http.StatusBadRequest, msg
	}
	if err := s.Blobs.Keep(ctx, u, ext); err != nil {
		return "", "", 500, err
	}
	return u.SHA256, kind, 0, nil
}

// safeExt keeps an upload's extension when it is a short plain one (a
// policy is read by its extension), never any other part of the name.
func safeExt(name string) string {
	ext := strings.ToLower(filepath.Ext(name))
	if len(ext) < 2 || len(ext) > 8 {
		return ""
	}
	for _, c := range ext[1:] {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return ""
		}
	}
	return ext
}

// displayName is an upload's name without any directory.
func displayName(name string) string {
	name = filepath.Base(strings.ReplaceAll(name, "\\", "/"))
	if name == "." || name == "/" || name == "" {
		return "upload"
	}
	return name
}

func formatTime(s string) string {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return s
	}
	return t.Format("2006-01-02 15:04")
}

var dashboardPage = template.Must(template.New("dash").Funcs(template.FuncMap{
	"t":    func(l, en, zh string) string { return text.Pick(l, en, zh) },
	"time": formatTime,
	"sev":  func(m map[string]int, k string) int { return m[k] },
	"days": daysLeft,
	"list": func(v ...string) []string { return v },
}).Parse(`<!doctype html>
<html lang="{{if eq .Lang "zh"}}zh-CN{{else}}en{{end}}"><head><meta charset="utf-8">
<title>hegui — {{t .Lang "Inspection results" "检测结果"}}</title>
<style>
body{font:14px/1.5 -apple-system,"Segoe UI","PingFang SC","Noto Sans CJK SC",sans-serif;margin:0 auto;max-width:1100px;padding:24px;color:#1d1d1f}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #ddd;padding:4px 8px;text-align:left}th{background:#f5f5f7}
.sev{display:inline-block;min-width:20px;text-align:center;border-radius:4px;padding:0 6px;color:#fff;font-weight:600}
.critical{background:#8e0000}.high{background:#d93025}.medium{background:#e37400}.low{background:#1a73e8}.info{background:#5f6368}
form{margin:16px 0;padding:12px;border:1px dashed #bbb;border-radius:6px}nav{float:right}
</style></head><body>
<nav><a href="?lang=en">English</a> · <a href="?lang=zh">中文</a></nav>
<h1>hegui — {{t .Lang "Inspection results" "检测结果"}}</h1>
<p>{{.Sum.Reports}} {{t .Lang "reports" "份报告"}}, {{.Sum.Failures}} {{t .Lang "unreadable inputs" "个输入无法读取"}}</p>
<form method="post" action="/upload?lang={{.Lang}}" enctype="multipart/form-data">
<input type="hidden" name="csrf" value="{{.CSRF}}">
<label>{{t .Lang "Scan an app, a policy or a capture:" "扫描应用、隐私政策或流量文件："}} <input type="file" name="file" required></label>
<button type="submit">{{t .Lang "Scan" "扫描"}}</button></form>
<h2>{{t .Lang "Campaigns" "专项检查"}}</h2>
{{if .Campaigns}}<table><tr><th>#</th><th>{{t .Lang "Campaign" "专项"}}</th><th>{{t .Lang "Targets" "检测对象"}}</th><th>{{t .Lang "Deadline" "整改期限"}}</th></tr>
{{range .Campaigns}}<tr><td>{{.ID}}</td><td><a href="/campaigns/{{.ID}}?lang={{$.Lang}}">{{.Name}}</a></td><td>{{.Targets}}</td>
<td>{{.Deadline}} {{$d := days .Deadline}}{{if ge $d 0}}({{$d}} {{t $.Lang "days left" "天后到期"}}){{else}}<strong>({{t $.Lang "passed" "已过期"}})</strong>{{end}}</td></tr>{{end}}</table>{{end}}
<form id="newcampaign" method="post" action="/campaigns?lang={{.Lang}}">
<input type="hidden" name="csrf" value="{{.CSRF}}">
<label>{{t .Lang "New campaign:" "新建专项检查："}} <input name="name" required maxlength="200" placeholder="{{t .Lang "2026 Q4 self-inspection" "2026年第四季度自查"}}"></label>
<label>{{t .Lang "deadline" "整改期限"}} <input type="date" name="deadline" required value="{{.In30}}" min="{{.Today}}"></label>
<button type="submit">{{t .Lang "Create with the reports ticked below" "以下方勾选的报告创建"}}</button></form>
<h2>{{t .Lang "Reports" "检测报告"}}</h2>
<form method="get" action="/">
<input type="hidden" name="lang" value="{{.Lang}}">{{with .Q.Campaign}}<input type="hidden" name="campaign" value="{{.}}">{{end}}
<label>{{t .Lang "Target" "检测对象"}} <input name="target" value="{{.Q.Target}}" size="16"></label>
<label>{{t .Lang "Rule" "规则"}} <input name="rule" value="{{.Q.Rule}}" size="12" placeholder="HG-AND-001"></label>
<label>{{t .Lang "Severity at least" "最低级别"}} <select name="severity"><option value="">—</option>{{range $v := (list "critical" "high" "medium" "low" "info")}}<option{{if eq $v $.Q.Severity}} selected{{end}}>{{$v}}</option>{{end}}</select></label>
<label>{{t .Lang "Kind" "类型"}} <input name="kind" value="{{.Q.Kind}}" size="8"></label>
<label>SDK <input name="sdk" value="{{.Q.SDK}}" size="12"></label>
<button type="submit">{{t .Lang "Filter" "筛选"}}</button>{{if .Filtered}} <a href="/?lang={{.Lang}}">{{t .Lang "all reports" "全部报告"}}</a>{{end}}</form>
<table><tr><th>#</th><th>{{t .Lang "Target" "检测对象"}}</th><th>{{t .Lang "Kind" "类型"}}</th><th>{{t .Lang "Findings" "问题"}}</th><th>{{t .Lang "Scanned" "扫描时间"}}</th></tr>
{{range .Rows}}<tr><td><input type="checkbox" name="report" value="{{.ID}}" form="newcampaign" aria-label="{{t $.Lang "add to the new campaign" "加入新专项"}}"> <a href="/reports/{{.ID}}">{{.ID}}</a></td>
<td><a href="/reports/{{.ID}}">{{or .TargetName .TargetID .Path}}</a>{{if .TargetID}} <small>{{.TargetID}} {{.TargetVersion}}</small>{{end}}<br><small>{{.Path}}</small></td>
<td>{{.Kind}}<br><small><a href="/reports/{{.ID}}/notice">{{t $.Lang "notice" "整改通知"}}</a></small></td>
<td>{{$m := .BySeverity}}{{with sev $m "critical"}}<span class="sev critical">{{.}}</span> {{end}}{{with sev $m "high"}}<span class="sev high">{{.}}</span> {{end}}{{with sev $m "medium"}}<span class="sev medium">{{.}}</span> {{end}}{{with sev $m "low"}}<span class="sev low">{{.}}</span> {{end}}{{with sev $m "info"}}<span class="sev info">{{.}}</span>{{end}}</td>
<td>{{time .Created}}{{$id := .ID}}{{with index $.Prev .ID}}<br><a href="/diff?from={{.}}&to={{$id}}&lang={{$.Lang}}">{{t $.Lang "compare with the previous scan" "与上次扫描对比"}}</a>{{end}}</td></tr>
{{else}}<tr><td colspan="5">{{if .Filtered}}{{t .Lang "No report matches." "没有符合条件的报告。"}}{{else}}{{t .Lang "Nothing scanned yet." "尚无扫描结果。"}}{{end}}</td></tr>{{end}}
</table>
<p><small>hegui {{.Tool}} · <a href="/openapi.json">API</a></small></p>
</body></html>
`))

// openAPI documents the API.
const openAPI = `{
  "openapi": "3.0.3",
  "info": {"title": "hegui", "version": "1"},
  "components": {"securitySchemes": {"token": {"type": "http", "scheme": "bearer"}},
    "parameters": {
      "rule": {"name": "rule", "in": "query", "schema": {"type": "string"}, "description": "an open finding of this rule (HG-AND-001)"},
      "severity": {"name": "severity", "in": "query", "schema": {"type": "string", "enum": ["critical", "high", "medium", "low", "info"]}, "description": "an open finding at or above this severity (with rule: the same finding)"},
      "kind": {"name": "kind", "in": "query", "schema": {"type": "string"}, "description": "the target's kind (android, policy, traffic…)"},
      "target": {"name": "target", "in": "query", "schema": {"type": "string"}, "description": "part of the target's id, name or file name, any case"},
      "sdk": {"name": "sdk", "in": "query", "schema": {"type": "string"}, "description": "an SDK id found in the target"},
      "pi": {"name": "pi", "in": "query", "schema": {"type": "string"}, "description": "a PI type key found in the target"},
      "campaign": {"name": "campaign", "in": "query", "schema": {"type": "integer"}, "description": "reports of this campaign"},
      "limit": {"name": "limit", "in": "query", "schema": {"type": "integer", "maximum": 1000}, "description": "at most this many (100)"},
      "offset": {"name": "offset", "in": "query", "schema": {"type": "integer"}}}},
  "security": [{"token": []}],
  "paths": {
    "/api/v1/scans": {"post": {"summary": "Upload an artifact (APK, IPA, policy, capture) as the request body and make it a scan job",
      "parameters": [{"name": "name", "in": "query", "schema": {"type": "string"}, "description": "the file's name (its extension tells a policy's format)"},
                     {"name": "lang", "in": "query", "schema": {"type": "string", "enum": ["en", "zh"]}},
                     {"name": "wait", "in": "query", "schema": {"type": "string"}, "description": "answer once the report is stored, waiting at most this long (90s, 5m; 1 for the job timeout)"}],
      "requestBody": {"content": {"application/octet-stream": {}}},
      "responses": {"201": {"description": "scanned (with wait): {id, report, page, job}"}, "202": {"description": "a job: {job, kind, state, status, page}; poll status"},
                    "400": {"description": "empty or unreadable upload"}, "413": {"description": "too large"},
                    "415": {"description": "not something hegui reads (sniffed from the content): nothing kept"}, "422": {"description": "scanned, but not an input hegui reads: {job, error}"}}}},
    "/api/v1/reports": {"get": {"summary": "List stored reports, newest first, filtered",
      "parameters": [{"$ref": "#/components/parameters/rule"}, {"$ref": "#/components/parameters/severity"}, {"$ref": "#/components/parameters/kind"},
                     {"$ref": "#/components/parameters/target"}, {"$ref": "#/components/parameters/sdk"}, {"$ref": "#/components/parameters/pi"},
                     {"$ref": "#/components/parameters/campaign"}, {"$ref": "#/components/parameters/limit"}, {"$ref": "#/components/parameters/offset"}],
      "responses": {"200": {"description": "{reports: [{id, sha256, path, kind, target_id, target_name, target_version, worst, created_at, findings}]}"}, "400": {"description": "unknown severity"}}}},
    "/api/v1/findings": {"get": {"summary": "List open findings of stored reports, newest report first, filtered",
      "parameters": [{"$ref": "#/components/parameters/rule"}, {"$ref": "#/components/parameters/severity"}, {"$ref": "#/components/parameters/kind"},
                     {"$ref": "#/components/parameters/target"}, {"$ref": "#/components/parameters/sdk"}, {"$ref": "#/components/parameters/pi"},
                     {"$ref": "#/components/parameters/campaign"}, {"$ref": "#/components/parameters/limit"}, {"$ref": "#/components/parameters/offset"}],
      "responses": {"200": {"description": "{findings: [{report, target_id, target_name, rule_id, severity, subject, fingerprint}]}"}, "400": {"description": "unknown severity"}}}},
    "/api/v1/reports/{id}": {"get": {"summary": "One report as JSON (the report contract), SARIF or HTML",
      "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}},
                     {"name": "format", "in": "query", "schema": {"type": "string", "enum": ["json", "sarif", "html"]}}],
      "responses": {"200": {"description": "the report"}, "404": {"description": "no such report"}}}},
    "/api/v1/jobs/{id}": {"get": {"summary": "A scan job's state and, once done, its report's id",
      "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
      "responses": {"200": {"description": "{job, state, name, error, report}"}, "404": {"description": "no such job"}}}},
    "/api/v1/campaigns": {"post": {"summary": "Create a campaign: {name, deadline (YYYY-MM-DD), reports: [ids]}",
      "requestBody": {"content": {"application/json": {}}},
      "responses": {"201": {"description": "{id, page}"}, "400": {"description": "bad name or deadline"}}},
      "get": {"summary": "List campaigns, newest first", "responses": {"200": {"description": "{campaigns: [{id, name, deadline, created_at, targets}]}"}}}},
    "/api/v1/campaigns/{id}": {"get": {"summary": "A campaign with its reports",
      "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
      "responses": {"200": {"description": "{id, name, deadline, created_at, targets, reports}"}}}},
    "/api/v1/campaigns/{id}/reports": {"post": {"summary": "Add reports to a campaign: {reports: [ids]}",
      "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
      "requestBody": {"content": {"application/json": {}}},
      "responses": {"204": {"description": "added"}}}},
    "/api/v1/diff": {"get": {"summary": "Re-inspection: the findings of report 'from' against report 'to', matched by fingerprint (rule, target, subject)",
      "parameters": [{"name": "from", "in": "query", "required": true, "schema": {"type": "integer"}},
                     {"name": "to", "in": "query", "required": true, "schema": {"type": "integer"}}],
      "responses": {"200": {"description": "{from, to, fixed, new, unchanged}"}, "404": {"description": "no such report"}}}}
  }
}`

// Diff is a re-inspection: the findings of a target's earlier report
// against a later one, matched by fingerprint (rule, target, subject).
type Diff struct {
	From      store.Row     `json:"from"`
	To        store.Row     `json:"to"`
	Fixed     []DiffFinding `json:"fixed"`
	New       []DiffFinding `json:"new"`
	Unchanged []DiffFinding `json:"unchanged"`
}

// DiffFinding is one finding of a diff.
type DiffFinding struct {
	RuleID      string `json:"rule_id"`
	Severity    string `json:"severity"`
	Title       string `json:"title"`
	Subject     string `json:"subject,omitempty"`
	Fingerprint string `json:"fingerprint"`
}

func (s *Server) diff(ctx context.Context, r *http.Request) (*Diff, int, error) {
	var ids [2]int64
	for i, k := range []string{"from", "to"} {
		id, err := strconv.ParseInt(r.URL.Query().Get(k), 10, 64)
		if err != nil {
			return nil, 400, fmt.Errorf("%s: a report id", k)
		}
		ids[i] = id
	}
	var reps [2]report.Report
	var rows [2]store.Row
	for i, id := range ids {
		row, rep, _, err := s.reportByID(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			return nil, 404, fmt.Errorf("report %d: %w", id, err)
		}
		if err != nil {
			return nil, 500, err
		}
		reps[i], rows[i] = *rep, row
	}
	d := &Diff{From: rows[0], To: rows[1]}
	open := func(rep report.Report) map[string]report.Finding {
		m := map[string]report.Finding{}
		for _, f := range rep.Findings {
			if f.Suppressed == nil {
				m[f.Fingerprint] = f
			}
		}
		return m
	}
	before, after := open(reps[0]), open(reps[1])
	df := func(f report.Finding) DiffFinding {
		return DiffFinding{RuleID: f.RuleID, Severity: f.Severity, Title: f.Title, Subject: f.Subject, Fingerprint: f.Fingerprint}
	}
	for _, f := range reps[0].Findings {
		if _, ok := before[f.Fingerprint]; !ok {
			continue
		}
		if _, still := after[f.Fingerprint]; still {
			d.Unchanged = append(d.Unchanged, df(f))
		} else {
			d.Fixed = append(d.Fixed, df(f))
		}
	}
	for _, f := range reps[1].Findings {
		if _, was := before[f.Fingerprint]; !was && f.Suppressed == nil {
			d.New = append(d.New, df(f))
		}
	}
	return d, 200, nil
}

func (s *Server) apiDiff(w http.ResponseWriter, r *http.Request) {
	d, code, err := s.diff(r.Context(), r)
	if err != nil {
		s.fail(w, code, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(d)
}

func (s *Server) diffPage(w http.ResponseWriter, r *http.Request) {
	d, code, err := s.diff(r.Context(), r)
	if err != nil {
		http.Error(w, err.Error(), code)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := diffPage.Execute(w, map[string]any{"Lang": lang(r), "D": d}); err != nil {
		s.Log.Error("diff page", "err", err)
	}
}

var diffPage = template.Must(template.New("diff").Funcs(template.FuncMap{
	"t":    func(l, en, zh string) string { return text.Pick(l, en, zh) },
	"time": formatTime,
}).Parse(`<!doctype html>
<html lang="{{if eq .Lang "zh"}}zh-CN{{else}}en{{end}}"><head><meta charset="utf-8">
<title>hegui — {{t .Lang "Re-inspection" "复检对比"}}</title>
<style>
body{font:14px/1.5 -apple-system,"Segoe UI","PingFang SC","Noto Sans CJK SC",sans-serif;margin:0 auto;max-width:1100px;padding:24px;color:#1d1d1f}
table{border-collapse:collapse;width:100%;margin-bottom:16px}th,td{border:1px solid #ddd;padding:4px 8px;text-align:left}th{background:#f5f5f7}
.fixed{color:#1d6b2b}.new{color:#a1150f}
</style></head><body>
<h1>{{t .Lang "Re-inspection" "复检对比"}}: {{or .D.To.TargetName .D.To.TargetID .D.To.Path}}</h1>
<p><a href="/reports/{{.D.From.ID}}">#{{.D.From.ID}}</a> {{.D.From.TargetVersion}} ({{time .D.From.Created}}) → <a href="/reports/{{.D.To.ID}}">#{{.D.To.ID}}</a> {{.D.To.TargetVersion}} ({{time .D.To.Created}})</p>
<p><span class="fixed">{{len .D.Fixed}} {{t .Lang "fixed" "已整改"}}</span> · <span class="new">{{len .D.New}} {{t .Lang "new" "新增"}}</span> · {{len .D.Unchanged}} {{t .Lang "unchanged" "未整改"}}</p>
{{$l := .Lang}}
<h2 class="new">{{t $l "New" "新增"}}</h2>
<table><tr><th>{{t $l "Rule" "规则"}}</th><th>{{t $l "Severity" "级别"}}</th><th>{{t $l "Finding" "问题"}}</th></tr>
{{range .D.New}}<tr><td>{{.RuleID}}</td><td>{{.Severity}}</td><td>{{.Title}}{{if .Subject}}: {{.Subject}}{{end}}</td></tr>{{end}}</table>
<h2>{{t $l "Not fixed" "未整改"}}</h2>
<table><tr><th>{{t $l "Rule" "规则"}}</th><th>{{t $l "Severity" "级别"}}</th><th>{{t $l "Finding" "问题"}}</th></tr>
{{range .D.Unchanged}}<tr><td>{{.RuleID}}</td><td>{{.Severity}}</td><td>{{.Title}}{{if .Subject}}: {{.Subject}}{{end}}</td></tr>{{end}}</table>
<h2 class="fixed">{{t $l "Fixed" "已整改"}}</h2>
<table><tr><th>{{t $l "Rule" "规则"}}</th><th>{{t $l "Severity" "级别"}}</th><th>{{t $l "Finding" "问题"}}</th></tr>
{{range .D.Fixed}}<tr><td>{{.RuleID}}</td><td>{{.Severity}}</td><td>{{.Title}}{{if .Subject}}: {{.Subject}}{{end}}</td></tr>{{end}}</table>
</body></html>
`))

// noticePage is a rectification notice for one report: each open
// violation (medium and above) with its legal basis, and the deadline
// (?deadline=2026-12-31; 30 days from the scan by default), printable.
func (s *Server) noticePage(w http.ResponseWriter, r *http.Request) {
	row, rep, _, ok := s.pathReport(w, r)
	if !ok {
		return
	}
	deadline := r.URL.Query().Get("deadline")
	if deadline != "" {
		if _, err := time.Parse("2006-01-02", deadline); err != nil {
			http.Error(w, "deadline: want YYYY-MM-DD", http.StatusBadRequest)
			return
		}
	} else if t, err := time.Parse(time.RFC3339, row.Created); err == nil {
		deadline = t.AddDate(0, 0, 30).Format("2006-01-02")
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := noticeTemplate.Execute(w, map[string]any{"Lang": rep.Lang, "Notices": []notice{newNotice(row, rep, deadline)}}); err != nil {
		s.Log.Error("notice", "err", err)
	}
}

// notice is one target's rectification notice.
type notice struct {
	R        *report.Report
	Row      store.Row
	Items    []report.Finding
	Deadline string
}

// newNotice lists a report's open violations of medium severity and above.
func newNotice(row store.Row, rep *report.Report, deadline string) notice {
	n := notice{R: rep, Row: row, Deadline: deadline}
	for _, f := range rep.Findings {
		if f.Suppressed == nil && (f.Severity == "critical" || f.Severity == "high" || f.Severity == "medium") {
			n.Items = append(n.Items, f)
		}
	}
	return n
}

var noticeTemplate = template.Must(template.New("notice").Funcs(template.FuncMap{
	"t":    func(l, en, zh string) string { return text.Pick(l, en, zh) },
	"time": formatTime,
}).Parse(`<!doctype html>
<html lang="{{if eq .Lang "zh"}}zh-CN{{else}}en{{end}}"><head><meta charset="utf-8">
<title>{{t .Lang "Rectification notices" "整改通知"}}</title>
<style>
body{font:15px/1.6 "Songti SC","Noto Serif CJK SC",serif;margin:0 auto;max-width:800px;padding:32px;color:#000}
h1{text-align:center;font-size:22px}ol li{margin-bottom:12px}.law{font-size:13px;color:#333}
section+section{page-break-before:always;margin-top:48px}
@media print{body{padding:0}}
</style></head><body>
{{$l := .Lang}}
{{range .Notices}}<section>
<h1>{{t $l "Rectification notice" "个人信息保护问题整改通知"}}</h1>
<p>{{t $l "Target" "检测对象"}}: {{or .R.Target.Name .R.Target.ID}} {{.R.Target.ID}} {{.R.Target.Version}}<br>
{{t $l "File" "文件"}}: {{.R.Target.Path}} (SHA-256 {{.R.Target.SHA256}})<br>
{{t $l "Inspected" "检测时间"}}: {{time .Row.Created}}</p>
<p>{{t $l "The inspection found the problems below. Rectify each of them, and submit the rectified version for re-inspection, by" "经检测，该对象存在以下问题。请逐项整改，并在以下日期前提交整改后的版本以供复检："}} <strong>{{.Deadline}}</strong>.</p>
<ol>{{range .Items}}<li><strong>{{.Title}}{{if .Subject}}: {{.Subject}}{{end}}</strong> ({{.RuleID}}, {{.Severity}})
<div>{{.Description}}</div>
<div class="law">{{t $l "Legal basis" "法律依据"}}: {{range $i, $b := .LegalBasis}}{{if $i}}; {{end}}{{$b.Citation}}{{end}}</div>
<div>{{t $l "Required" "整改要求"}}: {{.Remediation}}</div></li>
{{else}}<li>{{t $l "No violation at medium severity or above." "未发现中等及以上问题。"}}</li>{{end}}</ol>
<p class="law">hegui — {{t $l "each item cites the provision it rests on; the full evidence is in the report." "每项问题均列明所依据的条款；完整证据见检测报告。"}}</p>
</section>{{end}}
</body></html>
`))

// jobStatus is a scan job's state and, once done, its report.
type jobStatus struct {
	Job    int64  `json:"job"`
	State  string `json:"state"`
	Name   string `json:"name"`
	Error  string `json:"error,omitempty"`
	Report int64  `json:"report,omitempty"`
}

func (s *Server) jobStatus(r *http.Request) (jobStatus, int, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return jobStatus{}, 404, errors.New("no such job")
	}
	return s.job(r.Context(), id)
}

// job is a job's state and, once done, its report.
func (s *Server) job(ctx context.Context, id int64) (jobStatus, int, error) {
	if s.Queue == nil {
		return jobStatus{}, 404, errors.New("this server has no job queue")
	}
	state, args, last, err := s.Queue.State(ctx, id)
	if errors.Is(err, jobs.ErrNoJob) {
		return jobStatus{}, 404, err
	}
	if err != nil {
		return jobStatus{}, 500, fmt.Errorf("job %d: %w", id, err)
	}
	st := jobStatus{Job: id, State: state, Name: args.Name, Error: last}
	if state == "completed" {
		tool, data := s.ToolVersion, s.DataVersion
		if args.Tool != "" { // the versions the job was for (made before an upgrade)
			tool, data = args.Tool, args.Data
		}
		if rid, err := s.Store.ReportID(ctx, jobs.StoreKey(args, tool, data)); err == nil {
			st.Report = rid
		} else {
			st.Error = "the job is done, but its report is not among this server's results (a worker of another hegui version?)"
		}
	}
	return st, 200, nil
}

func (s *Server) apiJob(w http.ResponseWriter, r *http.Request) {
	st, code, err := s.jobStatus(r)
	s.reply(w, st, code, err)
}

// reply writes v as JSON, or err with its status code.
func (s *Server) reply(w http.ResponseWriter, v any, code int, err error) {
	if err != nil {
		s.fail(w, code, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

// jobPage shows a job's state, refreshing itself (no script) until its
// report is ready, then sends the browser to it.
func (s *Server) jobPage(w http.ResponseWriter, r *http.Request) {
	st, code, err := s.jobStatus(r)
	if err != nil {
		http.Error(w, err.Error(), code)
		return
	}
	if st.Report > 0 {
		http.Redirect(w, r, fmt.Sprintf("/reports/%d", st.Report), http.StatusSeeOther)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	jobTemplate.Execute(w, map[string]any{"Lang": lang(r), "S": st, "Done": st.State == "cancelled" || st.State == "discarded" || st.State == "completed"})
}

var jobTemplate = template.Must(template.New("job").Funcs(template.FuncMap{
	"t": func(l, en, zh string) string { return text.Pick(l, en, zh) },
}).Parse(`<!doctype html>
<html><head><meta charset="utf-8">{{if not .Done}}<meta http-equiv="refresh" content="2">{{end}}
<title>hegui — {{.S.Name}}</title>
<style>body{font:14px/1.5 sans-serif;margin:0 auto;max-width:800px;padding:24px}</style></head><body>
<h1>{{.S.Name}}</h1>
<p>{{t .Lang "Scan job" "扫描任务"}} #{{.S.Job}}: <strong>{{.S.State}}</strong></p>
{{if .S.Error}}<p>{{.S.Error}}</p>{{end}}
<p><a href="/">{{t .Lang "Back to the results" "返回结果列表"}}</a></p>
</body></html>
`))

func (s *Server) apiCreateCampaign(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Name     string  `json:"name"`
		Deadline string  `json:"deadline"`
		Reports  []int64 `json:"reports"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&in); err != nil {
		s.fail(w, 400, fmt.Errorf("body: %w", err))
		return
	}
	id, code, err := s.createCampaign(r.Context(), in.Name, in.Deadline, in.Reports)
	if err != nil {
		s.fail(w, code, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	json.NewEncoder(w).Encode(map[string]any{"id": id, "page": fmt.Sprintf("/campaigns/%d", id)})
}

func (s *Server) apiAddToCampaign(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.fail(w, 404, store.ErrNotFound)
		return
	}
	var in struct {
		Reports []int64 `json:"reports"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&in); err != nil {
		s.fail(w, 400, fmt.Errorf("body: %w", err))
		return
	}
	if code, err := s.addToCampaign(r.Context(), id, in.Reports); err != nil {
		s.fail(w, code, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// createCampaign checks a campaign's name and deadline and stores it
// with its reports; on error it gives the status code.
func (s *Server) createCampaign(ctx context.Context, name, deadline string, reports []int64) (int64, int, error) {
	name = strings.TrimSpace(name)
	if name == "" || utf8.RuneCountInString(name) > 200 {
		return 0, 400, errors.New("name: 1 to 200 characters")
	}
	if _, err := time.Parse("2006-01-02", deadline); err != nil {
		return 0, 400, errors.New("deadline: YYYY-MM-DD")
	}
	id, err := s.Store.CreateCampaign(ctx, name, deadline, reports)
	if errors.Is(err, store.ErrNotFound) {
		return 0, 400, errors.New("a report id that is not stored")
	}
	if err != nil {
		return 0, 500, err
	}
	return id, 0, nil
}

// addToCampaign adds reports to a campaign; on error it gives the status
// code.
func (s *Server) addToCampaign(ctx context.Context, id int64, reports []int64) (int, error) {
	if ok, err := s.Store.HasCampaign(ctx, id); err != nil {
		return 500, err
	} else if !ok {
		return 404, errors.New("no such campaign")
	}
	if err := s.Store.AddToCampaign(ctx, id, reports); errors.Is(err, store.ErrNotFound) {
		return 400, errors.New("a report id that is not stored")
	} else if err != nil {
		return 500, err
	}
	return 0, nil
}

// postForm reads a dashboard form (URL-encoded, at most 64 KiB) and
// checks its CSRF token against the cookie; on failure it has answered.
func postForm(w http.ResponseWriter, r *http.Request) bool {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	c, err := r.Cookie("hegui_csrf")
	if err != nil || r.ParseForm() != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return false
	}
	if !validCSRF(c.Value) || subtle.ConstantTimeCompare([]byte(r.PostForm.Get("csrf")), []byte(c.Value)) != 1 {
		http.Error(w, "the form token does not match: reload the page", http.StatusForbidden)
		return false
	}
	return true
}

// reportIDs reads report ids from a form: checked boxes ("report") and
// a list typed in ("reports": 1, 2 5).
func reportIDs(r *http.Request) ([]int64, error) {
	vals := r.PostForm["report"]
	vals = append(vals, strings.FieldsFunc(r.PostForm.Get("reports"), func(c rune) bool { return c == ',' || c == ' ' || c == '，' || c == '\n' || c == '\r' || c == '\t' })...)
	var ids []int64
	for _, v := range vals {
		id, err := strconv.ParseInt(strings.TrimPrefix(v, "#"), 10, 64)
		if err != nil || id <= 0 {
			return nil, fmt.Errorf("report %q: not a report number", v)
		}
		ids = append(ids, id)
	}
	if len(ids) > 100000 {
		return nil, errors.New("too many reports at once")
	}
	return ids, nil
}

// campaignForm is the dashboard's "new campaign" form.
func (s *Server) campaignForm(w http.ResponseWriter, r *http.Request) {
	if !postForm(w, r) {
		return
	}
	ids, err := reportIDs(r)
	if err != nil {
		http.Error(w, err.Error(), 400)
		return
	}
	id, code, err := s.createCampaign(r.Context(), r.PostForm.Get("name"), r.PostForm.Get("deadline"), ids)
	if err != nil {
		s.formFail(w, code, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/campaigns/%d?lang=%s", id, lang(r)), http.StatusSeeOther)
}

// campaignAddForm is the campaign page's "add targets" form.
func (s *Server) campaignAddForm(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		http.Error(w, "no such campaign", 404)
		return
	}
	if !postForm(w, r) {
		return
	}
	ids, err := reportIDs(r)
	if err != nil {
		http.Error(w, err.Error(), 400)
		return
	}
	if code, err := s.addToCampaign(r.Context(), id, ids); err != nil {
		s.formFail(w, code, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/campaigns/%d?lang=%s", id, lang(r)), http.StatusSeeOther)
}

// formFail answers a form with its error (a 5xx's details are logged
// only).
func (s *Server) formFail(w http.ResponseWriter, code int, err error) {
	if code >= 500 {
		s.Log.Error("form", "err", err)
		http.Error(w, http.StatusText(code), code)
		return
	}
	http.Error(w, err.Error(), code)
}

func (s *Server) campaign(r *http.Request) (store.Campaign, int, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return store.Campaign{}, 404, store.ErrNotFound
	}
	c, err := s.Store.Campaign(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		return c, 404, err
	}
	if err != nil {
		return c, 500, err
	}
	return c, 200, nil
}

func (s *Server) apiCampaign(w http.ResponseWriter, r *http.Request) {
	c, code, err := s.campaign(r)
	s.reply(w, c, code, err)
}

// campaignPage is a campaign's overview: its targets with their findings
// by severity, the days left to the deadline, and the findings by rule.
func (s *Server) campaignPage(w http.ResponseWriter, r *http.Request) {
	c, code, err := s.campaign(r)
	if err != nil {
		http.Error(w, err.Error(), code)
		return
	}
	total := map[string]int{}
	byRule, byLaw := map[string]int{}, map[string]int{}
	open := 0
	for _, row := range c.Reports {
		for k, n := range row.BySeverity {
			total[k] += n
		}
		if row.Worst == "critical" || row.Worst == "high" || row.Worst == "medium" {
			open++
		}
		_, rep, _, err := s.reportByID(r.Context(), row.ID)
		if err == nil {
			seen := map[string]bool{}
			for _, f := range rep.Findings {
				if f.Suppressed != nil {
					continue
				}
				if k := f.RuleID + " " + f.Title; !seen[k] {
					seen[k] = true
					byRule[k]++
				}
				for _, l := range f.LegalBasis {
					if k := l.ID + " " + l.Citation; !seen[k] {
						seen[k] = true
						byLaw[k]++
					}
				}
			}
		}
	}
	days := daysLeft(c.Deadline)
	csrf := csrfToken(w, r)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := campaignTemplate.Execute(w, map[string]any{"Lang": lang(r), "C": c, "Total": total, "Open": open, "Days": days,
		"Rules": ranked(byRule), "Laws": ranked(byLaw), "CSRF": csrf}); err != nil {
		s.Log.Error("campaign page", "err", err)
	}
}

// campaignNotices prints the notice of every target of a campaign that
// has a violation, with the campaign's deadline.
func (s *Server) campaignNotices(w http.ResponseWriter, r *http.Request) {
	c, code, err := s.campaign(r)
	if err != nil {
		http.Error(w, err.Error(), code)
		return
	}
	var ns []notice
	l := lang(r)
	for _, row := range c.Reports {
		_, rep, _, err := s.reportByID(r.Context(), row.ID)
		if err != nil {
			s.fail(w, 500, err)
			return
		}
		if n := newNotice(row, rep, c.Deadline); len(n.Items) > 0 {
			ns = append(ns, n)
			l = rep.Lang
		}
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := noticeTemplate.Execute(w, map[string]any{"Lang": l, "Notices": ns}); err != nil {
		s.Log.Error("campaign notices", "err", err)
	}
}

// reportByID reads one stored report.
func (s *Server) reportByID(ctx context.Context, id int64) (store.Row, *report.Report, []byte, error) {
	row, doc, err := s.Store.Report(ctx, id)
	if err != nil {
		return row, nil, nil, err
	}
	var rep report.Report
	if err := json.Unmarshal(doc, &rep); err != nil {
		return row, nil, nil, fmt.Errorf("stored report %d: %w", id, err)
	}
	return row, &rep, doc, nil
}

var campaignTemplate = template.Must(template.New("campaign").Funcs(template.FuncMap{
	"t":    func(l, en, zh string) string { return text.Pick(l, en, zh) },
	"time": formatTime,
	"sev":  func(m map[string]int, k string) int { return m[k] },
}).Parse(`<!doctype html>
<html lang="{{if eq .Lang "zh"}}zh-CN{{else}}en{{end}}"><head><meta charset="utf-8">
<title>hegui — {{.C.Name}}</title>
<style>
body{font:14px/1.5 -apple-system,"Segoe UI","PingFang SC","Noto Sans CJK SC",sans-serif;margin:0 auto;max-width:1100px;padding:24px;color:#1d1d1f}
table{border-collapse:collapse;width:100%;margin-bottom:16px}th,td{border:1px solid #ddd;padding:4px 8px;text-align:left}th{background:#f5f5f7}
.sev{display:inline-block;min-width:20px;text-align:center;border-radius:4px;padding:0 6px;color:#fff;font-weight:600}
.critical{background:#8e0000}.high{background:#d93025}.medium{background:#e37400}.low{background:#1a73e8}.info{background:#5f6368}
.late{color:#a1150f;font-weight:600}
</style></head><body>
<h1>{{.C.Name}}</h1>
<p>{{t .Lang "Deadline" "整改期限"}}: <strong>{{.C.Deadline}}</strong> —
{{if ge .Days 0}}{{.Days}} {{t .Lang "days left" "天后到期"}}{{else}}<span class="late">{{t .Lang "passed" "已过期"}}</span>{{end}} ·
{{.C.Targets}} {{t .Lang "targets" "个检测对象"}}, {{.Open}} {{t .Lang "with violations" "存在问题"}} ·
<a href="/campaigns/{{.C.ID}}/notices?lang={{.Lang}}">{{t .Lang "print every notice" "打印全部整改通知"}}</a></p>
<table><tr><th>{{t .Lang "Severity" "级别"}}</th><th>critical</th><th>high</th><th>medium</th><th>low</th><th>info</th></tr>
<tr><td>{{t .Lang "findings" "问题数"}}</td><td>{{sev .Total "critical"}}</td><td>{{sev .Total "high"}}</td><td>{{sev .Total "medium"}}</td><td>{{sev .Total "low"}}</td><td>{{sev .Total "info"}}</td></tr></table>
<h2>{{t .Lang "Targets" "检测对象"}}</h2>
<table><tr><th>#</th><th>{{t .Lang "Target" "检测对象"}}</th><th>{{t .Lang "Findings" "问题"}}</th><th></th></tr>
{{range .C.Reports}}{{$m := .BySeverity}}<tr><td><a href="/reports/{{.ID}}">{{.ID}}</a></td><td>{{or .TargetName .TargetID .Path}} <small>{{.TargetID}} {{.TargetVersion}}</small></td>
<td>{{with sev $m "critical"}}<span class="sev critical">{{.}}</span> {{end}}{{with sev $m "high"}}<span class="sev high">{{.}}</span> {{end}}{{with sev $m "medium"}}<span class="sev medium">{{.}}</span> {{end}}{{with sev $m "low"}}<span class="sev low">{{.}}</span>{{end}}</td>
<td><a href="/reports/{{.ID}}/notice?deadline={{$.C.Deadline}}">{{t $.Lang "notice" "整改通知"}}</a></td></tr>{{end}}</table>
<form method="post" action="/campaigns/{{.C.ID}}/reports?lang={{.Lang}}">
<input type="hidden" name="csrf" value="{{.CSRF}}">
<label>{{t .Lang "Add reports (numbers, e.g. 12, 15 17):" "添加报告（编号，如 12, 15 17）："}} <input name="reports" required size="30"></label>
<button type="submit">{{t .Lang "Add" "添加"}}</button></form>
<h2>{{t .Lang "Findings by legal provision (targets)" "按法律依据统计（对象数）"}}</h2>
<table>{{range .Laws}}<tr><td>{{.K}}</td><td>{{.N}}</td></tr>{{end}}</table>
<h2>{{t .Lang "Findings by rule (targets)" "按规则统计（对象数）"}}</h2>
<table>{{range .Rules}}<tr><td>{{.K}}</td><td>{{.N}}</td></tr>{{end}}</table>
<p><a href="/?lang={{.Lang}}">{{t .Lang "All results" "全部结果"}}</a> · <a href="/?campaign={{.C.ID}}&lang={{.Lang}}">{{t .Lang "filter this campaign's reports" "筛选本专项的报告"}}</a></p>
</body></html>
`))

// kv is a name with a count.
type kv struct {
	K string
	N int
}

// ranked is a count map, most first (then by name).
func ranked(m map[string]int) []kv {
	out := make([]kv, 0, len(m))
	for k, n := range m {
		out = append(out, kv{k, n})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].N != out[j].N {
			return out[i].N > out[j].N
		}
		return out[i].K < out[j].K
	})
	return out
}

// daysLeft is the number of whole days until the end of a deadline's day
// (negative once it passed).
func daysLeft(deadline string) int {
	d, err := time.Parse("2006-01-02", deadline)
	if err != nil {
		return 0
	}
	return int(math.Floor(time.Until(d.Add(24*time.Hour)).Hours() / 24))
}

// validCSRF tells a form token this server could have made: 32 hex digits.
func validCSRF(v string) bool {
	if len(v) != 32 {
		return false
	}
	_, err := hex.DecodeString(v)
	return err == nil
}
