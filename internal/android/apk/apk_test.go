package apk

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/hegui/hegui/internal/artifact"
	"github.com/hegui/hegui/internal/catalog"
	"github.com/hegui/hegui/internal/evidence"
)

const fixtures = "../../../testdata"

// expected mirrors the parts of testdata/apks/expected.yaml the tests use.
type expected struct {
	Fixtures []struct {
		File        string `yaml:"file"`
		Package     string `yaml:"package"`
		VersionName string `yaml:"version_name"`
		MinSDK      *int   `yaml:"min_sdk"`
		TargetSDK   *int   `yaml:"target_sdk"`
		Label       struct {
			Default string `yaml:"default"`
			Zh      string `yaml:"zh"`
		} `yaml:"label"`
		UsesPermissions []struct {
			Name   string `yaml:"name"`
			MaxSDK int    `yaml:"max_sdk"`
		} `yaml:"uses_permissions"`
		Components []struct {
			Type              string `yaml:"type"`
			Name              string `yaml:"name"`
			Exported          *bool  `yaml:"exported"`
			EffectiveExported *bool  `yaml:"effective_exported"`
		} `yaml:"components"`
		PICalls []struct {
			Dex     string   `yaml:"dex"`
			Caller  string   `yaml:"caller"`
			Method  string   `yaml:"method"`
			PIType  string   `yaml:"pi_type"`
			Party   string   `yaml:"party"`
			Args    []string `yaml:"args"`
			Catalog string   `yaml:"catalog_id"`
		} `yaml:"pi_calls"`
		Endpoints []struct {
			URL    string `yaml:"url"`
			Host   string `yaml:"host"`
			Source string `yaml:"source"`
			Caller string `yaml:"caller"`
			Party  string `yaml:"party"`
		} `yaml:"endpoints"`
		NonEndpoints []struct {
			URL string `yaml:"url"`
		} `yaml:"non_endpoints"`
	} `yaml:"fixtures"`
}

func loadExpected(t *testing.T) expected {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtures, "apks/expected.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var e expected
	if err := yaml.Unmarshal(b, &e); err != nil {
		t.Fatal(err)
	}
	return e
}

func newAnalyzer(t testing.TB) *Analyzer {
	t.Helper()
	cat, err := catalog.Load()
	if err != nil {
		t.Fatal(err)
	}
	return New(cat, nil)
}

func analyze(t testing.TB, a *Analyzer, path string) *evidence.Set {
	t.Helper()
	in, err := artifact.Open(path, artifact.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	set, err := a.Analyze(context.Background(), in)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return set
}

// TestFixturesAgainstExpected checks identity, permissions, components,
// every PI call site (caller, method, file, party) and endpoints of the
// built fixtures against the facts recorded with aapt and dexdump.
func TestFixturesAgainstExpected(t *testing.T) {
	a := newAnalyzer(t)
	for _, fx := range loadExpected(t).Fixtures {
		if fx.Package == "" || strings.HasPrefix(fx.File, "real/") {
			continue
		}
		t.Run(fx.File, func(t *testing.T) {
			set := analyze(t, a, filepath.Join(fixtures, "apks", fx.File))
			tg := set.Target
			if tg.ID != fx.Package || tg.Version != fx.VersionName || tg.Name != fx.Label.Default {
				t.Errorf("identity = %q %q %q, want %q %q %q", tg.ID, tg.Version, tg.Name, fx.Package, fx.VersionName, fx.Label.Default)
			}
			if fx.Label.Zh != "" && tg.Attrs["name_zh"] != fx.Label.Zh {
				t.Errorf("zh label = %q, want %q", tg.Attrs["name_zh"], fx.Label.Zh)
			}
			// Permissions, in manifest order, with maxSdkVersion.
			var gotPerms, wantPerms []string
			for _, o := range set.Of(evidence.Permission) {
				gotPerms = append(gotPerms, o.Key+"/"+o.Attr("max_sdk"))
			}
			for _, p := range fx.UsesPermissions {
				m := ""
				if p.MaxSDK > 0 {
					m = strconv.Itoa(p.MaxSDK)
				}
				wantPerms = append(wantPerms, p.Name+"/"+m)
			}
			assertEqual(t, "permissions", gotPerms, wantPerms)
			// Components and their exported state.
			comps := map[string]evidence.Observation{}
			for _, o := range set.Of(evidence.Component) {
				comps[o.Key] = o
			}
			for _, c := range fx.Components {
				o, ok := comps[c.Name]
				if !ok {
					t.Errorf("component %s missing", c.Name)
					continue
				}
				want := c.Exported
				if want == nil {
					want = c.EffectiveExported
				}
				if want != nil && o.Attr("exported") != boolString(*want) {
					t.Errorf("component %s exported=%s, want %v", c.Name, o.Attr("exported"), *want)
				}
				if o.Attr("type") != c.Type {
					t.Errorf("component %s type %s, want %s", c.Name, o.Attr("type"), c.Type)
				}
			}
			// Every PI call site: file, class, method, data type, party.
			var got, want []string
			for _, o := range set.Of(evidence.DataType) {
				if o.Level != evidence.Referenced {
					continue
				}
				got = append(got, strings.Join([]string{o.Where.File, o.Where.Class, o.Where.Method, o.Key, partyPrefix(o.Party)}, " | "))
			}
			for _, c := range fx.PICalls {
				party := "app"
				if c.Party != "first_party" {
					party = "sdk"
				}
				want = append(want, strings.Join([]string{c.Dex, c.Caller, c.Method, c.PIType, party}, " | "))
			}
			assertEqual(t, "PI call sites", unique(got), unique(want))
			// SDK attribution of third-party call sites names the vendor's SDK.
			for _, o := range set.Of(evidence.DataType) {
				if o.Level == evidence.Referenced && !o.Party.FirstParty() && o.Party.Name == "" {
					t.Errorf("SDK call site %s has no SDK name", o.Where)
				}
			}
			// Endpoints from code and resources; non-endpoints absent.
			hosts := map[string]evidence.Observation{}
			for _, o := range set.Of(evidence.Endpoint) {
				hosts[o.Attr("url")] = o
			}
			for _, e := range fx.Endpoints {
				if e.URL == "" {
					continue
				}
				o, ok := hosts[e.URL]
				if !ok {
					t.Errorf("endpoint %s missing (have %v)", e.URL, keys(hosts))
					continue
				}
				if o.Key != e.Host {
					t.Errorf("endpoint %s host %s, want %s", e.URL, o.Key, e.Host)
				}
				if e.Caller != "" && o.Where.Class != e.Caller {
					t.Errorf("endpoint %s caller %s, want %s", e.URL, o.Where.Class, e.Caller)
				}
			}
			for _, ne := range fx.NonEndpoints {
				if _, ok := hosts[ne.URL]; ok {
					t.Errorf("%s reported as an endpoint", ne.URL)
				}
			}
			if len(set.Errors) > 0 {
				t.Errorf("errors on a well-formed fixture: %v", set.Errors)
			}
		})
	}
}

func partyPrefix(p evidence.Party) string {
	if p.FirstParty() {
		return "app"
	}
	return "sdk"
}

func TestLeakySDKsAndStartup(t *testing.T) {
	set := analyze(t, newAnalyzer(t), filepath.Join(fixtures, "apks/leaky.apk"))
	levels := map[string]evidence.Level{}
	startup := map[string]string{}
	for _, o := range set.Of(evidence.SDK) {
		if o.Level.Rank() > levels[o.Key].Rank() {
			levels[o.Key] = o.Level
		}
		if o.Attr("startup") == "true" {
			startup[o.Key] = o.Attr("startup_path")
		}
	}
	for _, id := range []string{"umeng-analytics", "jpush", "bugly", "amap-location", "pangle", "wechat-opensdk"} {
		if _, ok := levels[id]; !ok {
			t.Errorf("SDK %s not found (have %v)", id, levels)
		}
	}
	// Present only: no PI calls of its own.
	if levels["pangle"] != evidence.Present {
		t.Errorf("pangle level %s, want present", levels["pangle"])
	}
	// Its code calls PI APIs.
	for _, id := range []string{"jpush", "bugly", "amap-location"} {
		if levels[id] != evidence.Referenced {
			t.Errorf("%s level %s, want referenced", id, levels[id])
		}
	}
	// The advertising-ID client of Play services is not AdMob.
	if _, ok := levels["google-admob"]; ok {
		t.Error("AdvertisingIdClient reported as AdMob")
	}
	// Initialised from Application.onCreate and InitProvider.onCreate.
	for id, via := range map[string]string{"jpush": "LeakyApp.onCreate", "bugly": "InitProvider.onCreate"} {
		if !strings.HasPrefix(startup[id], via) {
			t.Errorf("%s startup path %q, want it to start at %s", id, startup[id], via)
		}
	}
	// PI read at start-up: DeviceInfo.collect is called from LeakyApp.onCreate.
	var startIMEI bool
	for _, o := range set.Of(evidence.DataType) {
		if o.Key == "device_id_imei" && o.Where.Class == "com.example.leaky.DeviceInfo" && o.Attr("startup") == "true" {
			startIMEI = strings.Contains(o.Attr("startup_path"), "LeakyApp.onCreate → DeviceInfo.collect")
		}
		if o.Where.Class == "com.example.leaky.MainActivity" && o.Attr("startup") == "true" {
			t.Errorf("MainActivity code marked as start-up: %v", o)
		}
	}
	if !startIMEI {
		t.Error("IMEI read from DeviceInfo.collect not marked as start-up")
	}
	// Cleartext allowed, with the domain from the network security config.
	var clear evidence.Observation
	for _, o := range set.Of(evidence.Property) {
		if o.Key == "cleartext_traffic" {
			clear = o
		}
	}
	if clear.Attr("value") != "true" || !strings.Contains(clear.Attr("domains"), "api.leaky-demo.cn") {
		t.Errorf("cleartext = %v", clear.Detail)
	}
}

func TestPackedAndDamaged(t *testing.T) {
	a := newAnalyzer(t)
	set := analyze(t, a, filepath.Join(fixtures, "apks/packed.apk"))
	var packer string
	for _, o := range set.Of(evidence.Property) {
		if o.Key == "packer" {
			packer = o.Attr("id")
		}
	}
	if packer == "" {
		t.Fatal("360 Jiagu layout not detected as packed")
	}

	// A damaged manifest still yields the bytecode evidence.
	set = analyze(t, a, filepath.Join(fixtures, "bad/bogus-manifest.apk"))
	if len(set.Errors) == 0 {
		t.Error("bogus manifest: no error recorded")
	}
	if len(set.Keys(evidence.DataType)) == 0 {
		t.Error("bogus manifest: no PI found in the intact dex files")
	}
	// A truncated dex is an error for that file only.
	set = analyze(t, a, filepath.Join(fixtures, "bad/truncated-dex.apk"))
	var dexErr bool
	for _, e := range set.Errors {
		dexErr = dexErr || e.File == "classes.dex"
	}
	if !dexErr {
		t.Errorf("truncated dex: errors %v", set.Errors)
	}
	if set.Target.ID != "com.example.leaky" {
		t.Errorf("truncated dex: package %q", set.Target.ID)
	}
	// The zip bomb never inflates past the limits, and says so.
	set = analyze(t, a, filepath.Join(fixtures, "bad/zipbomb.apk"))
	if len(set.Errors) == 0 {
		t.Error("zip bomb: no error")
	}
	// Hostile names are tampering evidence, never paths.
	set = analyze(t, a, filepath.Join(fixtures, "bad/traversal.apk"))
	var anomalies int
	for _, o := range set.Of(evidence.Property) {
		if o.Key == "archive_anomaly" {
			anomalies++
		}
	}
	if anomalies < 3 {
		t.Errorf("traversal: %d anomalies, want 3", anomalies)
	}
	// Both copies of a duplicated classes.dex are analyzed: the hidden one
	// reads the IMEI.
	set = analyze(t, a, filepath.Join(fixtures, "bad/duplicate-entry.apk"))
	if !slices.Contains(set.Keys(evidence.DataType), "device_id_imei") {
		t.Errorf("duplicate entry: the second classes.dex was not analyzed: %v", set.Keys(evidence.DataType))
	}
}

// The androguard corpus: every real APK is read without errors, and the
// permissions equal those of the manifest.
func TestRealCorpus(t *testing.T) {
	a := newAnalyzer(t)
	for _, fx := range loadExpected(t).Fixtures {
		if !strings.HasPrefix(fx.File, "real/") || fx.Package == "" {
			continue
		}
		t.Run(fx.File, func(t *testing.T) {
			set := analyze(t, a, filepath.Join(fixtures, "apks", fx.File))
			if set.Target.ID != fx.Package || set.Target.Name != fx.Label.Default {
				t.Errorf("identity %q %q, want %q %q", set.Target.ID, set.Target.Name, fx.Package, fx.Label.Default)
			}
			var want []string
			for _, p := range fx.UsesPermissions {
				want = append(want, p.Name)
			}
			assertEqual(t, "permissions", set.Keys(evidence.Permission), unique(want))
			for _, e := range set.Errors {
				t.Errorf("error: %s: %s", e.File, e.Err)
			}
		})
	}
}

func BenchmarkAnalyzeLeaky(b *testing.B) {
	a := newAnalyzer(b)
	p := filepath.Join(fixtures, "apks/leaky.apk")
	for b.Loop() {
		analyze(b, a, p)
	}
}

func BenchmarkAnalyzeMultidex(b *testing.B) {
	a := newAnalyzer(b)
	p := filepath.Join(fixtures, "apks/real/com.example.android.wearable.wear.weardrawers.apk")
	st, _ := os.Stat(p)
	b.SetBytes(st.Size())
	for b.Loop() {
		analyze(b, a, p)
	}
}

func assertEqual(t *testing.T, what string, got, want []string) {
	t.Helper()
	g, w := unique(got), unique(want)
	if strings.Join(g, "\n") != strings.Join(w, "\n") {
		t.Errorf("%s differ\n got: %s\nwant: %s", what, strings.Join(g, "\n      "), strings.Join(w, "\n      "))
	}
}

func unique(xs []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	sort.Strings(out)
	return out
}

func keys(m map[string]evidence.Observation) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func boolString(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// BenchmarkAnalyzeFile analyzes the APK named by $HEGUI_BENCH_APK (for
// profiling large apps that are not committed); skipped without it.
func BenchmarkAnalyzeFile(b *testing.B) {
	p := os.Getenv("HEGUI_BENCH_APK")
	if p == "" {
		b.Skip("set HEGUI_BENCH_APK to an APK")
	}
	a := newAnalyzer(b)
	st, err := os.Stat(p)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(st.Size())
	for b.Loop() {
		analyze(b, a, p)
	}
}

// A privacy policy the app bundles is read into the app's evidence (and
// the policy input is marked read); a user agreement beside it is not.
func TestBundledPolicy(t *testing.T) {
	set := analyze(t, newAnalyzer(t), filepath.Join(fixtures, "apks/policyapp.apk"))
	if !slices.Contains(set.Inputs, evidence.InputPolicy) {
		t.Fatalf("inputs %v: the bundled policy is not marked read", set.Inputs)
	}
	var denial, doc bool
	for _, o := range set.Observations {
		if o.Where.File == "assets/user_agreement.html" && (o.Kind == evidence.PolicyClaim || o.Key == evidence.PropPolicyDocument) {
			t.Errorf("the user agreement was read as a policy: %+v", o)
		}
		if o.Kind == evidence.PolicyClaim && o.Key == evidence.ClaimNotCollects && o.Attr(evidence.DetailDataType) == "contacts" && o.Where.File == "assets/privacy.html" && o.Where.Span.End > o.Where.Span.Start {
			denial = true
		}
		if o.Key == evidence.PropPolicyDocument && o.Where.File == "assets/privacy.html" {
			doc = true
		}
	}
	if !denial || !doc {
		t.Errorf("bundled policy: denial of contacts %v, document %v", denial, doc)
	}
}

// A link to the app's own privacy policy is reported (hegui never fetches
// it); SDKs' links to their vendors' policies are not the app's.
func TestPolicyURL(t *testing.T) {
	a := newAnalyzer(t)
	var urls []string
	for _, o := range analyze(t, a, filepath.Join(fixtures, "apks/helpergate.apk")).Observations {
		if o.Key == evidence.PropPolicyURL {
			urls = append(urls, o.Attr(evidence.DetailURL))
		}
	}
	if !slices.Equal(urls, []string{"https://www.helpergate-demo.example/legal/privacy.html"}) {
		t.Errorf("policy links %v", urls)
	}
	for _, name := range []string{"apks/leaky.apk", "apks/real/com.example.android.wearable.wear.weardrawers.apk"} {
		for _, o := range analyze(t, a, filepath.Join(fixtures, name)).Observations {
			if o.Key == evidence.PropPolicyURL {
				t.Errorf("%s: %s taken for the app's policy link", name, o.Attr(evidence.DetailURL))
			}
		}
	}
}
