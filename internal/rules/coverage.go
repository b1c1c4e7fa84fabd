package rules

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/hegui/hegui/internal/evidence"
)

// Checks about the scan's own coverage: evidence that could not be read.

// allParts are the parts a rule may read.
var allParts = []evidence.Part{evidence.PartCode, evidence.PartManifest, evidence.PartResources, evidence.PartAssets,
	evidence.PartContent, evidence.PartOther}

// lostParts returns the errors that lost evidence, by part. Errors with no
// part (not classified by their analyzer) count as "other".
func lostParts(set *evidence.Set) map[evidence.Part][]evidence.Error {
	out := map[evidence.Part][]evidence.Error{}
	for _, e := range set.Errors {
		p := e.Part
		if p == "" {
			p = evidence.PartOther
		}
		out[p] = append(out[p], e)
	}
	return out
}

// evidenceIncomplete reports each lost part and cause: what a gate must not
// pass over (evidence.Grave) with param grave "true", the rest otherwise.
// A packer's encryption has its own rule and a part the input kind does
// not carry was not lost: neither is reported here. The subject names part
// and cause, so accepting one known loss does not accept another.
func evidenceIncomplete(env *Env) ([]Match, *Text) {
	grave := env.Rule.Params["grave"] == "true"
	lost := lostParts(env.Set)
	var ms []Match
	for _, part := range append([]evidence.Part{evidence.PartInput}, allParts...) {
		byCause := map[evidence.Cause]*Match{}
		var order []evidence.Cause
		for _, e := range lost[part] {
			if e.Cause == evidence.CausePacker || e.Cause == evidence.CauseAbsent || evidence.Grave(part, e.Cause) != grave {
				continue
			}
			m := byCause[e.Cause]
			if m == nil {
				subject := string(part)
				if e.Cause != "" {
					subject += "/" + string(e.Cause)
				}
				m = &Match{Subject: subject, Detail: map[string]string{"errors": "0"}}
				byCause[e.Cause] = m
				order = append(order, e.Cause)
			}
			n, _ := strconv.Atoi(m.Detail["errors"])
			m.Detail["errors"] = strconv.Itoa(n + 1 + e.More)
			if e.More > 0 {
				continue
			}
			m.Evidence = append(m.Evidence, evidence.Observation{Kind: evidence.Property, Key: "evidence_incomplete", Level: evidence.Present,
				Where: evidence.Location{File: e.File}, Source: e.Source,
				Detail: map[string]string{"part": string(part), "cause": string(e.Cause), "error": e.Err}})
		}
		for _, c := range order {
			ms = append(ms, *byCause[c])
		}
	}
	return ms, nil
}

// whyIncomplete says a rule was not judged because parts it reads were
// lost, naming the first error.
func whyIncomplete(parts []evidence.Part, first evidence.Error) *Text {
	if first.Cause == evidence.CausePacker {
		return whyPacked
	}
	names := make([]string, len(parts))
	for i, p := range parts {
		names[i] = string(p)
	}
	where := first.File
	if where != "" {
		where += ": "
	}
	msg := first.Err
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i] + " …"
	}
	if r := []rune(msg); len(r) > 160 {
		msg = string(r[:160]) + "…"
	}
	verb, verbZh := "not fully read", "未能完整读取"
	if first.Cause == evidence.CauseAbsent {
		verb, verbZh = "not in the input", "不在输入中"
	}
	return &Text{
		En: fmt.Sprintf("evidence incomplete: %s %s (%s%s)", strings.Join(names, ", "), verb, where, msg),
		Zh: fmt.Sprintf("证据不完整：%s%s（%s%s）", partsZh(parts), verbZh, where, msg),
	}
}

func partsZh(parts []evidence.Part) string {
	zh := map[evidence.Part]string{
		evidence.PartInput: "输入文件", evidence.PartCode: "代码", evidence.PartManifest: "清单", evidence.PartResources: "资源",
		evidence.PartAssets: "资产文件", evidence.PartContent: "内容", evidence.PartOther: "其他部分",
	}
	out := make([]string, len(parts))
	for i, p := range parts {
		out[i] = zh[p]
	}
	return strings.Join(out, "、")
}

// unread returns the parts a rule reads that lost evidence, and the first
// error among them. An input lost as a whole (PartInput) costs every part.
func unread(r *Rule, lost map[evidence.Part][]evidence.Error) ([]evidence.Part, evidence.Error) {
	if errs := lost[evidence.PartInput]; len(errs) > 0 {
		return []evidence.Part{evidence.PartInput}, errs[0]
	}
	return lostOf(r.parts(), lost)
}

// lostOf returns, of parts, those that were lost, and the first error.
func lostOf(parts []evidence.Part, lost map[evidence.Part][]evidence.Error) ([]evidence.Part, evidence.Error) {
	var out []evidence.Part
	var first evidence.Error
	for _, p := range parts {
		if errs := lost[p]; len(errs) > 0 {
			if len(out) == 0 {
				first = errs[0]
			}
			out = append(out, p)
		}
	}
	return out, first
}

// parts lists what a rule reads: its reads, and code for needs_bytecode. A
// user rule that states no reads may read anything: every part.
func (r *Rule) parts() []evidence.Part {
	if len(r.Reads) == 0 && r.Source != "builtin" && r.Source != "" {
		return allParts
	}
	ps := slices.Clone(r.Reads)
	if r.NeedsBytecode && !slices.Contains(ps, evidence.PartCode) {
		ps = append(ps, evidence.PartCode)
	}
	return ps
}
