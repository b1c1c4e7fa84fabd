package main

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/hegui/hegui/internal/scan"
)

// targetGroups reads --target flags and a --targets file into groups of
// paths, one group per target.
func targetGroups(flags []string, file string) ([][]string, error) {
	var groups [][]string
	for _, f := range flags {
		var g []string
		for _, p := range strings.Split(f, ",") {
			if p = strings.TrimSpace(p); p != "" {
				g = append(g, p)
			}
		}
		if len(g) == 0 {
			return nil, usageErr("--target %q: name the files of the target, separated by commas", f)
		}
		groups = append(groups, g)
	}
	if file == "" {
		return groups, nil
	}
	if st, err := os.Stat(file); err == nil && st.Size() > scan.MaxTargetsFile {
		return nil, usageErr("--targets %s: %d bytes, larger than %d", file, st.Size(), scan.MaxTargetsFile)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, usageErr("--targets: %v", err)
	}
	more, err := scan.ParseTargets(b, filepath.Dir(file))
	if err != nil {
		return nil, usageErr("--targets %s: %v", file, err)
	}
	return append(groups, more...), nil
}
