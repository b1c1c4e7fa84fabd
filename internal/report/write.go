package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"text/tabwriter"
	"unicode/utf8"

	"github.com/hegui/hegui/internal/evidence"
	"github.com/hegui/hegui/internal/text"
)

// Writer writes reports in one format.
type Writer interface {
	Write(w io.Writer, reports []*Report) error
}

// NewWriter returns the writer for a format name: "table" (or ""),
// "json" or "sarif". The options feed the formats that describe rules
// beyond the reports (SARIF).
func NewWriter(format string, o WriterOptions) (Writer, error) {
	switch format {
	case "json":
		return JSON{}, nil
	case "table", "":
		return Table{}, nil
	case "sarif":
		return SARIF{Rules: o.Rules, Law: o.Law, ToolVersion: o.ToolVersion, Lang: o.Lang, Failed: o.Failed}, nil
	}
	return nil, fmt.Errorf("unknown format %q (want table, json or sarif)", format)
}

// JSON writes one document for one target, an array for several.
type JSON struct{}

// Write implements Writer.
func (JSON) Write(w io.Writer, reports []*Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if len(reports) == 1 {
		return enc.Encode(reports[0])
	}
	if reports == nil {
		reports = []*Report{}
	}
	return enc.Encode(reports)
}

// Table writes a terminal summary: identity, permissions, PI, SDKs,
// endpoints and findings with their law.
type Table struct{}

// Write implements Writer. Control characters from the input (package
// names, file names, evidence files) are shown escaped, never sent to the
// terminal.
func (Table) Write(w io.Writer, reports []*Report) error {
	var buf bytes.Buffer
	for i, r := range reports {
		if i > 0 {
			fmt.Fprintln(&buf)
		}
		if err := writeTable(&buf, r); err != nil {
			return err
		}
	}
	_, err := io.WriteString(w, escapeControls(buf.String()))
	return err
}

// escapeControls replaces C0 and C1 control characters other than tab and
// newline, and invalid UTF-8, with visible escapes.
func escapeControls(s string) string {
	clean := true
	for _, r := range s {
		if r == utf8.RuneError || r < 0x20 && r != '\n' && r != '\t' || r >= 0x7f && r < 0xa0 {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i, r := range s {
		switch {
		case r == utf8.RuneError:
			fmt.Fprintf(&b, "\\x%02x", s[i])
		case r < 0x20 && r != '\n' && r != '\t', r >= 0x7f && r < 0xa0:
			fmt.Fprintf(&b, "\\u%04x", r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func writeTable(out io.Writer, r *Report) error {
	l := r.Lang
	t := r.Target
	fmt.Fprintf(out, "%s\n", strings.Repeat("=", 78))
	fmt.Fprintf(out, "%s  %s", t.Path, t.Kind)
	if t.ID != "" {
		fmt.Fprintf(out, "  %s", t.ID)
	}
	if t.Name != "" {
		fmt.Fprintf(out, "  %q", t.Name)
	}
	if t.Version != "" {
		fmt.Fprintf(out, "  %s (%s)", t.Version, t.VersionCode)
	}
	fmt.Fprintf(out, "\nsha256 %s\n", t.SHA256)
	if r.AppType != nil {
		fmt.Fprintf(out, "%s: %s (%s)\n", text.Pick(l, "App type", "应用类型"), r.AppType.Name, r.AppType.ID)
	}

	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	section := func(title string, n int) {
		fmt.Fprintf(w, "\n%s (%d)\n", title, n)
	}
	section(text.Pick(l, "Permissions", "权限"), len(r.Permissions))
	for _, p := range r.Permissions {
		fmt.Fprintf(w, "  %s\t%s\t%s\n", p.Name, p.Protection, strings.Join(p.DataTypes, ", "))
	}
	section(text.Pick(l, "Personal information", "个人信息"), len(r.DataTypes))
	for _, d := range r.DataTypes {
		mark := ""
		if d.Sensitive {
			mark = text.Pick(l, "sensitive", "敏感")
		}
		fmt.Fprintf(w, "  %s\t%s\t%s\t%s\t%s\n", d.Key, d.Name, d.Level, mark, strings.Join(d.Parties, ", "))
	}
	section(text.Pick(l, "Third-party SDKs", "第三方SDK"), len(r.SDKs))
	for _, s := range r.SDKs {
		name := s.Name
		if strings.HasPrefix(l, "zh") && s.NameZh != "" {
			name = s.NameZh
		}
		startup := ""
		if s.Startup {
			startup = text.Pick(l, "starts at launch", "启动时初始化")
		}
		fmt.Fprintf(w, "  %s\t%s\t%s\t%s\t%s\t%s\n", name, s.Vendor, s.Country, s.Level, strings.Join(s.DataTypes, ","), startup)
	}
	section(text.Pick(l, "Endpoints", "网络地址"), len(r.Endpoints))
	hosts := map[string][]string{}
	var order []string
	for _, e := range r.Endpoints {
		if _, ok := hosts[e.Host]; !ok {
			order = append(order, e.Host)
		}
		hosts[e.Host] = appendOnce(hosts[e.Host], e.Scheme)
	}
	sort.Strings(order)
	for _, h := range order {
		fmt.Fprintf(w, "  %s\t%s\n", h, strings.Join(hosts[h], ","))
	}
	if err := w.Flush(); err != nil {
		return err
	}

	fmt.Fprintf(out, "\n%s (%d)\n", text.Pick(l, "Findings", "发现"), len(r.Findings))
	for _, f := range r.Findings {
		fmt.Fprintf(out, "  [%s] %s  %s", strings.ToUpper(f.Severity), f.RuleID, f.Title)
		if f.Subject != "" {
			fmt.Fprintf(out, ": %s", f.Subject)
		}
		fmt.Fprintln(out)
		if s := f.Suppressed; s != nil {
			until := ""
			if s.Expires != "" {
				until = " " + text.Pick(l, "until", "有效期至") + " " + s.Expires
			}
			fmt.Fprintf(out, "      %s%s (%s): %s\n", text.Pick(l, "SUPPRESSED", "已豁免"), until, s.Source, s.Reason)
		}
		var cites []string
		for _, lb := range f.LegalBasis {
			cites = append(cites, lb.Citation)
		}
		fmt.Fprintf(out, "      %s: %s\n", text.Pick(l, "Law", "依据"), strings.Join(cites, "; "))
		for i, e := range f.Evidence {
			if i == 3 {
				fmt.Fprintf(out, "      … %d %s\n", len(f.Evidence)-3, text.Pick(l, "more", "条更多证据"))
				break
			}
			who := "app"
			if !e.Party.FirstParty() {
				who = e.Party.SDK
			}
			line := e.Where.String()
			if api := e.Attr(evidence.DetailAPI); api != "" {
				line += "  " + api
			}
			fmt.Fprintf(out, "      - %s [%s]\n", line, who)
		}
	}
	if len(r.Errors) > 0 {
		fmt.Fprintf(out, "\n%s (%d)\n", text.Pick(l, "Could not read", "无法读取"), len(r.Errors))
		for _, e := range r.Errors {
			fmt.Fprintf(out, "  %s: %s\n", e.File, e.Err)
		}
	}
	sevs := []string{"critical", "high", "medium", "low", "info"}
	var parts []string
	for _, s := range sevs {
		if n := r.Summary.Findings[s]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", s, n))
		}
	}
	if len(parts) == 0 {
		parts = append(parts, text.Pick(l, "no findings", "无发现"))
	}
	if r.Summary.Suppressed > 0 {
		parts = append(parts, fmt.Sprintf("%s %d", text.Pick(l, "suppressed", "已豁免"), r.Summary.Suppressed))
	}
	fmt.Fprintf(out, "\n%s: %s; %s %d\n", text.Pick(l, "Summary", "汇总"), strings.Join(parts, ", "), text.Pick(l, "rules not evaluated", "未评估规则"), r.Summary.NotEvaluated)
	if r.Summary.Note != "" {
		fmt.Fprintln(out, r.Summary.Note)
	}
	return nil
}

func appendOnce(xs []string, s string) []string {
	if slices.Contains(xs, s) {
		return xs
	}
	return append(xs, s)
}
