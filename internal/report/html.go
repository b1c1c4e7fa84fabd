package report

import (
	"fmt"
	"html/template"
	"io"
	"sort"
	"strings"

	"github.com/hegui/hegui/internal/evidence"
	"github.com/hegui/hegui/internal/text"
)

// HTML writes one self-contained page for all reports: no script, no
// external asset (styles and the PI map are inline), printable, in the
// reports' language. Every string from an input (an app's label, a file
// name, a policy sentence) goes through html/template's escaping.
type HTML struct {
	ToolVersion string
	Lang        string
}

// Write implements Writer.
func (h HTML) Write(w io.Writer, reports []*Report) error {
	l := h.Lang
	if l == "" && len(reports) > 0 {
		l = reports[0].Lang
	}
	page := htmlPage{Lang: l, Tool: h.ToolVersion}
	for _, r := range reports {
		if r != nil {
			page.Targets = append(page.Targets, newHTMLTarget(l, r))
		}
	}
	return htmlTemplate.Execute(w, page)
}

type htmlPage struct {
	Lang, Tool string
	Targets    []htmlTarget
}

type htmlTarget struct {
	R          *Report
	Verdict    string
	VerdictCSS string
	Severities []sevCount
	ByLaw      []lawCount
	Findings   []htmlFinding
	Map        template.HTML // the PI map, inline SVG built from escaped strings
	Identity   [][2]string
}

type sevCount struct {
	Name, CSS string
	N         int
}

type lawCount struct {
	Instrument string
	N          int
}

type htmlFinding struct {
	F        Finding
	CSS      string
	Evidence []string
	More     int
	Lines    []string // measured details (count, interval, PI types)
}

// severities in report order.
var severities = []string{"critical", "high", "medium", "low", "info"}

func newHTMLTarget(l string, r *Report) htmlTarget {
	t := htmlTarget{R: r}
	open := 0
	for _, s := range severities {
		n := r.Summary.Findings[s]
		open += n
		t.Severities = append(t.Severities, sevCount{Name: s, CSS: "sev-" + s, N: n})
	}
	worst := ""
	for _, s := range severities {
		if r.Summary.Findings[s] > 0 {
			worst = s
			break
		}
	}
	switch worst {
	case "critical", "high":
		t.Verdict, t.VerdictCSS = text.Pick(l, "Violations found", "发现违法违规问题"), "bad"
	case "medium", "low", "info":
		t.Verdict, t.VerdictCSS = text.Pick(l, "Issues to review", "存在需核查的问题"), "warn"
	default:
		t.Verdict, t.VerdictCSS = text.Pick(l, "No finding", "未发现问题"), "ok"
	}
	if r.Summary.NotEvaluated > 0 {
		t.Verdict += text.Pick(l, fmt.Sprintf(" (%d rules not evaluated)", r.Summary.NotEvaluated), fmt.Sprintf("（%d 条规则未评估）", r.Summary.NotEvaluated))
	}
	laws := map[string]int{}
	for _, f := range r.Findings {
		if f.Suppressed != nil {
			continue
		}
		seen := map[string]bool{}
		for _, lb := range f.LegalBasis {
			inst := instrumentOf(lb.Citation)
			if !seen[inst] {
				seen[inst] = true
				laws[inst]++
			}
		}
		hf := htmlFinding{F: f, CSS: "sev-" + f.Severity}
		for i, e := range f.Evidence {
			if i == 5 {
				hf.More = len(f.Evidence) - 5
				break
			}
			hf.Evidence = append(hf.Evidence, evidenceLine(r.Target.Kind, l, e))
		}
		if dt := f.Detail["data_types"]; dt != "" && dt != f.Subject {
			hf.Lines = append(hf.Lines, text.Pick(l, "PI types: ", "个人信息类型：")+dt)
		}
		if line := purposeLine(l, f); line != "" {
			hf.Lines = append(hf.Lines, line)
		}
		if n, gap := f.Detail["count"], f.Detail["interval_s"]; n != "" && gap != "" {
			hf.Lines = append(hf.Lines, text.Pick(l, fmt.Sprintf("Sent %s times, every %s s (over %s s)", n, gap, f.Detail["span_s"]),
				fmt.Sprintf("发送 %s 次，每 %s 秒一次（共 %s 秒）", n, gap, f.Detail["span_s"])))
		}
		if p := f.Detail[evidence.DetailStartupPath]; p != "" {
			hf.Lines = append(hf.Lines, text.Pick(l, "Start-up path: ", "启动调用路径：")+p)
		}
		t.Findings = append(t.Findings, hf)
	}
	for inst, n := range laws {
		t.ByLaw = append(t.ByLaw, lawCount{inst, n})
	}
	sort.Slice(t.ByLaw, func(i, j int) bool {
		if t.ByLaw[i].N != t.ByLaw[j].N {
			return t.ByLaw[i].N > t.ByLaw[j].N
		}
		return t.ByLaw[i].Instrument < t.ByLaw[j].Instrument
	})
	tg := r.Target
	for _, kv := range [][2]string{
		{text.Pick(l, "File", "文件"), tg.Path},
		{text.Pick(l, "Kind", "类型"), tg.Kind},
		{text.Pick(l, "Identity", "标识"), tg.ID},
		{text.Pick(l, "Name", "名称"), tg.Name},
		{text.Pick(l, "Version", "版本"), strings.TrimSpace(tg.Version + " " + tg.VersionCode)},
		{"SHA-256", tg.SHA256},
	} {
		if kv[1] != "" {
			t.Identity = append(t.Identity, kv)
		}
	}
	t.Map = piMap(l, r)
	return t
}

// instrumentOf names the legal instrument of a citation ("PIPL Art. 13"
// is PIPL; "App PI Identification Methods (2019) item 3.1" is that
// document).
func instrumentOf(citation string) string {
	for _, cut := range []string{" Art.", " item", " problem", " §", "第", "（", " ("} {
		if i := strings.Index(citation, cut); i > 0 {
			citation = citation[:i]
		}
	}
	return strings.TrimSpace(citation)
}

func evidenceLine(kind, l string, o evidence.Observation) string {
	who := partyWord(kind, l, "app")
	if o.Party.SDK != "" {
		who = o.Party.SDK
		if o.Party.Name != "" {
			who = o.Party.Name
		}
	}
	s := strings.TrimSpace(o.Where.String())
	if q := o.Attr(evidence.DetailQuote); q != "" {
		s += " “" + q + "”"
	}
	if s == "" {
		s = o.Key
	}
	return s + " [" + who + "]"
}

// piMap draws which PI goes to which party and where: PI types on the
// left, the parties holding or receiving them in the middle, destinations
// (host and country) on the right; a red line is PI seen before consent.
func piMap(l string, r *Report) template.HTML {
	before := map[string]bool{}
	for _, f := range r.Findings {
		if f.RuleID == "HG-NET-001" || f.RuleID == "HG-AND-001" {
			before[f.Subject] = true
		}
	}
	type edge struct{ from, to string }
	var pis, parties, dests []string
	seenPI, seenParty, seenDest := map[string]bool{}, map[string]bool{}, map[string]bool{}
	var edges []edge
	red := map[edge]bool{}
	add := func(list *[]string, seen map[string]bool, s string) {
		if !seen[s] {
			seen[s] = true
			*list = append(*list, s)
		}
	}
	for _, d := range r.DataTypes {
		add(&pis, seenPI, d.Key)
		for _, p := range d.Parties {
			add(&parties, seenParty, p)
			e := edge{"pi:" + d.Key, "party:" + p}
			edges = append(edges, e)
			red[e] = before[d.Key]
		}
	}
	for _, e := range r.Endpoints {
		if e.Traffic == nil || len(e.Traffic.PISent) == 0 {
			continue
		}
		label := e.Host
		if e.Country != "" {
			label += " (" + e.Country + ")"
		}
		add(&dests, seenDest, label)
		for _, k := range e.Traffic.PISent {
			add(&pis, seenPI, k)
			ed := edge{"pi:" + k, "dest:" + label}
			edges = append(edges, ed)
			red[ed] = before[k]
		}
	}
	if len(pis) == 0 {
		return ""
	}
	const rowH, colW, pad = 22, 240, 10
	rows := max(len(pis), len(parties), len(dests))
	height := pad*2 + rows*rowH + 20
	width := 3*colW + 2*60
	pos := map[string][2]int{}
	var b strings.Builder
	esc := template.HTMLEscapeString
	fmt.Fprintf(&b, `<svg class="pimap" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-label="%s">`,
		width, height, width, height, esc(text.Pick(l, "Which PI goes to which party", "个人信息流向")))
	col := func(x int, title string, items []string, prefix string) {
		fmt.Fprintf(&b, `<text x="%d" y="%d" class="h">%s</text>`, x, pad+10, esc(title))
		for i, it := range items {
			y := pad + 20 + i*rowH + rowH/2
			pos[prefix+it] = [2]int{x, y}
			fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" rx="4"/><text x="%d" y="%d">%s</text>`,
				x, y-rowH/2+2, colW-20, rowH-4, x+6, y+4, esc(shorten(it, 34)))
		}
	}
	col(pad, text.Pick(l, "Personal information", "个人信息"), pis, "pi:")
	col(pad+colW+60, text.Pick(l, "Held by (code)", "收集方（代码）"), parties, "party:")
	if len(dests) > 0 {
		col(pad+2*(colW+60), text.Pick(l, "Sent to (traffic)", "发送至（流量）"), dests, "dest:")
	}
	for _, e := range edges {
		a, ok1 := pos[e.from]
		z, ok2 := pos[e.to]
		if !ok1 || !ok2 {
			continue
		}
		cls := "e"
		if red[e] {
			cls = "e before"
		}
		x1, x2 := a[0]+colW-20, z[0]
		fmt.Fprintf(&b, `<path class="%s" d="M%d %d C%d %d %d %d %d %d"/>`, cls, x1, a[1], x1+40, a[1], x2-40, z[1], x2, z[1])
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

var htmlTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"t": func(lang, en, zh string) string { return text.Pick(lang, en, zh) },
}).Parse(`<!doctype html>
<html lang="{{if eq .Lang "zh"}}zh-CN{{else}}en{{end}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>hegui {{t .Lang "report" "合规检测报告"}}{{range .Targets}} — {{or .R.Target.Name .R.Target.ID .R.Target.Path}}{{end}}</title>
<style>
body{font:14px/1.5 -apple-system,"Segoe UI","PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:0 auto;max-width:1100px;padding:24px;color:#1d1d1f}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;border-bottom:1px solid #ddd;padding-bottom:4px;margin-top:28px}h3{font-size:15px;margin:0}
table{border-collapse:collapse;width:100%;margin:8px 0}th,td{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}th{background:#f5f5f7}
.verdict{display:inline-block;padding:6px 12px;border-radius:6px;font-weight:600;margin:8px 0}
.bad{background:#fde2e1;color:#a1150f}.warn{background:#fff4d6;color:#7a5300}.ok{background:#e3f4e6;color:#1d6b2b}
.sev{display:inline-block;min-width:64px;text-align:center;border-radius:4px;padding:0 6px;font-size:12px;font-weight:600;color:#fff}
.sev-critical{background:#8e0000}.sev-high{background:#d93025}.sev-medium{background:#e37400}.sev-low{background:#1a73e8}.sev-info{background:#5f6368}
.finding{border:1px solid #ddd;border-radius:6px;padding:10px 14px;margin:12px 0;page-break-inside:avoid}
.law{margin:6px 0 6px 0;padding-left:18px}.quote{color:#555;font-size:13px}
.evidence{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px;margin:4px 0;padding-left:18px;word-break:break-all}
.fix{background:#f5f5f7;padding:6px 10px;border-radius:4px}
.muted{color:#666;font-size:12px}
svg.pimap{max-width:100%;height:auto}svg.pimap rect{fill:#f5f5f7;stroke:#bbb}svg.pimap text{font-size:12px}svg.pimap .h{font-weight:600}
svg.pimap .e{fill:none;stroke:#999;stroke-width:1.2}svg.pimap .before{stroke:#d93025;stroke-width:2}
@media print{body{padding:0}.finding{border-color:#999}a{color:inherit;text-decoration:none}}
</style>
</head>
<body>
{{$l := .Lang}}
{{range .Targets}}
<section class="target">
<h1>{{t $l "Compliance report" "个人信息合规检测报告"}}: {{or .R.Target.Name .R.Target.ID .R.Target.Path}}</h1>
<div class="verdict {{.VerdictCSS}}">{{.Verdict}}</div>
<table>{{range .Identity}}<tr><th>{{index . 0}}</th><td>{{index . 1}}</td></tr>{{end}}
<tr><th>{{t $l "Inputs" "输入"}}</th><td>{{range $i, $in := .R.Inputs}}{{if $i}}, {{end}}{{$in}}{{end}}</td></tr>
{{with .R.AppType}}<tr><th>{{t $l "App type" "应用类型"}}</th><td>{{.Name}}</td></tr>{{end}}
</table>

<h2>{{t $l "Summary" "概要"}}</h2>
<table><tr>{{range .Severities}}<th><span class="sev {{.CSS}}">{{.Name}}</span></th>{{end}}<th>{{t $l "suppressed" "已接受"}}</th><th>{{t $l "rules not evaluated" "未评估规则"}}</th></tr>
<tr>{{range .Severities}}<td>{{.N}}</td>{{end}}<td>{{.R.Summary.Suppressed}}</td><td>{{.R.Summary.NotEvaluated}}</td></tr></table>
{{if .ByLaw}}<table><tr><th>{{t $l "Legal instrument" "法律法规"}}</th><th>{{t $l "Findings citing it" "涉及问题数"}}</th></tr>
{{range .ByLaw}}<tr><td>{{.Instrument}}</td><td>{{.N}}</td></tr>{{end}}</table>{{end}}

{{if .Map}}<h2>{{t $l "Where personal information goes" "个人信息流向"}}</h2>
<p class="muted">{{t $l "Red lines: seen before the user consented." "红线：在用户同意前即已发生。"}}</p>
{{.Map}}{{end}}

<h2>{{t $l "Findings" "问题"}} ({{len .Findings}})</h2>
{{range .Findings}}
<div class="finding" id="{{.F.RuleID}}-{{.F.Fingerprint}}">
<h3><span class="sev {{.CSS}}">{{.F.Severity}}</span> {{.F.RuleID}} {{.F.Title}}{{if .F.Subject}}: {{.F.Subject}}{{end}}</h3>
<p>{{.F.Description}}</p>
{{range .Lines}}<p class="muted">{{.}}</p>{{end}}
<div class="law"><strong>{{t $l "Legal basis" "法律依据"}}</strong><ul>
{{range .F.LegalBasis}}<li>{{.Citation}}{{if .Summary}} — {{.Summary}}{{end}}{{if .Quote}}<div class="quote">“{{.Quote}}”</div>{{end}}</li>{{end}}
</ul></div>
<div><strong>{{t $l "Evidence" "证据"}}</strong><ul class="evidence">{{range .Evidence}}<li>{{.}}</li>{{end}}{{if .More}}<li>… {{.More}} {{t $l "more" "条更多证据"}}</li>{{end}}</ul></div>
<div class="fix"><strong>{{t $l "Fix" "整改建议"}}</strong>: {{.F.Remediation}}</div>
<p class="muted">{{t $l "Fingerprint" "指纹"}} {{.F.Fingerprint}}</p>
</div>
{{else}}<p>{{t $l "No finding." "未发现问题。"}}</p>
{{end}}

{{with .R.Disclosure}}<h2>{{t $l "What an app embedding this SDK must disclose" "嵌入本SDK的应用需披露的内容"}}</h2>
<p>{{.Text}}</p>{{end}}

{{if .R.SDKs}}<h2>{{t $l "Third-party SDKs" "第三方SDK"}} ({{len .R.SDKs}})</h2>
<table><tr><th>SDK</th><th>{{t $l "Vendor" "厂商"}}</th><th>{{t $l "Country" "国家"}}</th><th>{{t $l "Personal information" "个人信息"}}</th><th>{{t $l "At start-up" "启动时"}}</th></tr>
{{range .R.SDKs}}<tr><td>{{if and (eq $l "zh") .NameZh}}{{.NameZh}}{{else}}{{.Name}}{{end}}</td><td>{{.Vendor}}</td><td>{{.Country}}</td><td>{{range $i, $d := .DataTypes}}{{if $i}}, {{end}}{{$d}}{{end}}</td><td>{{if .Startup}}{{t $l "yes" "是"}}{{end}}</td></tr>{{end}}
</table>{{end}}

{{if .R.DataTypes}}<h2>{{t $l "Personal information" "个人信息"}} ({{len .R.DataTypes}})</h2>
<table><tr><th>{{t $l "Type" "类型"}}</th><th>{{t $l "Proof" "证据强度"}}</th><th>{{t $l "Sensitive" "敏感"}}</th><th>{{t $l "Parties" "收集方"}}</th></tr>
{{range .R.DataTypes}}<tr><td>{{.Name}} <span class="muted">{{.Key}}</span></td><td>{{.Level}}</td><td>{{if .Sensitive}}{{t $l "yes" "是"}}{{end}}</td><td>{{range $i, $p := .Parties}}{{if $i}}, {{end}}{{$p}}{{end}}</td></tr>{{end}}
</table>{{end}}

{{if .R.Endpoints}}<h2>{{t $l "Endpoints" "网络地址"}} ({{len .R.Endpoints}})</h2>
<table><tr><th>{{t $l "Host" "主机"}}</th><th>{{t $l "Scheme" "协议"}}</th><th>{{t $l "Owner" "归属"}}</th><th>{{t $l "Traffic" "流量"}}</th></tr>
{{range .R.Endpoints}}<tr><td>{{.Host}}</td><td>{{.Scheme}}</td><td>{{.Owner}}{{if .Country}} ({{.Country}}){{end}}{{with .Traffic}}{{if .Cloud}} · {{.Cloud}}{{end}}{{end}}</td><td>{{with .Traffic}}↑{{.BytesUp}} B ↓{{.BytesDown}} B, {{.Connections}} {{t $l "connections" "个连接"}}{{if .BeaconSeconds}}, {{t $l "beacon every" "心跳间隔"}} {{.BeaconSeconds}} s{{end}}{{if .PISent}}, PI: {{range $i, $p := .PISent}}{{if $i}}, {{end}}{{$p}}{{end}}{{end}}{{end}}</td></tr>{{end}}
</table>{{end}}

{{if .R.Errors}}<h2>{{t $l "What could not be read" "无法读取的内容"}}</h2>
<ul>{{range .R.Errors}}<li>{{.Source}}{{if .File}} {{.File}}{{end}}: {{.Err}}{{if .More}} (+{{.More}}){{end}}</li>{{end}}</ul>{{end}}
</section>
{{end}}
<p class="muted">hegui {{.Tool}} — {{t .Lang "every finding cites its legal basis; evidence points at the file, class, method, offset or packet." "每条问题均列明法律依据；证据指向文件、类、方法、偏移或数据包。"}}</p>
</body>
</html>
`))
