package scan

import (
	"bytes"
	"log/slog"

	"github.com/hegui/hegui/internal/android/aar"
	"github.com/hegui/hegui/internal/android/apk"
	"github.com/hegui/hegui/internal/artifact"
	"github.com/hegui/hegui/internal/catalog"
	"github.com/hegui/hegui/internal/evidence"
	"github.com/hegui/hegui/internal/evidencefile"
	"github.com/hegui/hegui/internal/harmony"
	"github.com/hegui/hegui/internal/ios"
	"github.com/hegui/hegui/internal/policy"
	"github.com/hegui/hegui/internal/text"
	"github.com/hegui/hegui/internal/traffic"
)

// Builtin is the registry of the input kinds hegui reads. Adding a kind is
// adding its package and one Register call here.
func Builtin(cat *catalog.Catalog, log *slog.Logger) (*Registry, error) {
	return builtin(cat, log, traffic.Options{})
}

// builtin is Builtin with what the user told about captures.
func builtin(cat *catalog.Catalog, log *slog.Logger, capture traffic.Options) (*Registry, error) {
	r := &Registry{}
	// One policy reader for policy files and policies bundled in APKs.
	pol := policy.New(cat)
	hapReader, err := harmony.New(cat, log)
	if err != nil {
		return nil, err
	}
	// One iOS reader for apps and SDK binaries.
	iosReader, err := ios.New(cat, log)
	if err != nil {
		return nil, err
	}
	kinds := []Kind{
		{
			Name:       apk.Source,
			Label:      text.New("Android app (APK, DEX)", "Android应用（APK、DEX）"),
			Class:      evidence.ClassPackage,
			Magic:      [][]byte{[]byte("dex\n")},
			Sniff:      func(in *artifact.Input, _ []byte) bool { return in.Kind == artifact.APK },
			Extensions: []string{".apk", ".dex"},
			Analyzer:   apk.New(cat, log).WithPolicyReader(pol),
		},
		{
			Name:       evidence.InputSDK,
			Label:      text.New("SDK package (AAR, JAR)", "SDK包（AAR、JAR）"),
			Class:      evidence.ClassPackage,
			Sniff:      func(in *artifact.Input, _ []byte) bool { return in.Kind == artifact.AAR || in.Kind == artifact.JAR },
			Extensions: []string{".aar", ".jar"},
			Analyzer:   aar.New(cat, log),
		},
		{
			Name:       evidence.InputIOS,
			Label:      text.New("iOS app (IPA)", "iOS应用（IPA）"),
			Class:      evidence.ClassPackage,
			Sniff:      func(in *artifact.Input, _ []byte) bool { return in.Kind == artifact.IPA },
			Extensions: []string{".ipa"},
			Analyzer:   iosReader,
		},
		{
			Name:       evidence.InputHarmony,
			Label:      text.New("HarmonyOS app (HAP, .app)", "鸿蒙应用（HAP、.app）"),
			Class:      evidence.ClassPackage,
			Sniff:      func(in *artifact.Input, _ []byte) bool { return in.Kind == artifact.HAP },
			Extensions: []string{".hap", ".app"},
			Analyzer:   hapReader,
		},
		{
			Name:  ios.SourceLibrary,
			Label: text.New("iOS SDK (static library, framework binary, zipped .framework or .xcframework)", "iOS SDK（静态库、framework二进制、.framework或.xcframework压缩包）"),
			Class: evidence.ClassPackage,
			Sniff: func(in *artifact.Input, _ []byte) bool {
				return in.Kind == artifact.MachO || in.Kind == artifact.StaticLib || in.Kind == artifact.Framework
			},
			Extensions: []string{".a", ".dylib"},
			Analyzer:   iosReader,
		},
		{
			Name:        evidence.InputPolicy,
			Label:       text.New("privacy policy (HTML, text, Markdown or PDF)", "隐私政策"),
			Class:       evidence.ClassPolicy,
			Magic:       [][]byte{[]byte("%PDF-")},
			Extensions:  policy.Extensions,
			ByExtension: true,
			NamedOnly:   true,
			Analyzer:    pol,
		},
		{
			Name:  evidence.InputTraffic,
			Label: text.New("network capture (pcap, pcapng, HAR)", "网络流量（pcap、pcapng、HAR）"),
			Class: evidence.ClassTraffic,
			Sniff: func(in *artifact.Input, _ []byte) bool {
				return in.Kind == artifact.Pcap || in.Kind == artifact.PcapNG || in.Kind == artifact.HAR
			},
			Extensions: []string{".pcap", ".pcapng", ".cap", ".har"},
			Analyzer:   traffic.New(cat, capture),
		},
		{
			Name:  evidence.InputEvidence,
			Label: text.New("hegui evidence file (JSON)", "hegui证据文件（JSON）"),
			Class: evidence.ClassEvidence,
			Sniff: func(_ *artifact.Input, head []byte) bool {
				t := bytes.TrimLeft(head, " \t\r\n\xef\xbb\xbf")
				return bytes.HasPrefix(t, []byte("{")) && bytes.Contains(head, []byte(`"hegui_evidence"`))
			},
			Analyzer: evidencefile.Analyzer{Classes: r.ClassOf},
		},
	}
	for _, k := range kinds {
		if err := r.Register(k); err != nil {
			return nil, err
		}
	}
	return r, nil
}
