package report

import (
	"slices"
	"sort"
	"strings"

	"github.com/hegui/hegui/internal/evidence"
	"github.com/hegui/hegui/internal/text"
)

// Disclosure is what an app that embeds an SDK package must tell its
// users about it: the row of the third-party SDK list its privacy policy
// needs (PIPL Art. 17 and 23; 认定方法 item 三.4; MIIT Notice 164 item 1),
// from what the package's own code and manifest show.
type Disclosure struct {
	// SDK is the name the list should give, Vendor and Country whose it
	// is (from the SDK signatures; empty when no signature names it).
	SDK     string `json:"sdk"`
	Vendor  string `json:"vendor,omitempty"`
	Country string `json:"country,omitempty"`
	// DataTypes are the PI types its code reads (catalog keys), Sensitive
	// those of them that are sensitive PI (separate consent, PIPL Art. 29).
	DataTypes []string `json:"data_types"`
	Sensitive []string `json:"sensitive"`
	// Permissions are what its manifest merges into the host's.
	Permissions []string `json:"permissions"`
	// Hosts are the servers its code names.
	Hosts []string `json:"hosts"`
	// Bundled are other SDKs found inside the package.
	Bundled []string `json:"bundled_sdks"`
	// Text is the row written out in the report's language, with the
	// purpose left for the host to state.
	Text string `json:"text"`
}

// disclosure fills the SDK-list row of an SDK package's report.
func (r *Report) disclosure(set *evidence.Set, m Meta) {
	if set.Target.Kind != "sdk" {
		return
	}
	d := &Disclosure{SDK: set.Target.Name, DataTypes: []string{}, Sensitive: []string{}, Permissions: []string{}, Hosts: []string{}, Bundled: []string{}}
	main := set.Target.Attrs["sdk"]
	if c, ok := m.Catalog.SDK(main); ok {
		d.SDK, d.Vendor, d.Country = c.Name, c.Vendor, c.Country
		if text.IsZh(m.Lang) && c.NameZh != "" {
			d.SDK = c.NameZh
		}
	}
	for _, s := range r.SDKs {
		if s.ID != main {
			d.Bundled = append(d.Bundled, s.Name)
		}
	}
	for _, dt := range r.DataTypes {
		if evidence.Level(dt.Level).Rank() < evidence.Referenced.Rank() {
			continue
		}
		d.DataTypes = append(d.DataTypes, dt.Key)
		if dt.Sensitive {
			d.Sensitive = append(d.Sensitive, dt.Key)
		}
	}
	for _, p := range r.Permissions {
		d.Permissions = append(d.Permissions, p.Name)
	}
	for _, e := range r.Endpoints {
		if !slices.Contains(d.Hosts, e.Host) {
			d.Hosts = append(d.Hosts, e.Host)
		}
	}
	sort.Strings(d.Hosts)
	names := func(keys []string) string {
		out := make([]string, len(keys))
		for i, k := range keys {
			out[i] = m.Catalog.Localized(k, m.Lang)
		}
		return strings.Join(out, text.Pick(m.Lang, ", ", "、"))
	}
	none := text.Pick(m.Lang, "none found", "未发现")
	or := func(s string) string {
		if s == "" {
			return none
		}
		return s
	}
	vendor := d.Vendor
	if d.Country != "" {
		vendor += " (" + strings.ToUpper(d.Country) + ")"
	}
	if text.IsZh(m.Lang) {
		d.Text = "SDK名称：" + d.SDK + "；提供方：" + or(vendor) + "；收集的个人信息：" + or(names(d.DataTypes)) +
			"；其中敏感个人信息：" + or(names(d.Sensitive)) + "；使用目的：【请填写】；所需权限：" + or(strings.Join(d.Permissions, "、")) +
			"；数据传输地址：" + or(strings.Join(d.Hosts, "、")) + "；隐私政策链接：【请填写】"
	} else {
		d.Text = "SDK: " + d.SDK + "; provider: " + or(vendor) + "; personal information collected: " + or(names(d.DataTypes)) +
			"; of which sensitive: " + or(names(d.Sensitive)) + "; purpose: [state it]; permissions: " + or(strings.Join(d.Permissions, ", ")) +
			"; servers: " + or(strings.Join(d.Hosts, ", ")) + "; the SDK's privacy policy: [link]"
	}
	r.Disclosure = d
}
