package policy

import (
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/hegui/hegui/internal/evidence"
)

// Statement is what one sentence states.
type Statement struct {
	Key       string   // a policy_claim key of internal/evidence/vocab.go
	DataTypes []string // PI keys (collects, not_collects, sdk rows)
	Terms     []string // the words that named them
	Name      string   // the SDK's name as written
	Vendor    string   // the SDK's company as written
	Purpose   string   // the SDK's purpose as written (an SDK row)
	// Conditional: the statement holds when the user uses a feature or
	// an event happens; Choice: the user may refuse.
	Conditional, Choice bool
	// InSection: a title above the sentence names the same item (a
	// deletion sentence under "如何删除您的个人信息"): the place a reader
	// looks for it.
	InSection bool
	// Section is the APPCorp category a paragraph classifier placed the
	// paragraph in, when that is what states the item.
	Section string
	// TimeLimit is the handling time a deletion, rights or complaint
	// statement gives ("15个工作日", "30 days").
	TimeLimit string
	Sentence  Sentence
}

// maxQuote bounds the sentence text kept as a quote.
const maxQuote = 300

// Quote returns the sentence, cut to a readable length.
func (s Statement) Quote() string {
	t := s.Sentence.Text
	if utf8.RuneCountInString(t) <= maxQuote {
		return t
	}
	return string([]rune(t)[:maxQuote]) + "…"
}

// Extract returns what the document's sentences state.
func (l *Lexicon) Extract(sents []Sentence) []Statement {
	var out []Statement
	for i, s := range sents {
		low := lower(s.Text)
		if s.Kind == Row {
			out = append(out, l.row(s, low)...)
			continue
		}
		if named := labelledSDKs(s); len(named) > 0 {
			out = append(out, named...)
		} else if st, ok := l.sdkSentence(s); ok {
			out = append(out, st)
		}
		title := s.Kind == Heading || s.Title
		if !title {
			next := ""
			if i+1 < len(sents) {
				next = sents[i+1].Text
			}
			out = append(out, l.dataStatements(s, low, next)...)
		}
		hit := map[tag]bool{}
		l.stmt.each(low, func(t term) { hit[t.tag] = true })
		// A lead-in ("…与我们联系：") and the line it introduces
		// ("电子邮箱：x@y") state an item together.
		if t := strings.TrimSpace(s.Text); strings.ContainsAny(lastRune(t), "：:？?") && i+1 < len(sents) && sents[i+1].Block == s.Block || strings.ContainsAny(lastRune(t), "：:") && i+1 < len(sents) {
			l.stmt.each(lower(sents[i+1].Text), func(t term) { hit[t.tag] = true })
		}
		for ri, r := range l.statements {
			for li, groups := range r.all {
				ok := true
				for gi := range groups {
					ok = ok && hit[tag{ri, li, gi}]
				}
				if !ok || deniable[r.key] && l.deniesFirst(groups[0], low) {
					continue
				}
				// A title announces its section and states nothing, but
				// one that names the company names the handler
				// ("中国银行股份有限公司隐私政策").
				if title && r.key != evidence.ClaimHandler {
					continue
				}
				st := Statement{Key: r.key, Sentence: s, InSection: l.titled(ri, li, s.Path)}
				if r.key == evidence.ClaimSeparateConsent {
					// The PI types it covers, when the sentence names them.
					for _, m := range l.data.find(low) {
						for _, k := range m.Keys {
							if !slices.Contains(st.DataTypes, k) {
								st.DataTypes = append(st.DataTypes, k)
							}
						}
					}
				}
				if timeLimited[r.key] {
					st.TimeLimit = timeLimit(s.Text)
				}
				out = append(out, st)
				break
			}
		}
	}
	return out
}

// deniable are the statements a negation turns around: "不会传输至境外"
// discloses no transfer abroad.
var deniable = map[string]bool{evidence.ClaimCrossBorder: true, evidence.ClaimPersonalization: true, evidence.ClaimSeparateConsent: true}

// deniesFirst tells whether the first match of m in low is denied: a
// negation before it in its clause, a few words away at most.
func (l *Lexicon) deniesFirst(m matcher, low []rune) bool {
	ms := m.find(low)
	if len(ms) == 0 {
		return false
	}
	at := ms[0].Start
	start := at
	for start > 0 && !clauseBreaks[low[start-1]] {
		start--
	}
	for _, n := range l.negation.find(low[start:at]) {
		if at-(start+n.End) <= 12 {
			return true
		}
	}
	return false
}

// dataStatements: the PI types a sentence names, as collected or denied.
// A sentence states collection when it (or a title above it) holds a
// collection verb; it denies when a clause holds a negation before a
// collection verb before the PI, and no exception ("without your
// consent") makes the denial conditional.
func (l *Lexicon) dataStatements(s Sentence, low []rune, next string) []Statement {
	ms := l.data.find(low)
	if len(ms) == 0 {
		return nil
	}
	verb := l.collect.has(low)
	if !verb {
		for _, t := range s.Path {
			if l.collect.has(lower(t)) {
				verb = true
				break
			}
		}
	}
	if !verb {
		return nil
	}
	cond := l.condition.has(low)
	choice := l.choice.has(low)
	// A plain denial has no exception, no question and nothing that only
	// looks like a negation ("包括并不限于").
	excepted := l.exception.has(low) || l.notNeg.has(low) || strings.HasSuffix(strings.TrimSpace(s.Text), "？") || strings.HasSuffix(strings.TrimSpace(s.Text), "?") ||
		// An exception may come in the next sentence ("…。除非获得您的授权。").
		containsAny(strings.ToLower(next), nextExceptions)
	pos := Statement{Key: evidence.ClaimCollects, Conditional: cond, Choice: choice, Sentence: s}
	neg := Statement{Key: evidence.ClaimNotCollects, Sentence: s}
	for _, m := range ms {
		st := &pos
		// A denial under a condition ("若您不授权，我们不会收集…") says
		// what happens when the user allows it: a conditional collection.
		switch negated, denied := l.denied(low, m); {
		case denied && !excepted && !cond:
			st = &neg
		case negated && !cond:
			// Denied from afar or with an exception: neither a
			// collection nor a plain denial.
			continue
		}
		for _, k := range m.Keys {
			if !slices.Contains(st.DataTypes, k) {
				st.DataTypes = append(st.DataTypes, k)
			}
		}
		if !slices.Contains(st.Terms, m.Term) {
			st.Terms = append(st.Terms, m.Term)
		}
	}
	var out []Statement
	if len(pos.DataTypes) > 0 {
		out = append(out, pos)
	}
	if len(neg.DataTypes) > 0 {
		out = append(out, neg)
	}
	return out
}

// clauseBreaks end a clause: a denial holds within its clause only.
var clauseBreaks = map[rune]bool{'，': true, ',': true, '：': true, ':': true, '；': true, ';': true, '。': true, '(': true, '（': true}

// maxClauseLook bounds how far back a denial is looked for: a sentence of
// thousands of listed terms costs linear time, not quadratic.
const maxClauseLook = 40

// denied tells whether mention m is negated (in its clause, a negation
// comes before a collection verb that comes before m) and whether the
// denial is plain: m is the verb's object, a few words after it, and the
// clause ends with it (nothing such as 用于… or 与…关联 follows that
// limits what is denied).
func (l *Lexicon) denied(low []rune, m Mention) (negated, denied bool) {
	start := m.Start
	for start > 0 && m.Start-start < maxClauseLook && !clauseBreaks[low[start-1]] {
		start--
	}
	clause := low[start:m.Start]
	verbs := l.denyVerb.find(clause)
	if len(verbs) == 0 {
		return false, false
	}
	v := verbs[len(verbs)-1]
	// The app's handler denies, not an SDK or a partner ("该SDK不会获取…").
	if !subjectIsUs(string(clause[:v.Start])) {
		return true, false
	}
	for _, n := range l.negation.find(clause[:v.Start]) {
		// The negation governs the verb: nothing but an adverb or two
		// between them ("不会主动收集", "do not ever collect"), not
		// another verb ("无需输入验证码即可读取").
		if gap := clause[n.End:v.Start]; len(gap) <= 4 || len(gap) <= 12 && asciiOnly(gap) {
			obj := clause[v.End:]
			return true, (len(obj) <= 15 || len(obj) <= 25 && asciiOnly(obj)) && l.clauseEndsAfter(low, m.End)
		}
	}
	return false, false
}

func asciiOnly(r []rune) bool {
	for _, c := range r {
		if c >= 0x80 {
			return false
		}
	}
	return true
}

// trailers may follow the denied PI before the clause ends: the rest of
// its name ("信息"), "等", a list of more PI.
var trailers = []string{"信息", "数据", "权限", "内容", "记录", "等", "等信息", "等个人信息", "information", "data", "etc", "or", "and", "your", "any",
	"under", "the", "age", "of", "years", "old", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "岁", "周岁"}

// clauseEndsAfter tells whether nothing but PI names, list marks and
// trailers lie between position i and the clause's end.
func (l *Lexicon) clauseEndsAfter(low []rune, i int) bool {
	for k := 0; i < len(low) && k < maxClauseLook; k++ {
		c := low[i]
		if clauseBreaks[c] || c == '\n' || c == '！' || c == '!' {
			return true
		}
		if c == '、' || c == ' ' || c == '和' || c == '及' || c == '或' || c == '/' || c == '）' || c == ')' || c == '（' || c == '(' || c == '.' {
			i++
			continue
		}
		if n, _ := l.data.at(low, i); n > 0 {
			i += n // another PI the denial lists
			continue
		}
		matched := false
		for _, t := range trailers {
			tr := []rune(t)
			if i+len(tr) <= len(low) && slices.Equal(low[i:i+len(tr)], tr) {
				i += len(tr)
				matched = true
				break
			}
		}
		if !matched {
			return i == len(low)
		}
	}
	return i >= len(low)
}

// sdkWords mark a sentence or a table as being about third-party SDKs.
var sdkWords = []string{"sdk", "第三方", "合作方", "third-party", "third party", "partner", "插件"}

// row reads a table row: a row of an SDK list (its header or row names
// an SDK) is an SDK statement with the PI types the row names; another
// row that names PI types under a collection header is a collection
// statement.
func (l *Lexicon) row(s Sentence, low []rune) []Statement {
	if slices.Equal(s.Cells, s.Header) {
		return nil // the header row itself
	}
	header := strings.ToLower(strings.Join(s.Header, " "))
	ms := l.data.find(low)
	var types, terms []string
	for _, m := range ms {
		for _, k := range m.Keys {
			if !slices.Contains(types, k) {
				types = append(types, k)
			}
		}
		terms = append(terms, m.Term)
	}
	sdkTable := containsAny(header, sdkWords) || containsAny(strings.ToLower(s.Text), []string{"sdk"})
	if sdkTable {
		name, vendor := rowNameVendor(s)
		if name == "" {
			return nil
		}
		return []Statement{{Key: evidence.ClaimSDK, Name: name, Vendor: vendor, Purpose: rowCell(s, "目的", "用途", "场景", "purpose"), DataTypes: types, Terms: terms, Sentence: s}}
	}
	if len(types) == 0 || !(l.collect.has(lower(header)) || l.collect.has(low) || containsAny(header, []string{"信息", "information", "data"})) {
		return nil
	}
	return []Statement{{Key: evidence.ClaimCollects, DataTypes: types, Terms: terms, Sentence: s}}
}

// rowNameVendor picks, in an SDK-list row, the SDK's name (the cell under
// a name header, else the first cell) and its company.
func rowNameVendor(s Sentence) (name, vendor string) {
	for i, h := range s.Header {
		if i >= len(s.Cells) {
			break
		}
		hl := strings.ToLower(h)
		switch {
		case name == "" && containsAny(hl, []string{"名称", "name", "sdk"}) && !containsAny(hl, []string{"公司", "主体", "company", "provider", "vendor"}):
			name = s.Cells[i]
		case vendor == "" && containsAny(hl, []string{"公司", "主体", "提供方", "company", "provider", "vendor", "运营方"}):
			vendor = s.Cells[i]
		}
	}
	if name == "" && len(s.Cells) > 0 {
		name = s.Cells[0]
	}
	return strings.TrimSpace(name), strings.TrimSpace(vendor)
}

// sdkLabels introduce an SDK's name in a list written as text
// ("第三方SDK名称：个推 公司全称：…").
var sdkLabels = []string{"SDK名称：", "SDK名称:", "SDK 名称：", "SDK名称 ：", "SDK name:", "SDK Name:", "SDK:"}

// nameEnds end a name after a label: the next label or a separator.
var nameEnds = []string{" ", "　", "，", ",", "；", ";", "。", "公司", "使用目的", "目的", "收集", "官网", "（", "("}

// labelledSDKs reads the SDK names after "SDK名称：" labels; a label may
// introduce several names separated by 、.
func labelledSDKs(s Sentence) []Statement {
	var out []Statement
	t := s.Text
	for _, label := range sdkLabels {
		for rest := t; ; {
			i := strings.Index(rest, label)
			if i < 0 {
				break
			}
			rest = rest[i+len(label):]
			seg := strings.TrimLeft(rest, " ")
			end := len(seg)
			for _, e := range nameEnds {
				if k := strings.Index(seg, e); k >= 0 && k < end {
					end = k
				}
			}
			for _, name := range strings.Split(seg[:end], "、") {
				name = strings.TrimSpace(name)
				if n := utf8.RuneCountInString(name); n >= 2 && n <= 30 {
					out = append(out, Statement{Key: evidence.ClaimSDK, Name: name, Sentence: s})
				}
			}
		}
	}
	return out
}

// sdkSentence reads "我们接入了友盟SDK" / "we use the Firebase SDK": the
// words just before "SDK" name it.
func (l *Lexicon) sdkSentence(s Sentence) (Statement, bool) {
	t := s.Text
	i := strings.Index(strings.ToLower(t), "sdk")
	if i <= 0 {
		return Statement{}, false
	}
	before := strings.TrimRight(t[:i], " ")
	cut := strings.LastIndexAny(before, "，,、：:；;（(“\"《》【】 的了")
	name := before
	if cut >= 0 {
		_, size := utf8.DecodeRuneInString(before[cut:])
		name = before[cut+size:]
	}
	for _, w := range []string{"包括", "接入", "集成", "使用", "嵌入", "引入", "如", "例如", "the", "The"} {
		if k := strings.LastIndex(name, w); k >= 0 {
			name = name[k+len(w):]
		}
	}
	name = strings.TrimSpace(name)
	if n := utf8.RuneCountInString(name); n < 2 || n > 24 || containsAny(strings.ToLower(name), []string{"第三方", "third", "该", "此", "相关", "上述", "以下", "我们", "您", "可能", "通过", "会", "将", "等", "these", "this", "our", "party", "any"}) {
		return Statement{}, false
	}
	return Statement{Key: evidence.ClaimSDK, Name: name + " SDK", Sentence: s}, true
}

func containsAny(s string, words []string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// titled tells whether a title of path holds a term of the first group of
// statement rule ri in language li.
func (l *Lexicon) titled(ri, li int, path []string) bool {
	for _, t := range path {
		hit := false
		l.stmt.each(lower(t), func(x term) { hit = hit || x.tag == (tag{ri, li, 0}) })
		if hit {
			return true
		}
	}
	return false
}

// timeLimited are the statements whose handling time matters (at most 15
// working days, per the 2019 认定方法 六 and MIIT's notices).
var timeLimited = map[string]bool{evidence.ClaimAccountDeletion: true, evidence.ClaimComplaint: true, evidence.ClaimRights: true}

var timeLimitRE = regexp.MustCompile(`(?i)([0-9]{1,3}|[一二三四五六七八九十]{1,3})\s*(?:个)?\s*(工作日|自然日|日|天|小时|business days|working days|days|hours)`)

// timeLimit returns the first handling time a sentence gives, or "".
func timeLimit(t string) string {
	return timeLimitRE.FindString(t)
}

// rowCell returns the cell of a row under the first header that holds one
// of words, or "".
func rowCell(s Sentence, words ...string) string {
	for i, h := range s.Header {
		if i < len(s.Cells) && containsAny(strings.ToLower(h), words) {
			return strings.TrimSpace(s.Cells[i])
		}
	}
	return ""
}

func lastRune(t string) string {
	if t == "" {
		return ""
	}
	r, _ := utf8.DecodeLastRuneInString(t)
	return string(r)
}

// nextExceptions, opening the next sentence, qualify a denial.
var nextExceptions = []string{"除非", "除外", "仅", "只", "但", "unless", "only", "except", "however", "but "}

// subjectIsUs tells whether the words before a denial's verb name the
// app's handler as its subject (or no subject: "不会收集…"), not an SDK, a
// partner or a feature.
func subjectIsUs(before string) bool {
	b := strings.ToLower(before)
	if containsAny(b, []string{"sdk", "第三方", "合作方", "合作伙伴", "服务商", "供应商", "partner", "third part", "vendor", "provider", "advertiser"}) {
		return false
	}
	return true
}
