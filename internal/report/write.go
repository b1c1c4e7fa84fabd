package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/hegui/hegui/internal/evidence"
	"github.com/hegui/hegui/internal/rules"
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
	case "html":
		return HTML{ToolVersion: o.ToolVersion, Lang: o.Lang}, nil
	}
	return nil, fmt.Errorf("unknown format %q (want table, json, sarif or html)", format)
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
// newline, bidirectional overrides, and invalid UTF-8, with visible
// escapes.
func escapeControls(s string) string { return escape(s, false) }

// escapeCell escapes a value from the input for one table cell or line:
// newlines and tabs too, so a hostile name cannot forge lines or columns.
func escapeCell(s string) string { return escape(s, true) }

func escape(s string, inline bool) string {
	bad := func(r rune) bool {
		return r == utf8.RuneError || r < 0x20 && (inline || r != '\n' && r != '\t') || r >= 0x7f && r < 0xa0 ||
			r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 || r == 0x200e || r == 0x200f || r == 0x061c
	}
	clean := true
	for _, r := range s {
		if bad(r) {
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
		case bad(r):
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
	fmt.Fprintf(out, "%s  %s", escapeCell(t.Path), escapeCell(t.Kind))
	if t.ID != "" {
		fmt.Fprintf(out, "  %s", escapeCell(t.ID))
	}
	name := t.Name
	if zh := t.Attrs["name_zh"]; text.IsZh(l) && zh != "" {
		name = zh
	}
	if name != "" {
		fmt.Fprintf(out, "  %q", name)
	}
	if t.Version != "" {
		fmt.Fprintf(out, "  %s (%s)", escapeCell(t.Version), escapeCell(t.VersionCode))
	}
	fmt.Fprintf(out, "\nsha256 %s\n", t.SHA256)
	if r.AppType != nil {
		fmt.Fprintf(out, "%s: %s (%s)\n", text.Pick(l, "App type", "应用类型"), r.AppType.Name, r.AppType.ID)
	}

	// Each section aligns its own columns.
	g := &grid{out: out}
	section := func(title string, n int) {
		g.flush("  ")
		fmt.Fprintf(out, "\n%s (%d)\n", title, n)
	}
	// Package sections appear when a package was read; the declared
	// side when a policy or consent evidence was.
	if r.fromPackage() {
		section(text.Pick(l, "Permissions", "权限"), len(r.Permissions))
		for _, p := range r.Permissions {
			g.row(p.Name, protectionWord(l, p.Protection), strings.Join(p.DataTypes, ", "))
		}
		section(text.Pick(l, "Personal information", "个人信息"), len(r.DataTypes))
		for _, d := range r.DataTypes {
			mark := ""
			if d.Sensitive {
				mark = text.Pick(l, "sensitive", "敏感")
			}
			parties := make([]string, len(d.Parties))
			for i, p := range d.Parties {
				parties[i] = partyWord(r.Target.Kind, l, p)
			}
			g.row(d.Key, d.Name, levelWord(l, d.Level), mark, strings.Join(parties, ", "))
		}
		section(text.Pick(l, "Third-party SDKs", "第三方SDK"), len(r.SDKs))
		for _, s := range r.SDKs {
			name := s.Name
			if text.IsZh(l) && s.NameZh != "" {
				name = s.NameZh
			}
			startup := ""
			switch {
			case s.StartupMode == evidence.StartupCompliant:
				startup = text.Pick(l, "pre-initialised at launch (compliant mode)", "启动时合规预初始化")
			case s.Startup:
				startup = text.Pick(l, "starts at launch", "启动时初始化")
			}
			g.row(name, s.Vendor, s.Country, levelWord(l, s.Level), strings.Join(s.DataTypes, ","), startup)
		}
	}
	if d := r.Disclosure; d != nil {
		section(text.Pick(l, "What an app embedding this SDK must disclose", "嵌入本SDK的应用需披露的内容"), 1)
		g.row(d.Text)
	}
	if len(r.Claims) > 0 {
		section(text.Pick(l, "Privacy policy states", "隐私政策声明"), len(r.Claims))
		// Which documents were read, and how.
		for _, p := range r.Properties {
			if p.Key != evidence.PropPolicyDocument {
				continue
			}
			how := p.Detail[evidence.DetailPolicyFormat] + ", " + p.Detail[evidence.DetailEncoding]
			if n := p.Detail[evidence.DetailNotes]; n != "" {
				how += "; " + n
			}
			g.row(text.Pick(l, "document", "文档"), p.Where.File+" ("+how+")")
		}
		for _, row := range claimRows(l, r.Claims) {
			g.row(row[0], row[1])
		}
	}
	if len(r.Consent) > 0 {
		section(text.Pick(l, "Consent", "同意记录"), len(r.Consent))
		for _, c := range r.Consent {
			g.row(c.Key, strings.TrimSpace(c.Where.String()), c.Where.Time)
		}
	}
	if len(r.Endpoints) > 0 || r.fromPackage() {
		section(text.Pick(l, "Endpoints", "网络地址"), len(r.Endpoints))
	}
	hosts := map[string][]string{}
	owner := map[string]string{}
	var order []string
	for _, e := range r.Endpoints {
		if _, ok := hosts[e.Host]; !ok {
			order = append(order, e.Host)
		}
		hosts[e.Host] = appendOnce(hosts[e.Host], e.Scheme)
		if e.Owner != "" {
			owner[e.Host] = e.Owner
			if e.Country != "" {
				owner[e.Host] += " (" + e.Country + ")"
			}
		} else if e.Country != "" {
			owner[e.Host] = "(" + e.Country + ")"
		}
	}
	sort.Strings(order)
	seen := map[string]string{}
	for _, e := range r.Endpoints {
		if e.Traffic != nil {
			seen[e.Host] = trafficSummary(l, e.Traffic)
		}
	}
	for _, h := range order {
		g.row(h, strings.Join(hosts[h], ","), owner[h], seen[h])
	}
	if err := g.flush("  "); err != nil {
		return err
	}

	fmt.Fprintf(out, "\n%s (%d)\n", text.Pick(l, "Findings", "发现"), len(r.Findings))
	for _, f := range r.Findings {
		fmt.Fprintf(out, "  [%s] %s  %s", severityWord(l, f.Severity), f.RuleID, f.Title)
		if f.Subject != "" {
			fmt.Fprintf(out, "%s%s", colon(l), escapeCell(partyWord(r.Target.Kind, l, f.Subject)))
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
		fmt.Fprintf(out, "      %s%s%s\n", text.Pick(l, "Law", "依据"), colon(l), strings.Join(cites, text.Pick(l, "; ", "；")))
		if dt := f.Detail["data_types"]; dt != "" && dt != f.Subject {
			fmt.Fprintf(out, "      %s%s%s\n", text.Pick(l, "PI types", "个人信息类型"), colon(l), strings.ReplaceAll(dt, ",", text.Pick(l, ", ", "、")))
		}
		if n, gap := f.Detail["count"], f.Detail["interval_s"]; n != "" && gap != "" {
			fmt.Fprintf(out, "      %s\n", text.Pick(l, fmt.Sprintf("Sent %s times, every %s s (over %s s)", n, gap, f.Detail["span_s"]),
				fmt.Sprintf("发送 %s 次，每 %s 秒一次（共 %s 秒）", n, gap, f.Detail["span_s"])))
		}
		if p := f.Detail[evidence.DetailStartupPath]; p != "" {
			fmt.Fprintf(out, "      %s%s%s\n", text.Pick(l, "Start-up path", "启动调用路径"), colon(l), p)
		}
		if line := purposeLine(l, f); line != "" {
			fmt.Fprintf(out, "      %s\n", line)
		}
		for i, e := range f.Evidence {
			if i == 3 {
				fmt.Fprintf(out, "      … %d %s\n", len(f.Evidence)-3, text.Pick(l, "more", "条更多证据"))
				break
			}
			who := partyWord(r.Target.Kind, l, "app")
			switch {
			case !e.Party.FirstParty():
				who = e.Party.SDK
			case !fromPackage(r, e):
				who = e.Source
			}
			line := e.Where.String()
			if api := e.Attr(evidence.DetailAPI); api != "" {
				line += "  " + api
			}
			if q := e.Attr(evidence.DetailQuote); q != "" {
				const max = 80
				if r := []rune(q); len(r) > max {
					q = string(r[:max]) + "…"
				}
				line += "  “" + q + "”"
			}
			fmt.Fprintf(out, "      - %s [%s]\n", escapeCell(line), escapeCell(who))
		}
		if f.Remediation != "" {
			fmt.Fprintf(out, "      %s%s%s\n", text.Pick(l, "Fix", "整改"), colon(l), f.Remediation)
		}
		fmt.Fprintf(out, "      %s%s%s\n", text.Pick(l, "Fingerprint (for .heguiignore)", "指纹（用于 .heguiignore）"), colon(l), f.Fingerprint)
	}
	var skipped []rules.Status
	for _, st := range r.Rules {
		if st.State == "not_evaluated" {
			skipped = append(skipped, st)
		}
	}
	if len(skipped) > 0 {
		// One line per reason: an app scanned alone leaves every policy
		// and traffic rule unevaluated for the same reason.
		fmt.Fprintf(out, "\n%s (%d)\n", text.Pick(l, "Rules not evaluated", "未评估的规则"), len(skipped))
		byReason := map[string][]string{}
		var reasons []string
		for _, st := range skipped {
			if _, ok := byReason[st.Reason]; !ok {
				reasons = append(reasons, st.Reason)
			}
			byReason[st.Reason] = append(byReason[st.Reason], st.RuleID)
		}
		for _, why := range reasons {
			fmt.Fprintf(out, "  %s%s%s\n", strings.Join(byReason[why], ", "), colon(l), why)
		}
	}
	if len(r.Errors) > 0 {
		fmt.Fprintf(out, "\n%s (%d)\n", text.Pick(l, "Could not read", "无法读取"), len(r.Errors))
		for _, e := range r.Errors {
			what := ""
			if e.Part != "" {
				what = " [" + string(e.Part) + ", " + string(e.Cause) + "]"
			}
			if e.File != "" {
				fmt.Fprintf(out, "  %s%s: %s\n", escapeCell(e.File), what, escapeCell(e.Err))
			} else {
				if what != "" {
					what = strings.TrimSpace(what) + " "
				}
				fmt.Fprintf(out, "  %s%s\n", what, escapeCell(e.Err))
			}
		}
	}
	sevs := []string{"critical", "high", "medium", "low", "info"}
	var parts []string
	for _, s := range sevs {
		if n := r.Summary.Findings[s]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", severityName(l, s), n))
		}
	}
	if len(parts) == 0 {
		parts = append(parts, text.Pick(l, "no findings", "无发现"))
	}
	if r.Summary.Suppressed > 0 {
		parts = append(parts, fmt.Sprintf("%s %d", text.Pick(l, "suppressed", "已豁免"), r.Summary.Suppressed))
	}
	fmt.Fprintf(out, "\n%s%s%s%s%s %d\n", text.Pick(l, "Summary", "汇总"), colon(l), strings.Join(parts, text.Pick(l, ", ", "，")), text.Pick(l, "; ", "；"),
		text.Pick(l, "rules not evaluated", "未评估规则"), r.Summary.NotEvaluated)
	if r.Summary.Note != "" {
		fmt.Fprintln(out, r.Summary.Note)
	}
	return nil
}

// fromPackage reports whether a package fed the report: its package
// sections (permissions, PI, SDKs) mean something only then.
func (r *Report) fromPackage() bool {
	return len(r.Permissions)+len(r.DataTypes)+len(r.SDKs) > 0 || len(r.PackageInputs) > 0
}

// colon is ": " in English and "：" in Chinese.
func colon(lang string) string { return text.Pick(lang, ": ", "：") }

// severityWord is a severity as the table tags findings.
func severityWord(lang, sev string) string {
	if text.IsZh(lang) {
		return severityName(lang, sev)
	}
	return strings.ToUpper(sev)
}

// severityName names a severity in lang.
func severityName(lang, sev string) string {
	if !text.IsZh(lang) {
		return sev
	}
	if zh, ok := map[string]string{"critical": "严重", "high": "高危", "medium": "中危", "low": "低危", "info": "提示"}[sev]; ok {
		return zh
	}
	return sev
}

// protectionWord names an Android protection level in lang.
func protectionWord(lang, p string) string {
	if !text.IsZh(lang) {
		return p
	}
	if zh, ok := map[string]string{"dangerous": "危险", "normal": "普通", "signature": "签名", "special": "特殊", "vendor": "厂商", "privileged": "特权"}[p]; ok {
		return zh
	}
	return p
}

// levelWord names a proof level in lang.
func levelWord(lang, lv string) string {
	if !text.IsZh(lang) {
		return lv
	}
	if zh, ok := map[string]string{"declared": "声明", "present": "存在", "referenced": "代码调用", "observed": "运行时观测"}[lv]; ok {
		return zh
	}
	return lv
}

// partyWord names the app itself in lang; SDK ids stay as they are.
// partyWord names a party for people: the first party is the app itself,
// or, for an SDK package, the package's own code.
func partyWord(kind, lang, p string) string {
	if p == "app" {
		if kind == "sdk" {
			return text.Pick(lang, "this package", "本SDK包")
		}
		return text.Pick(lang, "app", "应用自身")
	}
	return p
}

func appendOnce(xs []string, s string) []string {
	if slices.Contains(xs, s) {
		return xs
	}
	return append(xs, s)
}

// claimLabel names a claim key in the terminal.
type claimLabel struct {
	key    string
	en, zh string
}

// policyItems are the items a policy must state (PIPL Art. 17, 认定方法
// 一-二, 六), in the order the terminal lists them.
var policyItems = []claimLabel{
	{evidence.ClaimHandler, "handler", "处理者名称"},
	{evidence.ClaimComplaint, "contact / complaints", "联系及投诉渠道"},
	{evidence.ClaimRetention, "retention", "保存期限"},
	{evidence.ClaimAccountDeletion, "deletion / cancellation", "删除及注销"},
	{evidence.ClaimRights, "rights", "权利行使"},
	{evidence.ClaimWithdrawal, "withdrawal of consent", "撤回同意"},
	{evidence.ClaimUpdateNotice, "update notice", "变更通知"},
	{evidence.ClaimEffectiveDate, "effective date", "生效日期"},
}

// otherClaims are the further statements shown when made.
var otherClaims = []claimLabel{
	{evidence.ClaimSeparateConsent, "separate consent", "单独同意"},
	{evidence.ClaimMinors, "minors' rules", "未成年人规则"},
	{evidence.ClaimServesMinors, "serves minors", "面向未成年人"},
	{evidence.ClaimPersonalization, "personalisation", "个性化推荐"},
	{evidence.ClaimPersonalizationOptOut, "personalisation opt-out", "个性化关闭"},
	{evidence.ClaimCrossBorder, "cross-border transfer", "跨境传输"},
	{evidence.ClaimFaceCloud, "face data to the cloud", "人脸信息上云"},
}

// claimRows summarises a policy's statements for the terminal: what it
// says it collects and does not, its SDK list, the Art. 17 items found
// and missing, and the other statements. JSON lists every claim.
func claimRows(l string, claims []Claim) [][2]string {
	var collects, denies, sdks []string
	byKey := map[string][]Claim{}
	add := func(list *[]string, v string) {
		if v != "" && !slices.Contains(*list, v) {
			*list = append(*list, v)
		}
	}
	for _, c := range claims {
		byKey[c.Key] = append(byKey[c.Key], c)
		switch c.Key {
		case evidence.ClaimCollects:
			add(&collects, c.Detail[evidence.DetailDataType])
		case evidence.ClaimNotCollects:
			add(&denies, c.Detail[evidence.DetailDataType])
		case evidence.ClaimSDK:
			name := c.Detail[evidence.DetailName]
			if name == "" {
				name = c.Detail[evidence.DetailSDK]
			}
			add(&sdks, name)
		}
	}
	var rows [][2]string
	list := func(xs []string) string {
		const show = 12
		if len(xs) > show {
			return strings.Join(xs[:show], ", ") + fmt.Sprintf(text.Pick(l, " … (%d more)", " …（另 %d 项）"), len(xs)-show)
		}
		return strings.Join(xs, ", ")
	}
	if len(collects) > 0 {
		rows = append(rows, [2]string{fmt.Sprintf(text.Pick(l, "collects (%d types)", "收集（%d 类）"), len(collects)), list(collects)})
	}
	for _, c := range byKey[evidence.ClaimNotCollects] {
		rows = append(rows, [2]string{text.Pick(l, "does not collect", "声明不收集"), c.Detail[evidence.DetailDataType] + "  " + whereQuote(c)})
	}
	if len(sdks) > 0 {
		rows = append(rows, [2]string{fmt.Sprintf(text.Pick(l, "SDK list (%d)", "SDK清单（%d）"), len(sdks)), list(sdks)})
	}
	var missing []string
	for _, it := range policyItems {
		name := text.Pick(l, it.en, it.zh)
		if cs := byKey[it.key]; len(cs) > 0 {
			row := whereQuote(best(cs))
			for _, c := range cs {
				if tl := c.Detail[evidence.DetailTimeLimit]; tl != "" {
					row += text.Pick(l, "  (time limit: ", "（时限：") + tl + text.Pick(l, ")", "）")
					break
				}
			}
			rows = append(rows, [2]string{name, row})
		} else {
			missing = append(missing, name)
		}
	}
	for _, it := range otherClaims {
		if cs := byKey[it.key]; len(cs) > 0 {
			rows = append(rows, [2]string{text.Pick(l, it.en, it.zh), whereQuote(best(cs))})
		}
	}
	if len(missing) > 0 {
		rows = append(rows, [2]string{text.Pick(l, "not stated", "未说明"), strings.Join(missing, ", ")})
	}
	return rows
}

// whereQuote renders a claim's section and the start of its sentence.
func whereQuote(c Claim) string {
	var parts []string
	if c.Where.Section != "" {
		parts = append(parts, "§"+c.Where.Section)
	} else if c.Where.File != "" {
		parts = append(parts, c.Where.File)
	}
	if q := c.Detail[evidence.DetailQuote]; q != "" {
		const max = 48
		if r := []rune(q); len(r) > max {
			q = string(r[:max]) + "…"
		}
		parts = append(parts, "“"+q+"”")
	}
	return strings.Join(parts, " ")
}

// best picks the claim to show for an item: one under a title about the
// item, else the first.
func best(cs []Claim) Claim {
	for _, c := range cs {
		if c.Detail[evidence.DetailInSection] == "true" {
			return c
		}
	}
	return cs[0]
}

// trafficSummary tells in a few words what a capture showed of a host.
func trafficSummary(l string, t *EndpointTraffic) string {
	var parts []string
	if t.Cloud != "" {
		parts = append(parts, t.Cloud)
	}
	parts = append(parts, fmt.Sprintf("↑%s ↓%s", size(t.BytesUp), size(t.BytesDown)),
		text.Pick(l, plural(t.Connections, "connection", "connections"), fmt.Sprintf("%d 个连接", t.Connections)))
	if t.BeaconSeconds > 0 {
		parts = append(parts, text.Pick(l, fmt.Sprintf("beacon every %d s", t.BeaconSeconds), fmt.Sprintf("每 %d 秒心跳", t.BeaconSeconds)))
	}
	if t.SteadyUploadBps > 0 {
		parts = append(parts, text.Pick(l, "steady upload ", "持续上传 ")+size(t.SteadyUploadBps)+"/s")
	}
	if len(t.PISent) > 0 {
		parts = append(parts, text.Pick(l, "PI: ", "个人信息：")+strings.Join(t.PISent, ","))
	}
	return strings.Join(parts, ", ")
}

func size(n int64) string {
	switch {
	case n >= 10<<20:
		return fmt.Sprintf("%d MB", n>>20)
	case n >= 10<<10:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d B", n)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// purposeLine shows a finding's purpose string (a permission prompt's)
// and what is wrong with it, when the finding is about one.
func purposeLine(l string, f Finding) string {
	purpose, ok := f.Detail["purpose"]
	why := f.Detail["reason"]
	if !ok || why == "" {
		return ""
	}
	return fmt.Sprintf("%s%s%q (%s)", text.Pick(l, "Purpose string", "用途说明"), colon(l), purpose, purposeWord(l, why))
}

// purposeWord names what is wrong with a purpose string.
func purposeWord(l, why string) string {
	switch why {
	case "missing":
		return text.Pick(l, "missing", "缺失")
	case "placeholder":
		return text.Pick(l, "a placeholder", "占位符")
	case "generic":
		return text.Pick(l, "names no purpose", "未说明目的")
	}
	return why
}
