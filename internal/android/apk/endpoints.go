package apk

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/hegui/hegui/internal/artifact"
	"github.com/hegui/hegui/internal/catalog"
	"github.com/hegui/hegui/internal/evidence"
	"github.com/hegui/hegui/internal/policy"
)

// endpoint makes the observation of a URL found in code or resources, when
// its host is a real network host (not a placeholder, namespace or
// documentation URL).
func (s *scan) endpoint(raw string, party evidence.Party, where evidence.Location) (evidence.Observation, bool) {
	return EndpointObservation(s.a.cat, raw, party, where, Source)
}

// EndpointObservation makes the observation of a URL found in a package
// (code, resources, a string constant), when its host is a real network
// host (not a placeholder, namespace or documentation URL); other
// package readers (SDK packages) share it.
func EndpointObservation(cat *catalog.Catalog, raw string, party evidence.Party, where evidence.Location, source string) (evidence.Observation, bool) {
	host, scheme, clean, ok := parseEndpoint(raw)
	if !ok || cat.NonNetworkHost(host) {
		return evidence.Observation{}, false
	}
	if len(clean) < len(raw) {
		// Do not keep a long constant alive through a short prefix.
		clean = strings.Clone(clean)
	}
	d := map[string]string{evidence.DetailURL: clean, evidence.DetailScheme: scheme}
	if id, ok := cat.MatchHost(host); ok {
		d[evidence.DetailSDK] = id
	}
	return evidence.Observation{Kind: evidence.Endpoint, Key: host, Level: evidence.Present, Party: party, Where: where, Source: source, Detail: d}, true
}

// IsURL reports whether a string constant is a URL of a network scheme
// (http, https, ws, wss), as code names its servers.
func IsURL(s string) bool {
	for _, p := range []string{"http://", "https://", "ws://", "wss://"} {
		if len(s) > len(p) && strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// parseEndpoint extracts a lower-case host from a URL-looking string.
func parseEndpoint(raw string) (host, scheme, clean string, ok bool) {
	raw = strings.TrimSpace(raw)
	if len(raw) > 2048 {
		raw = raw[:2048]
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		// Templates such as "https://%s/api" or broken escapes: take the
		// authority by hand.
		i := strings.Index(raw, "://")
		if i < 0 {
			return "", "", "", false
		}
		rest := raw[i+3:]
		if j := strings.IndexAny(rest, "/?#"); j >= 0 {
			rest = rest[:j]
		}
		u = &url.URL{Scheme: strings.ToLower(raw[:i]), Host: rest}
	}
	host = strings.ToLower(u.Hostname())
	host = strings.TrimSuffix(host, ".")
	if !validHost(host) {
		return "", "", "", false
	}
	return host, strings.ToLower(u.Scheme), raw, true
}

var hostRE = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}$`)

func validHost(h string) bool {
	if h == "" || len(h) > 253 {
		return false
	}
	if ip := net.ParseIP(h); ip != nil {
		return !ip.IsLoopback() && !ip.IsUnspecified()
	}
	return hostRE.MatchString(h) && h != "localhost"
}

// assetsText looks for URLs in text-like resources: compiled and raw
// resources, assets, and the string pool of resources.arsc. Files other
// than the manifest and the resource table are secondary content: once
// its budget is spent, or ctx ends, the files left are reported together
// in one error.
func (s *scan) assetsText(ctx context.Context) {
	const maxRead = 4 << 20
	seen := map[string]bool{}
	var stop error
	var left []string
	var big []string
	for _, e := range s.arch.Entries {
		if e.Unsafe || s.arch.Find(e.Name) != e || !textLike(e.Name) {
			continue
		}
		if e.Size > maxRead {
			big = append(big, e.Name)
			continue
		}
		if stop == nil {
			stop = ctx.Err()
		}
		if stop != nil {
			left = append(left, e.Name)
			continue
		}
		read := s.arch.ReadSecondary
		if e.Name == "AndroidManifest.xml" || e.Name == "resources.arsc" {
			// Primary content, read again for its URLs.
			read = s.arch.ReadContext
		}
		data, err := read(ctx, e)
		if err != nil {
			if len(data) == 0 && (errors.Is(err, artifact.ErrBudget) || ctx.Err() != nil) {
				// Every later read would fail the same way.
				stop = err
				left = append(left, e.Name)
				continue
			}
			s.fail(e.Name, lost(evidence.PartAssets, err))
			if len(data) == 0 {
				continue
			}
		}
		s.urlsIn(data, e.Name, seen)
		s.bundledPolicy(ctx, e.Name, data)
	}
	if len(left) > 0 {
		s.fail(left[0], lost(evidence.PartAssets, skipped(len(left), left[0], "text files", stop)))
	}
	if len(big) > 0 {
		// Said, not silently skipped: URLs in them are not reported.
		s.fail(big[0], evidence.Lost(evidence.PartAssets, evidence.CauseLimit,
			skipped(len(big), big[0], "text files", fmt.Errorf("larger than %d bytes, not scanned for URLs", maxRead))))
	}
}

// maxURLsPerFile bounds the URLs taken from one file.
const maxURLsPerFile = 2000

// urlsIn scans bytes for URLs; UTF-16 text (as in resources.arsc and
// binary XML string pools) is read too. It looks for "://" with
// bytes.Index and grows the URL around it by hand: no regular expression
// on the hot path. Distinct URLs and the endpoints made from them are
// bounded per input; the rest is counted.
func (s *scan) urlsIn(data []byte, file string, seen map[string]bool) {
	b := &s.bounds
	urls := findURLs(data, maxURLsPerFile+1)
	if len(urls) > maxURLsPerFile {
		urls = urls[:maxURLsPerFile]
		s.fail(file, evidence.Lostf(evidence.PartAssets, evidence.CauseLimit, "more than %d URLs in one file: the rest were not read", maxURLsPerFile))
	}
	for _, u := range urls {
		if seen[u] {
			continue
		}
		if !b.assetURLs.admit(file, maxAssetURLs) {
			continue
		}
		seen[u] = true
		o, ok := s.endpoint(u, evidence.Party{}, evidence.Location{File: file})
		if !ok {
			continue
		}
		if !b.assetEndpoints.admit(file, maxAssetEndpoints) {
			continue
		}
		s.set.Add(o)
	}
}

var sep8, sep16 = []byte("://"), []byte{':', 0, '/', 0, '/', 0}

// findURLs returns up to max http(s)/ws(s) URLs in b, in UTF-8/ASCII or
// little-endian UTF-16.
func findURLs(b []byte, max int) []string {
	var out []string
	for _, wide := range []bool{false, true} {
		sep, step := sep8, 1
		if wide {
			sep, step = sep16, 2
		}
		for off := 0; len(out) < max; {
			i := bytes.Index(b[off:], sep)
			if i < 0 {
				break
			}
			i += off
			off = i + len(sep)
			// Scheme: letters before "://".
			start := i
			for start-step >= 0 && isSchemeChar(b[start-step]) && (step == 1 || b[start-step+1] == 0) {
				start -= step
			}
			scheme := strings.ToLower(narrow(b[start:i], step))
			if scheme != "http" && scheme != "https" && scheme != "ws" && scheme != "wss" {
				continue
			}
			end := off
			for end+step-1 < len(b) && isURLChar(b[end]) && (step == 1 || b[end+1] == 0) {
				end += step
			}
			if (end-off)/step < 4 {
				continue
			}
			off = end
			// Endpoints keep the first maxURLLength bytes of a URL; the
			// rest of a longer run is not worth its memory.
			end = min(end, start+maxURLLength*step)
			out = append(out, narrow(b[start:end], step))
		}
	}
	return out
}

func narrow(b []byte, step int) string {
	if step == 1 {
		return string(b)
	}
	out := make([]byte, 0, len(b)/2)
	for i := 0; i < len(b); i += 2 {
		out = append(out, b[i])
	}
	return string(out)
}

func isSchemeChar(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// isURLChar: the characters RFC 3986 allows in a URL.
func isURLChar(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	return strings.IndexByte("-._~:/?#[]@!$&'()*+,;=%", c) >= 0
}

func textLike(name string) bool {
	if name == "resources.arsc" || name == "AndroidManifest.xml" {
		return true
	}
	dir := name
	if i := strings.IndexByte(name, '/'); i >= 0 {
		dir = name[:i]
	}
	if dir != "assets" && dir != "res" {
		return false
	}
	switch strings.ToLower(path.Ext(name)) {
	case ".xml", ".json", ".js", ".html", ".htm", ".txt", ".properties", ".cfg", ".conf", ".ini", ".yaml", ".yml", ".plist":
		return true
	}
	return false
}

// maxBundledPolicies bounds the policy documents read from one APK.
const maxBundledPolicies = 4

// bundledPolicy reads a privacy policy the app ships (assets/*.html,
// res/raw/*.txt…): its statements join the app's evidence, located in the
// entry, and the HG-POL rules judge them as they would a policy given
// beside the app.
func (s *scan) bundledPolicy(ctx context.Context, name string, data []byte) {
	ext := strings.ToLower(path.Ext(name))
	if ext != ".html" && ext != ".htm" && ext != ".txt" || !(strings.HasPrefix(name, "assets/") || strings.HasPrefix(name, "res/raw")) {
		return
	}
	if s.policies >= maxBundledPolicies || !policy.MayBePolicy(name, data) {
		return
	}
	d, obs, ok, err := s.a.policy.Claims(ctx, data, name)
	if err != nil || !ok {
		return // not a policy, or not text: other documents are not judged
	}
	s.policies++
	if !slices.Contains(s.set.Inputs, evidence.InputPolicy) {
		s.set.Inputs = append(s.set.Inputs, evidence.InputPolicy)
	}
	s.set.Add(policy.DocumentObservation(name, d, Source))
	s.set.Add(obs...)
	for _, p := range d.Problems {
		s.fail(name, evidence.Lostf(evidence.PartContent, evidence.CauseLimit, "privacy policy: %s", p))
	}
}

// maxPolicyURLs bounds the policy links reported.
const maxPolicyURLs = 5

// policyURLWords mark, in a URL's path or query, a privacy policy page.
var policyURLWords = []string{"privacy", "yinsi", "%e9%9a%90%e7%a7%81", "隐私", "personal-info", "personalinfo", "personal_info", "privacypolicy"}

// policyURLs reports the links to the app's own privacy policy found in
// its code and resources (an SDK's link to its vendor's policy is not the
// app's): where the policy lives when it is not bundled. hegui never
// fetches them.
func (s *scan) policyURLs() {
	seen := map[string]bool{}
	for _, o := range s.set.Observations {
		if len(seen) >= maxPolicyURLs {
			return
		}
		if o.Kind != evidence.Endpoint || !o.Party.FirstParty() || o.Attr(evidence.DetailSDK) != "" {
			continue
		}
		u := o.Attr(evidence.DetailURL)
		low := strings.ToLower(u)
		rest := low
		if i := strings.Index(low, "://"); i >= 0 {
			rest = low[i+3:]
		}
		slash := strings.IndexByte(rest, '/')
		if slash < 0 || seen[u] || !containsAnyWord(rest[slash:], policyURLWords) {
			continue
		}
		seen[u] = true
		s.set.Add(evidence.Observation{Kind: evidence.Property, Key: evidence.PropPolicyURL, Level: evidence.Present, Source: Source,
			Where: o.Where, Detail: map[string]string{evidence.DetailURL: u}})
	}
}

func containsAnyWord(s string, words []string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}
