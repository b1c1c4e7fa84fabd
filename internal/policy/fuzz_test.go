package policy

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"unicode/utf8"
)

// FuzzRead reads arbitrary bytes as a policy (HTML, text or Markdown,
// any encoding) within small limits, splits sentences and extracts
// statements. Nothing may panic, the limits must hold, and every sentence
// and statement must point at its text.
func FuzzRead(f *testing.F) {
	for _, name := range []string{"ca4p/raw/0506.html", "appcorp.txt"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b[:min(len(b), 8<<10)], name)
	}
	f.Add([]byte(`<html><meta charset="gbk"><table><tr><td>SDK名称</td><tr><td>友盟</td><td>设备信息</td></table><pre>一、收集
我们不会收集您的通讯录。</pre>`), "p.html")
	f.Add([]byte("\xff\xfe<\x00p\x00>\x00"), "p.html")
	f.Add([]byte("# 隐私政策\n| SDK | 公司 |\n|---|---|\n| 极光 | 极光 |\n- 我们收集IMEI\n"), "p.md")
	l := lexicon(f)
	f.Fuzz(func(t *testing.T, data []byte, name string) {
		lim := Limits{MaxInput: 1 << 20, MaxText: 16 << 10, MaxBlocks: 500}
		d, err := Read(context.Background(), data, name, lim)
		if err != nil {
			return
		}
		if len(d.Text) > lim.MaxText || len(d.Blocks) > lim.MaxBlocks || !utf8.ValidString(d.Text) {
			t.Fatalf("limits: %d bytes of text, %d blocks, valid UTF-8 %v", len(d.Text), len(d.Blocks), utf8.ValidString(d.Text))
		}
		sents := Sentences(d)
		checkSpans(t, d, sents)
		for _, st := range l.Extract(sents) {
			if st.Key == "" || st.Sentence.Text == "" {
				t.Fatalf("an empty statement: %+v", st)
			}
		}
		n := len([]rune(d.Text))
		for _, sp := range l.Tag(d.Text) {
			if sp.Start < 0 || sp.End > n || sp.Start >= sp.End || !slices.Contains(Labels, sp.Label) {
				t.Fatalf("span %+v in a text of %d characters", sp, n)
			}
		}
	})
}

// FuzzParseAPPCorp reads arbitrary bytes as an APPCorp fold: an error or
// paragraphs of known categories, never a panic.
func FuzzParseAPPCorp(f *testing.F) {
	f.Add([]byte("Data_Retention\nWe keep it .\n\nPolicy_Change\nWe may update .\n"))
	f.Add([]byte("Unknown\nx\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		ps, err := ParseAPPCorp(b)
		if err != nil {
			return
		}
		for _, p := range ps {
			if !slices.Contains(Sections, p.Label) {
				t.Fatalf("paragraph of unknown category %q", p.Label)
			}
		}
	})
}

// FuzzParseSectionModel reads arbitrary bytes as a classifier model: an
// error, or a model that classifies without panicking.
func FuzzParseSectionModel(f *testing.F) {
	f.Add([]byte("hegui-sections 1\nclasses a b\nbias 0.1 -0.1\nword\t0:1.5\t1:-0.5\n"))
	f.Add([]byte("hegui-sections 1\nclasses a\nbias 0\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := ParseSectionModel(b)
		if err != nil {
			return
		}
		m.Classify("word other words")
	})
}

// FuzzParseCA4P reads arbitrary page and annotation bytes as one CA4P
// document: an error, or spans that lie in the text.
func FuzzParseCA4P(f *testing.F) {
	raw, err := os.ReadFile(filepath.Join("testdata", "ca4p", "raw", "0544.html"))
	if err != nil {
		f.Fatal(err)
	}
	ann, err := os.ReadFile(filepath.Join("testdata", "ca4p", "annotations", "0544.json"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(raw[:min(len(raw), 4<<10)], ann[:min(len(ann), 2<<10)])
	f.Add([]byte("<pre>我们收集&amp;使用</pre>"), []byte(`[{"classId":"e_21","classId_name":"数据","start":0,"end":2}]`))
	f.Fuzz(func(t *testing.T, raw, ann []byte) {
		d, err := ParseCA4P("x", raw, ann)
		if err != nil {
			return
		}
		n := utf8.RuneCountInString(d.Text)
		for _, g := range d.Gold {
			if g.Start < 0 || g.End > n || g.Start >= g.End {
				t.Fatalf("gold span %+v in %d characters", g, n)
			}
		}
		for _, sg := range d.Segments {
			if sg[0] < 0 || sg[1] > n || sg[0] >= sg[1] {
				t.Fatalf("segment %v in %d characters", sg, n)
			}
		}
	})
}
