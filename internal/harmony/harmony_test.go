package harmony

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/hegui/hegui/internal/artifact"
	"github.com/hegui/hegui/internal/artifact/ziptest"
	"github.com/hegui/hegui/internal/catalog"
	"github.com/hegui/hegui/internal/evidence"
)

const td = "../../testdata/harmony/"

func analyze(t *testing.T, path string) (*evidence.Set, error) {
	t.Helper()
	cat, err := catalog.Load()
	if err != nil {
		t.Fatal(err)
	}
	a, err := New(cat, nil)
	if err != nil {
		t.Fatal(err)
	}
	in, err := artifact.Open(path, artifact.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	return a.Analyze(context.Background(), in)
}

func reasons(set *evidence.Set) map[string]string {
	out := map[string]string{}
	for _, o := range set.Of(evidence.Property) {
		if o.Key == PropPermissionReason {
			out[o.Attr(evidence.DetailName)] = o.Attr(evidence.DetailReason)
		}
	}
	return out
}

func TestHAP(t *testing.T) {
	for _, f := range []string{"lock.hap", "lock.app"} {
		set, err := analyze(t, td+f)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		tg := set.Target
		if tg.Kind != "harmony" || tg.ID != "com.example.smartlock" || tg.Version != "1.0.5" || tg.VersionCode != "1000005" || tg.Attrs["abc_version"] != "11.0.2.0" {
			t.Errorf("%s: target %+v", f, tg)
		}
		if perms := set.Keys(evidence.Permission); len(perms) != 5 {
			t.Errorf("%s: permissions %v", f, perms)
		}
		// Missing and bare reasons of user_grant permissions; not INTERNET
		// (system_grant), not the $string: reference (not resolved).
		want := map[string]string{"ohos.permission.CAMERA": "missing", "ohos.permission.MICROPHONE": "generic"}
		if got := reasons(set); len(got) != 2 || got["ohos.permission.CAMERA"] != want["ohos.permission.CAMERA"] || got["ohos.permission.MICROPHONE"] != want["ohos.permission.MICROPHONE"] {
			t.Errorf("%s: reasons %v, want %v", f, got, want)
		}
		var reads []string
		for _, o := range set.Of(evidence.DataType) {
			if o.Level == evidence.Referenced {
				reads = append(reads, o.Key)
			}
		}
		slices.Sort(reads)
		// The pasteboard is imported but never read.
		if !slices.Equal(reads, []string{"oaid", "precise_location"}) {
			t.Errorf("%s: reads %v", f, reads)
		}
		if hosts := set.Keys(evidence.Endpoint); len(hosts) != 2 {
			t.Errorf("%s: endpoints %v", f, hosts)
		}
		if c := set.Keys(evidence.Component); !slices.Contains(c, "EntryAbility") || !slices.Contains(c, "LockFormAbility") {
			t.Errorf("%s: abilities %v", f, c)
		}
	}
	set, err := analyze(t, td+"lock-clean.hap")
	if err != nil || len(reasons(set)) != 0 {
		t.Errorf("clean HAP: %v %v", reasons(set), err)
	}
}

func TestHostile(t *testing.T) {
	// A broken module.json and a broken abc: both reported, nothing else lost.
	set, err := analyze(t, ziptest.File(t, "x.hap", "module.json", `{"app": {"bundleName": `, "ets/modules.abc", "PANDA\x00\x00\x00 too short"))
	if err != nil {
		t.Fatal(err)
	}
	parts := map[evidence.Part]bool{}
	for _, e := range set.Errors {
		parts[e.Part] = true
	}
	if !parts[evidence.PartManifest] || !parts[evidence.PartCode] {
		t.Errorf("errors %+v", set.Errors)
	}
	// Neither a HAP nor an .app.
	if _, err := analyze(t, ziptest.File(t, "x.hap", "pack.info", "{}", "readme.txt", "x")); err == nil || !strings.Contains(err.Error(), "no module.json") {
		t.Errorf("no module: %v", err)
	}
}

// A public app's module.json: every permission read, the reasons that
// are resource references not judged, no bytecode no reads.
func TestPublicAppManifest(t *testing.T) {
	set, err := analyze(t, td+"campus.hap")
	if err != nil {
		t.Fatal(err)
	}
	if set.Target.ID != "hk.edu.cityu.campusnav" || len(set.Keys(evidence.Permission)) != 9 {
		t.Errorf("target %+v, permissions %v", set.Target, set.Keys(evidence.Permission))
	}
	if r := reasons(set); len(r) != 0 {
		t.Errorf("reasons judged: %v", r)
	}
	if !slices.Contains(set.Keys(evidence.DataType), "background_location") {
		t.Errorf("PI %v", set.Keys(evidence.DataType))
	}
	for _, o := range set.Of(evidence.DataType) {
		if o.Level != evidence.Declared {
			t.Errorf("a read without bytecode: %+v", o)
		}
	}
}
