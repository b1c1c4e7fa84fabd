package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"
)

// maxTargetsFile bounds a targets file.
const maxTargetsFile = 4 << 20

// targetsFile is the YAML shape of --targets:
//
//	targets:
//	  - inputs: [didi.apk, didi-policy.html, didi.pcap]
//	  - inputs: [meituan.apk, meituan-policy.pdf]
//
// Relative paths are relative to the file's folder.
type targetsFile struct {
	Targets []struct {
		Name   string   `yaml:"name"`
		Inputs []string `yaml:"inputs"`
	} `yaml:"targets"`
}

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
	if st, err := os.Stat(file); err == nil && st.Size() > maxTargetsFile {
		return nil, usageErr("--targets %s: %d bytes, larger than %d", file, st.Size(), maxTargetsFile)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, usageErr("--targets: %v", err)
	}
	var tf targetsFile
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&tf); err != nil {
		return nil, usageErr("--targets %s: %v", file, err)
	}
	if len(tf.Targets) == 0 {
		return nil, usageErr("--targets %s: no targets (want a list under \"targets:\")", file)
	}
	dir := filepath.Dir(file)
	for i, t := range tf.Targets {
		if len(t.Inputs) == 0 {
			return nil, usageErr("--targets %s: target %d has no inputs", file, i+1)
		}
		var g []string
		for _, p := range t.Inputs {
			if !filepath.IsAbs(p) {
				p = filepath.Join(dir, p)
			}
			g = append(g, p)
		}
		groups = append(groups, g)
	}
	return groups, nil
}
