package main

import (
	"errors"
	"sort"

	"github.com/hegui/hegui/internal/scan"
)

// loadEnv builds the scanner: reference data, rules (built-in and the
// user's rule files) and input kinds, loaded once.
func loadEnv(g *globals, ruleFiles []string) (*scan.Scanner, error) {
	return loadEnvWith(g, scan.Config{RuleFiles: ruleFiles})
}

// loadEnvWith builds the scanner from cfg, with the process's logger and
// version.
func loadEnvWith(g *globals, cfg scan.Config) (*scan.Scanner, error) {
	cfg.Log, cfg.ToolVersion = g.logger(), version
	sc, err := scan.New(cfg)
	var ce *scan.ConfigError
	if errors.As(err, &ce) {
		return nil, usageErr("%v", ce.Err)
	}
	return sc, err
}

func sortedKV(m map[string]string) [][2]string {
	out := make([][2]string, 0, len(m))
	for k, v := range m {
		out = append(out, [2]string{k, v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] })
	return out
}
