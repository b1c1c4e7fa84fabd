package main

import (
	"fmt"
	"os"
	"sort"

	"github.com/hegui/hegui/data"
	"github.com/hegui/hegui/internal/catalog"
	"github.com/hegui/hegui/internal/law"
	"github.com/hegui/hegui/internal/rules"
)

// maxRuleFile bounds a user rule file.
const maxRuleFile = 4 << 20

// env is the loaded reference data and rules.
type env struct {
	cat    *catalog.Catalog
	law    *law.Catalog
	engine *rules.Engine
}

// loadEnv loads the embedded catalog, the legal catalog, the built-in rules
// and any user rule files.
func loadEnv(g *globals, ruleFiles []string) (*env, error) {
	// The two catalogs decode independently: load them side by side.
	var lc *law.Catalog
	var lawErr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		lc, lawErr = law.Load()
	}()
	cat, err := catalog.Load()
	<-done
	if err != nil {
		return nil, fmt.Errorf("reference data: %w", err)
	}
	if lawErr != nil {
		return nil, fmt.Errorf("legal catalog: %w", lawErr)
	}
	rs, err := rules.LoadFS(data.FS, "rules")
	if err != nil {
		return nil, fmt.Errorf("built-in rules: %w", err)
	}
	for _, f := range ruleFiles {
		if st, err := os.Stat(f); err == nil && st.Size() > maxRuleFile {
			return nil, usageErr("--rules %s: %d bytes, larger than %d", f, st.Size(), maxRuleFile)
		}
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, usageErr("--rules: %v", err)
		}
		user, err := rules.Parse(b, f)
		if err != nil {
			return nil, usageErr("--rules %s: %v", f, err)
		}
		rs = append(rs, user...)
	}
	eng, err := rules.New(cat, lc, rs)
	if err != nil {
		return nil, usageErr("rules: %v", err)
	}
	return &env{cat: cat, law: lc, engine: eng}, nil
}

func (e *env) dataVersions() map[string]string {
	out := map[string]string{}
	for k, v := range e.cat.Versions() {
		out[k] = v
	}
	for k, v := range e.law.Versions() {
		out[k] = v
	}
	return out
}

func sortedKV(m map[string]string) [][2]string {
	out := make([][2]string, 0, len(m))
	for k, v := range m {
		out = append(out, [2]string{k, v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] })
	return out
}
