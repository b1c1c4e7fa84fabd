package rules

import (
	"io/fs"
	"os"
	"testing"

	"github.com/hegui/hegui/data"
	"github.com/hegui/hegui/internal/catalog"
	"github.com/hegui/hegui/internal/law"
)

// FuzzRuleFile feeds hostile rule files, the one input of a scan a user
// writes as code (YAML with CEL expressions): Parse and New must reject
// them with an error or accept them, never panic; a rule file that loads
// must run over evidence, and each finding must name a loaded rule that
// states its legal basis.
func FuzzRuleFile(f *testing.F) {
	cat, err := catalog.Load()
	if err != nil {
		f.Fatal(err)
	}
	lc, err := law.Load()
	if err != nil {
		f.Fatal(err)
	}
	seeds, err := fs.Glob(data.FS, "rules/*.yaml")
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range seeds {
		b, err := fs.ReadFile(data.FS, name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	if b, err := os.ReadFile("../../testdata/rules/example.yaml"); err == nil {
		f.Add(b)
	}
	for _, s := range []string{
		"", "version: 1\nrules: []\n", "rules: [{id: HG-X-1}]\n",
		"version: 1\nrules:\n- id: HG-X-1\n  severity: high\n  title: {zh: 测, en: t}\n  legal_basis: [PIPL-28]\n  condition: '\"contacts\" in referenced'\n",
		"version: 1\nrules:\n- id: HG-X-2\n  severity: low\n  title: {zh: 测, en: t}\n  legal_basis: [PIPL-13]\n  for_each: observation\n  condition: 'o.rank >= 0 && o.detail.api != \"\"'\n  subject: 'o.key'\n",
		"a: &a [*a, *a]\n", "rules: !!binary AAAA\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > 64<<10 {
			return
		}
		rs, err := Parse(b, "fuzz.yaml")
		if err != nil {
			return
		}
		e, err := New(cat, lc, rs, testInputs{})
		if err != nil {
			return
		}
		for _, opts := range []Options{{}, {AppType: "news"}} {
			res := e.Run(sampleSet(), opts)
			for _, fd := range res.Findings {
				r, ok := e.Rule(fd.RuleID)
				if !ok || len(r.LegalBasis) == 0 {
					t.Fatalf("finding %s from no loaded rule with a legal basis", fd.RuleID)
				}
			}
		}
	})
}
