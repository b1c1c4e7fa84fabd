package apk

import (
	"strconv"
	"strings"

	"github.com/hegui/hegui/internal/android/axml"
)

// Manifest is what the analyzer needs from AndroidManifest.xml.
type Manifest struct {
	Package       string
	VersionName   string
	VersionCode   string
	MinSDK        int
	TargetSDK     int
	Label         Ref
	Application   string // fully qualified Application class, or ""
	AppFactory    string // appComponentFactory, or ""
	Cleartext     *bool  // android:usesCleartextTraffic, nil when absent
	NetworkConfig Ref    // android:networkSecurityConfig
	Debuggable    bool
	// NoCode: android:hasCode="false", a resource-only package.
	NoCode          bool
	AllowBackup     *bool
	Permissions     []UsesPermission
	CustomPerms     []CustomPermission
	Components      []Component
	MetaData        []MetaData
	QueriesPackages []string
	QueriesIntents  []string
	QueriesAllProvs bool
	Problems        []string
}

// Ref is an attribute value that may be a resource reference.
type Ref struct {
	Literal string
	ResID   uint32
}

// UsesPermission is a <uses-permission> (or -sdk-23) element.
type UsesPermission struct {
	Name   string
	MaxSDK int
	Line   int
}

// CustomPermission is a <permission> the app defines.
type CustomPermission struct {
	Name       string
	Protection string
	Line       int
}

// Component is an activity, activity-alias, service, receiver or provider.
type Component struct {
	Type        string // activity, service, receiver, provider
	Name        string // fully qualified
	Exported    bool
	ExportedSet bool // android:exported was written
	Permission  string
	Authorities []string
	Actions     []string
	Categories  []string
	Schemes     []string
	Hosts       []string
	MetaData    []MetaData
	Line        int
}

// MetaData is a <meta-data> element.
type MetaData struct {
	Name  string
	Value string
}

// ParseManifest reads the decoded binary XML into a Manifest.
func ParseManifest(doc *axml.Document) *Manifest {
	m := &Manifest{Problems: append([]string(nil), doc.Problems...)}
	root := doc.Root
	if root == nil {
		m.Problems = append(m.Problems, "manifest has no root element")
		return m
	}
	if root.Name != "manifest" {
		m.Problems = append(m.Problems, "root element is <"+root.Name+">, not <manifest>")
	}
	if a, ok := root.Attr("", "package"); ok {
		m.Package = a.Value()
	}
	if a, ok := root.AndroidAttr("versionName"); ok {
		m.VersionName = a.Value()
	}
	if a, ok := root.AndroidAttr("versionCode"); ok {
		m.VersionCode = a.Value()
	}
	for _, el := range root.Children {
		switch el.Name {
		case "uses-sdk":
			m.MinSDK = intAttr(el, "minSdkVersion")
			m.TargetSDK = intAttr(el, "targetSdkVersion")
		case "uses-permission", "uses-permission-sdk-23", "uses-permission-sdk-m":
			if n := strAttr(el, "name"); n != "" {
				m.Permissions = append(m.Permissions, UsesPermission{Name: n, MaxSDK: intAttr(el, "maxSdkVersion"), Line: el.Line})
			}
		case "permission":
			if n := strAttr(el, "name"); n != "" {
				m.CustomPerms = append(m.CustomPerms, CustomPermission{Name: n, Protection: strAttr(el, "protectionLevel"), Line: el.Line})
			}
		case "queries":
			for _, q := range el.Children {
				switch q.Name {
				case "package":
					m.QueriesPackages = append(m.QueriesPackages, strAttr(q, "name"))
				case "intent":
					for _, c := range q.Children {
						if c.Name == "action" {
							m.QueriesIntents = append(m.QueriesIntents, strAttr(c, "name"))
						}
					}
				case "provider":
					m.QueriesAllProvs = true
				}
			}
		case "application":
			m.application(el)
		}
	}
	if m.MinSDK == 0 {
		m.MinSDK = 1
	}
	if m.TargetSDK == 0 {
		m.TargetSDK = m.MinSDK
	}
	return m
}

func (m *Manifest) application(el *axml.Element) {
	m.Application = m.qualify(strAttr(el, "name"))
	m.AppFactory = m.qualify(strAttr(el, "appComponentFactory"))
	m.Label = refAttr(el, "label")
	m.NetworkConfig = refAttr(el, "networkSecurityConfig")
	if a, ok := el.AndroidAttr("usesCleartextTraffic"); ok {
		v := boolValue(a)
		m.Cleartext = &v
	}
	if a, ok := el.AndroidAttr("debuggable"); ok {
		m.Debuggable = boolValue(a)
	}
	if a, ok := el.AndroidAttr("hasCode"); ok && !boolValue(a) {
		m.NoCode = true
	}
	if a, ok := el.AndroidAttr("allowBackup"); ok {
		v := boolValue(a)
		m.AllowBackup = &v
	}
	for _, c := range el.Children {
		switch c.Name {
		case "activity", "activity-alias", "service", "receiver", "provider":
			m.Components = append(m.Components, m.component(c))
		case "meta-data":
			m.MetaData = append(m.MetaData, metaData(c))
		}
	}
}

func (m *Manifest) component(el *axml.Element) Component {
	typ := el.Name
	if typ == "activity-alias" {
		typ = "activity"
	}
	c := Component{Type: typ, Name: m.qualify(strAttr(el, "name")), Permission: strAttr(el, "permission"), Line: el.Line}
	if el.Name == "activity-alias" {
		c.Name = m.qualify(strAttr(el, "targetActivity"))
	}
	if a, ok := el.AndroidAttr("authorities"); ok {
		for _, s := range strings.Split(a.Value(), ";") {
			if s = strings.TrimSpace(s); s != "" {
				c.Authorities = append(c.Authorities, s)
			}
		}
	}
	hasFilter := false
	for _, ch := range el.Children {
		switch ch.Name {
		case "intent-filter":
			hasFilter = true
			for _, f := range ch.Children {
				switch f.Name {
				case "action":
					c.Actions = append(c.Actions, strAttr(f, "name"))
				case "category":
					c.Categories = append(c.Categories, strAttr(f, "name"))
				case "data":
					if s := strAttr(f, "scheme"); s != "" {
						c.Schemes = append(c.Schemes, s)
					}
					if h := strAttr(f, "host"); h != "" {
						c.Hosts = append(c.Hosts, h)
					}
				}
			}
		case "meta-data":
			c.MetaData = append(c.MetaData, metaData(ch))
		}
	}
	if a, ok := el.AndroidAttr("exported"); ok {
		c.Exported, c.ExportedSet = boolValue(a), true
	} else {
		// Before Android 12 a component with an intent filter was exported
		// by default; providers were exported by default below API 17.
		c.Exported = hasFilter || (typ == "provider" && m.TargetSDK > 0 && m.TargetSDK < 17)
	}
	return c
}

// qualify expands ".Foo" and "Foo" class names against the package.
func (m *Manifest) qualify(name string) string {
	switch {
	case name == "":
		return ""
	case strings.HasPrefix(name, "."):
		return m.Package + name
	case !strings.Contains(name, "."):
		return m.Package + "." + name
	}
	return name
}

func metaData(el *axml.Element) MetaData {
	md := MetaData{Name: strAttr(el, "name")}
	if a, ok := el.AndroidAttr("value"); ok {
		md.Value = a.Value()
	} else if a, ok := el.AndroidAttr("resource"); ok {
		md.Value = a.Value()
	}
	return md
}

func strAttr(el *axml.Element, name string) string {
	if a, ok := el.AndroidAttr(name); ok {
		return a.Value()
	}
	return ""
}

func refAttr(el *axml.Element, name string) Ref {
	a, ok := el.AndroidAttr(name)
	if !ok {
		return Ref{}
	}
	if a.Type == axml.TypeReference && a.Raw == "" {
		return Ref{ResID: a.Data}
	}
	return Ref{Literal: a.Value()}
}

func intAttr(el *axml.Element, name string) int {
	a, ok := el.AndroidAttr(name)
	if !ok {
		return 0
	}
	if a.Raw != "" {
		n, _ := strconv.Atoi(strings.TrimSpace(a.Raw))
		return n
	}
	return int(int32(a.Data))
}

func boolValue(a axml.Attr) bool {
	if a.Raw != "" {
		return strings.EqualFold(strings.TrimSpace(a.Raw), "true")
	}
	return a.Data != 0
}
