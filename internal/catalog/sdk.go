package catalog

import (
	"slices"
	"strings"

	"github.com/hegui/hegui/internal/evidence"
)

// SDK is a third-party SDK and the signatures that reveal it.
type SDK struct {
	ID     string
	Name   string
	NameZh string
	Vendor string
	// Country is the vendor's country, ISO 3166-1 alpha-2 in lower case.
	Country string
	// Categories come from a closed list (analytics, advertising, push, …).
	Categories []string
	Website    string
	// Collects lists the PI keys the vendor's own disclosure says the SDK
	// collects; CollectsSource cites it. Empty when unknown.
	Collects       []string
	CollectsSource string
	// Confidence is how well the signatures were checked: high (against
	// the vendor's binaries or current documents), medium, low.
	Confidence string
	Notes      string
	// Classes are dotted package or class prefixes matched at package
	// boundaries; ClassSuffixes (".Name" or ".segment.") match a simple
	// class name or a package segment anywhere.
	Classes, ClassSuffixes []string
	// NativeLibs are exact .so file names; NativeLibPatterns have one '*'
	// standing for a version made of digits, '.' and '_'.
	NativeLibs, NativeLibPatterns []string
	// Components are exact manifest component class names;
	// ComponentSuffixes match the end of a component name (the WeChat
	// callback ".wxapi.WXEntryActivity" that apps declare in their own package).
	Components, ComponentSuffixes []string
	// Hosts are domain suffixes matched at label boundaries.
	Hosts []string
	// MetaData are manifest <meta-data> keys.
	MetaData []string
	Sources  []string

	// sigs holds each signature's sources, sorted by kind and value.
	sigs []sigSource
}

// sigSource is one signature of an SDK and the sources that give it.
type sigSource struct {
	kind, value string
	sources     []string
}

// SignatureSources returns the sources of one signature, kind being a key
// of the data file's signatures map ("classes", "hosts", "native_libs", …).
func (s SDK) SignatureSources(kind, value string) []string {
	i, ok := slices.BinarySearchFunc(s.sigs, sigSource{kind: kind, value: value}, compareSigs)
	if !ok {
		return nil
	}
	return slices.Clone(s.sigs[i].sources)
}

func compareSigs(a, b sigSource) int {
	if c := strings.Compare(a.kind, b.kind); c != 0 {
		return c
	}
	return strings.Compare(a.value, b.value)
}

// Packer is an app hardening shell (加固) and its signatures.
type Packer struct {
	ID, Name, Vendor string
	// AppClasses are application class names; a trailing '.' makes a
	// package prefix.
	AppClasses []string
	// NativeLibs are .so base names; '*' matches any run of characters.
	NativeLibs []string
	// Assets are paths inside the APK (assets/ijiami.dat); '*' matches any
	// run of characters.
	Assets     []string
	Confidence string
	Notes      string
	Sources    []string
}

// PackerHit is one packer found in an app with the signature that matched.
type PackerHit struct {
	Packer   Packer
	Evidence string
}

// SDK returns the SDK with the given id.
func (c *Catalog) SDK(id string) (SDK, bool) {
	i, ok := slices.BinarySearchFunc(c.t.sdks, id, func(s SDK, id string) int { return strings.Compare(s.ID, id) })
	if !ok {
		return SDK{}, false
	}
	return c.t.sdks[i], true
}

// SDKs returns every SDK, sorted by id.
func (c *Catalog) SDKs() []SDK { return slices.Clone(c.t.sdks) }

// Packers returns every packer.
func (c *Catalog) Packers() []Packer { return slices.Clone(c.t.packers) }

// Party is the evidence party of the SDK with the given id, named as the
// catalog names it; "" is the first party (the app, or the package
// itself).
func (c *Catalog) Party(id string) evidence.Party {
	if id == "" {
		return evidence.Party{}
	}
	sdk, _ := c.SDK(id)
	return evidence.Party{SDK: id, Name: sdk.Name}
}

// ClassParty attributes a class (a DEX type descriptor,
// "Lcom/tencent/mm/opensdk/Foo;") to the SDK whose signature matches it,
// or to the first party.
func (c *Catalog) ClassParty(desc string) evidence.Party {
	id, _ := c.MatchClass(desc)
	return c.Party(id)
}

// SDKObservation is the observation that an SDK's signature matched: at
// level, where, how it matched ("native library libfoo.so"), by the
// reader source.
func (c *Catalog) SDKObservation(id string, level evidence.Level, where evidence.Location, how, source string) evidence.Observation {
	return evidence.Observation{Kind: evidence.SDK, Key: id, Level: level, Party: c.Party(id), Where: where, Source: source,
		Detail: map[string]string{evidence.DetailMatch: how}}
}
