package scan

import (
	"bytes"
	"fmt"
	"path/filepath"

	"go.yaml.in/yaml/v3"
)

// MaxTargetsFile bounds a targets file.
const MaxTargetsFile = 4 << 20

// targetsFile is the YAML shape of a targets file:
//
//	targets:
//	  - inputs: [didi.apk, didi-policy.html, didi.pcap]
//	  - inputs: [meituan.apk, meituan-policy.pdf]
//
// A report is named by its app's identity, so a target has no name of its
// own.
type targetsFile struct {
	Targets []struct {
		Inputs []string `yaml:"inputs"`
	} `yaml:"targets"`
}

// ParseTargets reads a targets file into groups of paths, one group per
// target; relative paths are taken relative to dir (the file's folder).
func ParseTargets(data []byte, dir string) ([][]string, error) {
	if len(data) > MaxTargetsFile {
		return nil, fmt.Errorf("%d bytes, larger than %d", len(data), MaxTargetsFile)
	}
	var tf targetsFile
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&tf); err != nil {
		return nil, err
	}
	if len(tf.Targets) == 0 {
		return nil, fmt.Errorf("no targets (want a list under \"targets:\")")
	}
	var groups [][]string
	for i, t := range tf.Targets {
		if len(t.Inputs) == 0 {
			return nil, fmt.Errorf("target %d has no inputs", i+1)
		}
		var g []string
		for _, p := range t.Inputs {
			if p == "" {
				return nil, fmt.Errorf("target %d: an empty path", i+1)
			}
			if !filepath.IsAbs(p) {
				p = filepath.Join(dir, p)
			}
			g = append(g, p)
		}
		groups = append(groups, g)
	}
	return groups, nil
}
