package apk

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hegui/hegui/internal/android/dex"
	"github.com/hegui/hegui/internal/evidence"
)

// semanticsDex is assembled from testdata/semantics/Cases.smali by
// testdata/semantics/build.sh, which also writes semantics.dexdump: the
// call sites as Debian's dexdump -d prints them.
const semanticsDir = "testdata/semantics"

// verdict is what hegui makes of one call site of Cases.smali.
type verdict struct {
	method string // Cases.<method>
	offset int64  // byte offset of the instruction, as dexdump prints it
	insn   string // a piece of dexdump's text of that instruction
	// want: "" for nothing; "data_type <key>" or "check <key>".
	want string
	// detail the observation must carry (key=value), if any.
	detail []string
}

var semanticsCases = []verdict{
	// Installed apps.
	{"ownPackage", 0x1276, "PackageManager;.getPackageInfo", "", nil},
	{"ownPackageConst", 0x12b8, "PackageManager;.getApplicationInfo", "", nil},
	{"namedPackage", 0x11d2, "PackageManager;.getPackageInfo", "check installed_apps", []string{`args="com.tencent.mm"`}},
	{"paramPackage", 0x130e, "PackageManager;.getPackageInfo", "check installed_apps", nil},
	{"fieldPackage", 0x10ca, "PackageManager;.getPackageInfo", "check installed_apps", nil},
	{"enumeration", 0x108e, "PackageManager;.getInstalledPackages", "data_type installed_apps", nil},
	{"launcherQuery", 0x11b2, "PackageManager;.queryIntentActivities", "data_type installed_apps", []string{"args=launcher Intent"}},
	{"packageQuery", 0x12ea, "PackageManager;.queryIntentActivities", "check installed_apps", []string{`args=Intent.setPackage("com.tencent.mm")`}},
	{"ownIntentQuery", 0x124a, "PackageManager;.queryBroadcastReceivers", "", nil},
	{"uids", 0x1330, "PackageManager;.getPackagesForUid", "", nil},
	{"uids", 0x133e, "PackageManager;.getNameForUid", "check installed_apps", []string{"args=Binder.getCallingUid()"}},
	// Clipboard.
	{"clipboardWrite", 0xfd8, "ClipboardManager;.setPrimaryClip", "", nil},
	{"clipboardRead", 0xfbc, "ClipboardManager;.getPrimaryClip", "data_type clipboard", nil},
	{"clipboardDescription", 0xfa0, "ClipboardManager;.getPrimaryClipDescription", "check clipboard", nil},
	// Network.
	{"interfacesOnly", 0x1158, "NetworkInterface;.getNetworkInterfaces", "", nil},
	{"hardwareAddress", 0x1104, "NetworkInterface;.getByName", "", nil},
	{"hardwareAddress", 0x110c, "NetworkInterface;.getHardwareAddress", "data_type mac_address", nil},
	{"formatAddress", 0x10e4, "InetAddress;.getHostAddress", "", nil},
	{"interfaceAddress", 0x1128, "NetworkInterface;.getInetAddresses", "data_type ip_address", nil},
	{"interfaceAddress", 0x113c, "InetAddress;.getHostAddress", "data_type ip_address", []string{"args=Enumeration.nextElement()"}},
	// Contacts.
	{"contactsCompare", 0xff8, `"content://com.android.contacts"`, "", nil},
	{"contactsQuery", 0x105c, `"content://com.android.contacts/contacts"`, "", nil},
	{"contactsQuery", 0x1072, "ContentResolver;.query", "data_type contacts", []string{
		"uri=content://com.android.contacts/contacts", "api=android.content.ContentResolver.query", "confidence=high"}},
	{"contactsFieldQuery", 0x1018, "ContactsContract$Contacts;.CONTENT_URI", "", nil},
	{"contactsFieldQuery", 0x1026, "ContentResolver;.query", "data_type contacts", []string{
		"uri=android.provider.ContactsContract$Contacts.CONTENT_URI"}},
	{"contactsPassedOn", 0x1040, `"content://com.android.contacts/data"`, "data_type contacts", []string{"api=content://com.android.contacts/data"}},
	// Storage.
	{"externalStorage", 0x10a8, "Environment;.getExternalStorageDirectory", "", nil},
	// Settings.
	{"androidId", 0xf84, "Settings$Secure;.getString", "data_type android_id", []string{
		`args="android_id"`, "api=android.provider.Settings$Secure.getString(android_id)"}},
	{"otherKey", 0x120a, "Settings$Secure;.getString", "", nil},
	{"keyParam", 0x117e, "Settings$Secure;.getString", "data_type android_id", []string{"args=p2"}},
}

// analyzeSemantics analyzes semantics.dex as a dex of the package pkg.
func analyzeSemantics(t testing.TB, pkg string) []evidence.Observation {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(semanticsDir, "semantics.dex"))
	if err != nil {
		t.Fatal(err)
	}
	a := newAnalyzer(t)
	u := a.analyzeDexBytes(context.Background(), "semantics.dex", data, pkg)
	if len(u.errs) > 0 {
		t.Fatalf("errors: %v", u.errs)
	}
	s := &scan{a: a, set: &evidence.Set{}, man: &Manifest{Package: pkg}}
	if err := s.emit(context.Background(), []*unit{u}, nil); err != nil {
		t.Fatal(err)
	}
	return s.set.Observations
}

// TestSemanticsOffsets checks every call site of the cases against
// dexdump's listing of semantics.dex.
func TestSemanticsOffsets(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(semanticsDir, "semantics.dexdump"))
	if err != nil {
		t.Fatal(err)
	}
	lines := map[int64]string{}
	for _, l := range strings.Split(string(b), "\n") {
		var off int64
		if _, err := fmt.Sscanf(l, "%x ", &off); err == nil {
			lines[off] = l
		}
	}
	for _, c := range semanticsCases {
		if l, ok := lines[c.offset]; !ok || !strings.Contains(l, c.insn) {
			t.Errorf("%s: dexdump at %#x is %q, want %s", c.method, c.offset, l, c.insn)
		}
	}
}

// TestSemanticsVerdicts: each call site of Cases.smali is what its
// arguments make it.
func TestSemanticsVerdicts(t *testing.T) {
	obs := analyzeSemantics(t, "com.example.semantics")
	at := map[string][]evidence.Observation{}
	for _, o := range obs {
		if o.Where.Class != "com.example.semantics.Cases" {
			continue
		}
		k := fmt.Sprintf("%s@%#x", methodName(o.Where.Method), o.Where.Offset)
		at[k] = append(at[k], o)
	}
	seen := map[string]bool{}
	for _, c := range semanticsCases {
		k := fmt.Sprintf("%s@%#x", c.method, c.offset)
		seen[k] = true
		got := at[k]
		var kinds []string
		for _, o := range got {
			switch {
			case o.Kind == evidence.DataType:
				kinds = append(kinds, "data_type "+o.Key)
			case o.Kind == evidence.Property && o.Key == evidence.PropertyPresenceCheck:
				kinds = append(kinds, "check "+o.Attr(evidence.DetailDataType))
			default:
				kinds = append(kinds, string(o.Kind)+" "+o.Key)
			}
		}
		want := []string{}
		if c.want != "" {
			want = []string{c.want}
		}
		if !slices.Equal(kinds, want) && !(len(kinds) == 0 && len(want) == 0) {
			t.Errorf("%s (%s): %v, want %v", k, c.insn, kinds, want)
			continue
		}
		for _, d := range c.detail {
			key, val, _ := strings.Cut(d, "=")
			if got[0].Attr(key) != val {
				t.Errorf("%s: detail %s = %q, want %q (all: %v)", k, key, got[0].Attr(key), val, got[0].Detail)
			}
		}
	}
	for k, o := range at {
		if !seen[k] {
			t.Errorf("unexpected observation at %s: %s %s %v", k, o[0].Kind, o[0].Key, o[0].Detail)
		}
	}
}

// TestSemanticsWithoutManifest: a bare dex has no manifest, so the
// package constant is one named package like any other.
func TestSemanticsWithoutManifest(t *testing.T) {
	var got []string
	for _, o := range analyzeSemantics(t, "") {
		if methodName(o.Where.Method) == "ownPackageConst" {
			got = append(got, string(o.Kind)+" "+o.Key+" "+o.Attr(evidence.DetailArgs))
		}
	}
	if want := []string{`property presence_check "com.example.semantics"`}; !slices.Equal(got, want) {
		t.Errorf("ownPackageConst without manifest: %v, want %v", got, want)
	}
}

// FuzzSemantics splices arbitrary bytes over the code of one method of
// semantics.dex (whose calls are catalog APIs, so the verdicts run) and
// analyzes the image: nothing may panic or hang, and every observation is
// a data type or a presence check made at an instruction of the file.
func FuzzSemantics(f *testing.F) {
	base, err := os.ReadFile(filepath.Join(semanticsDir, "semantics.dex"))
	if err != nil {
		f.Fatal(err)
	}
	file, err := dex.Parse(base)
	if err != nil {
		f.Fatal(err)
	}
	var codes []dex.Code
	file.Walk(func(m dex.Code, _ []dex.Insn) error { codes = append(codes, m); return nil })
	for i, m := range codes {
		end := min(int(m.InsnsOff()+2*m.InsnsSize)+32, len(base))
		f.Add(uint8(i), 0, base[m.InsnsOff():end])
	}
	a := newAnalyzer(f)
	f.Fuzz(func(t *testing.T, which uint8, shift int, code []byte) {
		m := codes[int(which)%len(codes)]
		data := append([]byte(nil), base...)
		at := int(m.InsnsOff()) + (shift%64+64)%64*2 - 64
		if at < int(m.CodeOff) {
			at = int(m.CodeOff) // the code item's header is fair game too
		}
		copy(data[at:], code)
		u := a.analyzeDexBytes(context.Background(), "semantics.dex", data, "com.example.semantics")
		s := &scan{a: a, set: &evidence.Set{}, man: &Manifest{Package: "com.example.semantics"}}
		if err := s.emit(context.Background(), []*unit{u}, nil); err != nil {
			t.Fatal(err)
		}
		for _, o := range s.set.Observations {
			switch {
			case o.Kind == evidence.SDK, o.Kind == evidence.Endpoint:
			case o.Kind == evidence.DataType, o.Kind == evidence.Property && o.Key == evidence.PropertyPresenceCheck:
				if o.Where.Offset <= 0 || o.Where.Offset >= int64(len(data)) {
					t.Fatalf("%s %s at %#x, outside the file", o.Kind, o.Key, o.Where.Offset)
				}
			default:
				t.Fatalf("unexpected observation %s %s", o.Kind, o.Key)
			}
		}
	})
}
