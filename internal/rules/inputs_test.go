package rules

import (
	"github.com/hegui/hegui/internal/evidence"
	"github.com/hegui/hegui/internal/text"
)

// testInputs stands for the scan's registry of input kinds: the engine's
// tests cannot import the scan, which imports the engine.
type testInputs struct{}

var testKinds = map[string]evidence.Class{
	"android": evidence.ClassPackage, "ios": evidence.ClassPackage, "harmony": evidence.ClassPackage,
	"policy": evidence.ClassPolicy, "traffic": evidence.ClassTraffic, "evidence": evidence.ClassEvidence,
	"package": evidence.ClassPackage,
}

func (testInputs) ClassOf(name string) (evidence.Class, bool) {
	c, ok := testKinds[name]
	return c, ok
}

func (testInputs) Label(name string) text.Text {
	zh := map[string]string{"android": "Android安装包", "policy": "隐私政策", "traffic": "网络流量", "evidence": "证据文件"}[name]
	return text.New(name, zh)
}

func (testInputs) Names() []string {
	return []string{"android", "ios", "harmony", "package", "policy", "traffic", "evidence"}
}
