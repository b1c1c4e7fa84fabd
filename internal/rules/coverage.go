package rules

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/hegui/hegui/internal/evidence"
)

// Checks about the scan's own coverage: evidence that could not be read.

// lostParts returns the errors that lost evidence, by part. Errors with no
// part (not classified by their analyzer) count as "other"; a packer's
// encryption is left to the packer rule.
func lostParts(set *evidence.Set) map[evidence.Part][]evidence.Error {
	out := map[evidence.Part][]evidence.Error{}
	for _, e := range set.Errors {
		if e.Cause == evidence.CausePacker {
			continue
		}
		p := e.Part
		if p == "" {
			p = evidence.PartOther
		}
		out[p] = append(out[p], e)
	}
	return out
}

// evidenceIncomplete reports each lost part. With param grave "true" it
// reports what a gate must not pass over (evidence.Grave), otherwise the
// rest.
func evidenceIncomplete(env *Env) ([]Match, *Text) {
	grave := env.Rule.Params["grave"] == "true"
	var ms []Match
	for _, part := range []evidence.Part{evidence.PartInput, evidence.PartManifest, evidence.PartCode, evidence.PartResources,
		evidence.PartAssets, evidence.PartContent, evidence.PartOther} {
		errs := lostParts(env.Set)[part]
		var obs []evidence.Observation
		total := 0
		for _, e := range errs {
			if evidence.Grave(part, e.Cause) != grave {
				continue
			}
			total += 1 + e.More
			if e.More > 0 {
				continue
			}
			obs = append(obs, evidence.Observation{Kind: evidence.Property, Key: "evidence_incomplete", Level: evidence.Present,
				Where: evidence.Location{File: e.File}, Source: e.Source,
				Detail: map[string]string{"part": string(part), "cause": string(e.Cause), "error": e.Err}})
		}
		if total == 0 {
			continue
		}
		ms = append(ms, Match{Subject: string(part), Evidence: obs, Detail: map[string]string{"errors": strconv.Itoa(total)}})
	}
	return ms, nil
}

// whyIncomplete says a rule was not judged because parts it reads were
// lost, naming the first error.
func whyIncomplete(parts []evidence.Part, first evidence.Error) *Text {
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
	return &Text{
		En: fmt.Sprintf("evidence incomplete: %s not fully read (%s%s)", strings.Join(names, ", "), where, msg),
		Zh: fmt.Sprintf("证据不完整：%s未能完整读取（%s%s）", partsZh(parts), where, msg),
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
// error among them.
func unread(r *Rule, lost map[evidence.Part][]evidence.Error) ([]evidence.Part, evidence.Error) {
	var parts []evidence.Part
	var first evidence.Error
	for _, p := range r.parts() {
		if errs := lost[p]; len(errs) > 0 {
			if len(parts) == 0 {
				first = errs[0]
			}
			parts = append(parts, p)
		}
	}
	return parts, first
}

// parts lists what a rule reads: its reads, and code for needs_bytecode.
func (r *Rule) parts() []evidence.Part {
	ps := append([]evidence.Part(nil), r.Reads...)
	if r.NeedsBytecode && !contains(ps, evidence.PartCode) {
		ps = append(ps, evidence.PartCode)
	}
	return ps
}

func contains(ps []evidence.Part, p evidence.Part) bool {
	for _, q := range ps {
		if q == p {
			return true
		}
	}
	return false
}
