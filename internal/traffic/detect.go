package traffic

import (
	"bytes"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode"

	"go.yaml.in/yaml/v3"

	"github.com/hegui/hegui/data"
	"github.com/hegui/hegui/internal/catalog"
)

// Detectors find PI in what a device sends, in two stages: a field's
// name selects the candidates (data/traffic/fields.yaml), then its value
// must pass the type's check (a Luhn digit, a date, a range). The test
// device's own identifiers are found by value wherever they appear,
// encoded or hashed.
type Detectors struct {
	exact    map[string][]fieldRule
	contains []containsRule
	ids      []idForm
}

type fieldRule struct {
	typ, value string
}

type containsRule struct {
	part string
	rule fieldRule
}

type fieldsFile struct {
	Version string            `yaml:"version"`
	Sources map[string]string `yaml:"sources"`
	Fields  []struct {
		Type     string   `yaml:"type"`
		Keys     []string `yaml:"keys"`
		Contains []string `yaml:"contains"`
		Value    string   `yaml:"value"`
		Source   []string `yaml:"source"`
	} `yaml:"fields"`
}

// LoadDetectors reads the embedded field table; every type must be a PI
// type of the catalog and every value check known.
func LoadDetectors(cat *catalog.Catalog) (*Detectors, error) {
	b, err := data.FS.ReadFile("traffic/fields.yaml")
	if err != nil {
		return nil, err
	}
	var f fieldsFile
	if err := yaml.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("traffic/fields.yaml: %w", err)
	}
	d := &Detectors{exact: map[string][]fieldRule{}}
	for i, e := range f.Fields {
		if _, ok := cat.DataType(e.Type); !ok {
			return nil, fmt.Errorf("traffic/fields.yaml: field %d: %q is not a PI type of the catalog", i+1, e.Type)
		}
		if _, ok := valueChecks[e.Value]; !ok {
			return nil, fmt.Errorf("traffic/fields.yaml: field %d: unknown value check %q", i+1, e.Value)
		}
		if len(e.Source) == 0 {
			return nil, fmt.Errorf("traffic/fields.yaml: field %d (%s): no source", i+1, e.Type)
		}
		for _, s := range e.Source {
			if _, ok := f.Sources[s]; !ok {
				return nil, fmt.Errorf("traffic/fields.yaml: field %d: source %q not among sources", i+1, s)
			}
		}
		r := fieldRule{e.Type, e.Value}
		for _, k := range e.Keys {
			d.exact[normKey(k)] = append(d.exact[normKey(k)], r)
		}
		for _, k := range e.Contains {
			d.contains = append(d.contains, containsRule{normKey(k), r})
		}
	}
	return d, nil
}

// normKey lowers a field name and drops separators: "device_IMEI" and
// "deviceImei" are both "deviceimei".
func normKey(k string) string {
	var b strings.Builder
	for _, r := range k {
		switch {
		case r == '_' || r == '-' || r == '.' || r == ' ' || r == '[' || r == ']':
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// Hit is one PI value found in a message.
type Hit struct {
	Type  string // PI type key
	Field string // the field's name ("" for a value found by value)
	Value string // masked
	How   string // what made it: "field" or the encoding of a device id
}

// field checks one name/value pair.
func (d *Detectors) field(name, value string, out []Hit) []Hit {
	k := normKey(name)
	if k == "" || len(value) == 0 || len(value) > 64<<10 {
		return out
	}
	rules := d.exact[k]
	if len(rules) == 0 {
		toks := keyTokens(name)
		for _, c := range d.contains {
			if hasTokenRun(toks, c.part) {
				rules = append(rules, c.rule)
			}
		}
	}
	for _, r := range rules {
		if r.value == "media" {
			continue // a media part, judged by its content
		}
		if v, ok := valueChecks[r.value](value); ok {
			how := "field"
			if r.value == "latitude" || r.value == "longitude" {
				how = r.value // kept only with its pair (see pairCoordinates)
			}
			out = append(out, Hit{Type: r.typ, Field: name, Value: mask(v), How: how})
			break
		}
	}
	return out
}

// mediaField tells whether a field's name says it carries a face image.
func (d *Detectors) faceField(name string) bool {
	k := normKey(name)
	for _, r := range d.exact[k] {
		if r.typ == "face" {
			return true
		}
	}
	toks := keyTokens(name)
	for _, c := range d.contains {
		if c.rule.typ == "face" && hasTokenRun(toks, c.part) {
			return true
		}
	}
	return false
}

// keyTokens splits a field name into its words, lower case: at
// separators, at a lower-case letter followed by an upper-case one, and
// between letters and digits ("deviceImei1" is device, imei, 1;
// "PHPSESSID" is one word).
func keyTokens(name string) []string {
	var toks []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			toks = append(toks, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	var prev rune
	for _, r := range name {
		switch {
		case !unicode.IsLetter(r) && !unicode.IsDigit(r):
			flush()
			prev = 0
			continue
		case unicode.IsUpper(r) && unicode.IsLower(prev),
			unicode.IsDigit(r) != unicode.IsDigit(prev) && prev != 0:
			flush()
		}
		cur = append(cur, r)
		prev = r
	}
	flush()
	return toks
}

// hasTokenRun tells whether part is one word of toks or several adjacent
// words joined ("wifimac" in wifi, mac), never the inside of a word
// ("ssid" is not in phpsessid).
func hasTokenRun(toks []string, part string) bool {
	for i := range toks {
		joined := ""
		for j := i; j < len(toks) && len(joined) < len(part); j++ {
			joined += toks[j]
			if joined == part {
				return true
			}
		}
	}
	return false
}

// valueChecks validate a candidate value; they return the value as read
// (trimmed) and whether it passes.
var valueChecks = map[string]func(string) (string, bool){
	"imei":        checkIMEI,
	"imsi":        checkIMSI,
	"iccid":       checkICCID,
	"mac":         checkMAC,
	"hex16":       checkHex16,
	"adid":        checkAdID,
	"mobile":      checkMobile,
	"resident_id": checkResidentID,
	"bank_card":   checkBankCard,
	"email":       checkEmail,
	"ssid":        checkSSID,
	"latitude":    func(s string) (string, bool) { return checkCoord(s, 90) },
	"longitude":   func(s string) (string, bool) { return checkCoord(s, 180) },
	"app_list":    checkAppList,
	"mac_list":    checkMACList,
	"serial":      checkSerial,
	"media":       func(s string) (string, bool) { return s, false },
}

func digits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// oneDigit tells values like 000000000000000 that SDKs send in place
// of an identifier they could not read.
func oneDigit(s string) bool {
	for i := 1; i < len(s); i++ {
		if s[i] != s[0] {
			return false
		}
	}
	return true
}

func luhn(s string) bool {
	sum, alt := 0, false
	for i := len(s) - 1; i >= 0; i-- {
		d := int(s[i] - '0')
		if alt {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		alt = !alt
	}
	return sum%10 == 0
}

func checkIMEI(s string) (string, bool) {
	s = strings.TrimSpace(s)
	switch {
	case len(s) == 15 && digits(s) && !oneDigit(s[:14]) && luhn(s):
		return s, true
	case len(s) == 14 && isHex(s) && !oneDigit(s): // MEID
		return s, true
	}
	return s, false
}

func checkIMSI(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if (len(s) == 14 || len(s) == 15) && digits(s) && !oneDigit(s) && s[0] >= '2' && s[0] <= '7' {
		return s, true
	}
	return s, false
}

func checkICCID(s string) (string, bool) {
	s = strings.TrimSpace(strings.TrimRight(s, "Ff"))
	if len(s) >= 19 && len(s) <= 20 && strings.HasPrefix(s, "89") && digits(s) && !oneDigit(s[2:]) && (luhn(s) || len(s) == 20) {
		return s, true
	}
	return s, false
}

func isHex(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i] | 0x20
		if !(s[i] >= '0' && s[i] <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// macSeparators drops the separators of a written MAC address (a
// Replacer is safe for concurrent use).
var macSeparators = strings.NewReplacer(":", "", "-", "", ".", "")

// checkMAC reads a 48-bit address with :, - or no separators; the group
// bit, all-zero and Android's stand-in 02:00:00:00:00:00 are not devices.
func checkMAC(s string) (string, bool) {
	s = strings.TrimSpace(s)
	h := macSeparators.Replace(s)
	if len(h) != 12 || !isHex(h) || (len(s) != 12 && len(s) != 17 && len(s) != 14) {
		return s, false
	}
	b, _ := hex.DecodeString(h)
	if b[0]&1 != 0 || bytes.Equal(b, make([]byte, 6)) || strings.EqualFold(h, "020000000000") {
		return s, false
	}
	return s, true
}

func checkHex16(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if (len(s) == 16 || len(s) == 15) && isHex(s) && !oneDigit(s) {
		return s, true
	}
	return s, false
}

// checkAdID reads an advertising identifier: a UUID (or OAID's 16 or 64
// hex digits), never the all-zero value of a user who turned it off.
func checkAdID(s string) (string, bool) {
	s = strings.TrimSpace(s)
	h := strings.ReplaceAll(s, "-", "")
	switch {
	case len(s) == 36 && len(h) == 32 && isHex(h):
	case (len(s) == 16 || len(s) == 32 || len(s) == 64) && isHex(s) && !digits(s):
		// Hex with a letter: an all-digit value is an ad or campaign id.
	default:
		return s, false
	}
	if oneDigit(h) {
		return s, false
	}
	return s, true
}

func checkMobile(s string) (string, bool) {
	s = strings.TrimSpace(s)
	n := strings.TrimPrefix(strings.TrimPrefix(strings.ReplaceAll(s, " ", ""), "+"), "86")
	if len(n) == 11 && digits(n) && n[0] == '1' && n[1] >= '3' && n[1] <= '9' && !oneDigit(n[3:]) {
		return s, true
	}
	return s, false
}

// checkResidentID checks an 18-character 公民身份号码: an address code
// opening with 1-8, a real birth date, and the MOD 11-2 check character.
func checkResidentID(s string) (string, bool) {
	s = strings.ToUpper(strings.TrimSpace(s))
	if len(s) != 18 || !digits(s[:17]) || s[0] < '1' || s[0] > '8' {
		return s, false
	}
	birth, err := time.Parse("20060102", s[6:14])
	if err != nil || birth.Year() < 1900 || birth.After(time.Now()) {
		return s, false
	}
	weights := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, w := range weights {
		sum += int(s[i]-'0') * w
	}
	if "10X98765432"[sum%11] != s[17] {
		return s, false
	}
	return s, true
}

func checkBankCard(s string) (string, bool) {
	s = strings.ReplaceAll(strings.TrimSpace(s), " ", "")
	if len(s) >= 15 && len(s) <= 19 && digits(s) && s[0] >= '3' && s[0] <= '6' && !oneDigit(s[1:]) && luhn(s) {
		return s, true
	}
	return s, false
}

func checkEmail(s string) (string, bool) {
	s = strings.TrimSpace(s)
	at := strings.IndexByte(s, '@')
	if at < 1 || at != strings.LastIndexByte(s, '@') || len(s) > 254 || strings.ContainsAny(s, " <>\"'") {
		return s, false
	}
	dom := s[at+1:]
	if !strings.Contains(dom, ".") || !validHost(dom) || strings.HasSuffix(dom, ".") {
		return s, false
	}
	return s, true
}

func checkSSID(s string) (string, bool) {
	s = strings.Trim(strings.TrimSpace(s), `"`)
	switch strings.ToLower(s) {
	case "", "<unknown ssid>", "unknown", "null", "none", "0x", "true", "false":
		return s, false
	}
	if digits(s) {
		return s, false // a switch or a count, not a network name
	}
	return s, len(s) <= 32 // 802.11 SSIDs are at most 32 bytes
}

// checkCoord reads a decimal coordinate with at least three decimals
// (about 100 m) within ±limit, not zero.
func checkCoord(s string, limit float64) (string, bool) {
	s = strings.TrimSpace(s)
	v, err := strconv.ParseFloat(s, 64)
	dot := strings.IndexByte(s, '.')
	if err != nil || dot < 0 || len(s)-dot-1 < 3 || v == 0 || v < -limit || v > limit {
		return s, false
	}
	return s, true
}

// checkAppList reads a list of at least five Android package or app
// names (a JSON array or a separated string).
func checkAppList(s string) (string, bool) {
	var items []string
	t := strings.TrimSpace(s)
	if strings.HasPrefix(t, "[") {
		var arr []any
		if json.Unmarshal([]byte(t), &arr) == nil {
			for _, a := range arr {
				switch v := a.(type) {
				case string:
					items = append(items, v)
				case map[string]any:
					for _, k := range []string{"pkg", "package", "packageName", "pkgName", "pn", "name"} {
						if p, ok := v[k].(string); ok {
							items = append(items, p)
							break
						}
					}
				}
			}
		}
	} else {
		items = strings.FieldsFunc(t, func(r rune) bool { return r == ',' || r == ';' || r == '|' || r == '\n' })
	}
	n := 0
	for _, it := range items {
		if isPackageName(strings.TrimSpace(it)) {
			n++
		}
	}
	if n >= 5 {
		return fmt.Sprintf("%d apps", n), true
	}
	return s, false
}

func isPackageName(s string) bool {
	parts := strings.Split(s, ".")
	if len(parts) < 2 || len(s) > 200 {
		return false
	}
	for _, p := range parts {
		if p == "" || !(p[0] >= 'a' && p[0] <= 'z' || p[0] >= 'A' && p[0] <= 'Z') {
			return false
		}
		for i := 0; i < len(p); i++ {
			if !(isAlnum(p[i]) || p[i] == '_') {
				return false
			}
		}
	}
	return true
}

func checkMACList(s string) (string, bool) {
	n := 0
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return !(r == ':' || r == '-' || isAlnum(byte(r)) && r < 0x80) }) {
		if _, ok := checkMAC(f); ok {
			n++
		}
	}
	if n >= 2 {
		return fmt.Sprintf("%d networks", n), true
	}
	return s, false
}

func checkSerial(s string) (string, bool) {
	s = strings.TrimSpace(s)
	// A 32-digit hex value under "sn" is a request signature (an MD5), not
	// a serial number.
	if len(s) < 6 || len(s) > 32 || oneDigit(s) || strings.EqualFold(s, "unknown") || len(s) == 32 && isHex(s) {
		return s, false
	}
	letters, nums := false, false
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] >= '0' && s[i] <= '9':
			nums = true
		case isAlnum(s[i]):
			letters = true
		default:
			return s, false
		}
	}
	return s, letters && nums
}

// mask shows a value's first and last characters only.
func mask(v string) string {
	r := []rune(v)
	switch {
	case strings.HasSuffix(v, " apps") || strings.HasSuffix(v, " networks"):
		return v
	case len(r) <= 4:
		return strings.Repeat("*", len(r))
	case len(r) <= 8:
		return string(r[:1]) + strings.Repeat("*", len(r)-2) + string(r[len(r)-1:])
	}
	return string(r[:3]) + strings.Repeat("*", len(r)-6) + string(r[len(r)-3:])
}

// DeviceIDs are the test device's own identifiers, by PI type.
type DeviceIDs map[string][]string

// idForm is one way a device identifier may appear in traffic.
type idForm struct {
	typ, how string
	needle   []byte // lower case when fold
	fold     bool   // compare without case (hex forms)
}

// SetDeviceIDs prepares the forms in which each identifier is searched:
// as given, URL-encoded, base64, hex of its text, and its MD5, SHA-1 and
// SHA-256 (of the value, upper- and lower-case, and of a MAC without
// separators).
func (d *Detectors) SetDeviceIDs(ids DeviceIDs) {
	d.ids = nil
	for typ, vals := range ids {
		for _, v := range vals {
			v = strings.TrimSpace(v)
			if len(v) < 8 {
				continue // too short to find by value without false matches
			}
			variants := []string{v}
			if lo, up := strings.ToLower(v), strings.ToUpper(v); lo != v || up != v {
				variants = append(variants, lo, up)
			}
			if bare := strings.NewReplacer(":", "", "-", "").Replace(v); bare != v && len(bare) >= 6 {
				variants = append(variants, strings.ToLower(bare), strings.ToUpper(bare))
			}
			seen := map[string]bool{}
			add := func(how, needle string, fold bool) {
				k := how + "\x00" + needle
				if needle == "" || seen[k] {
					return
				}
				seen[k] = true
				if fold {
					needle = strings.ToLower(needle)
				}
				d.ids = append(d.ids, idForm{typ, how, []byte(needle), fold})
			}
			add("plain", v, isHex(strings.NewReplacer(":", "", "-", "").Replace(v)))
			if bare := strings.NewReplacer(":", "", "-", "").Replace(v); bare != v && len(bare) >= 12 && isHex(bare) {
				add("plain", bare, true)
			}
			for _, x := range variants {
				if esc := url.QueryEscape(x); esc != x {
					add("url-encoded", esc, false)
				}
				add("base64", strings.TrimRight(base64.StdEncoding.EncodeToString([]byte(x)), "="), false)
				add("hex", hex.EncodeToString([]byte(x)), true)
				m := md5.Sum([]byte(x))
				add("md5", hex.EncodeToString(m[:]), true)
				s1 := sha1.Sum([]byte(x))
				add("sha1", hex.EncodeToString(s1[:]), true)
				s2 := sha256.Sum256([]byte(x))
				add("sha256", hex.EncodeToString(s2[:]), true)
			}
		}
	}
}

// knownIDs finds the device's identifiers in data.
func (d *Detectors) knownIDs(b []byte, out []Hit) []Hit {
	if len(d.ids) == 0 || len(b) == 0 {
		return out
	}
	var low []byte
	for _, f := range d.ids {
		hay := b
		if f.fold {
			if low == nil {
				low = bytes.ToLower(b)
			}
			hay = low
		}
		// The first occurrence that is not inside a longer word counts.
		for off := 0; off < len(hay); {
			i := bytes.Index(hay[off:], f.needle)
			if i < 0 {
				break
			}
			if boundaryAt(hay, off+i, len(f.needle)) {
				out = append(out, Hit{Type: f.typ, Value: mask(string(f.needle)), How: f.how})
				break
			}
			off += i + 1
		}
	}
	return out
}

// boundaryAt tells a match not inside a longer run of letters and digits.
func boundaryAt(b []byte, i, n int) bool {
	alnum := func(c byte) bool { return isAlnum(c) }
	return (i == 0 || !alnum(b[i-1]) || !alnum(b[i])) && (i+n >= len(b) || !alnum(b[i+n]) || !alnum(b[i+n-1]))
}

// Fields is what one message carries: name/value pairs from its URL,
// headers and body, and any media it uploads (its raw bytes are searched
// for the device's identifiers beside them).
type Fields struct {
	Pairs [][2]string
	Media []Media
	Kind  string // the body's form: form, json, multipart, text, binary, protobuf
}

// Media is an uploaded image, audio or video.
type Media struct {
	Kind  string // image, audio, video
	Type  string // its content type or format
	Field string // the form field that carried it
	Size  int
}

// maxPairs bounds the name/value pairs read from one message.
const maxPairs = 10_000

// body reads a body by its content type.
func (f *Fields) body(ctype string, b []byte) {
	if len(b) == 0 {
		return
	}
	mt, params, _ := mime.ParseMediaType(ctype)
	t := bytes.TrimSpace(b)
	switch {
	case mt == "application/x-www-form-urlencoded" || mt == "" && looksForm(t):
		f.Kind = "form"
		f.query(string(t))
	case strings.Contains(mt, "json") || mt == "" && len(t) > 0 && (t[0] == '{' || t[0] == '['), mt == "text/plain" && len(t) > 0 && (t[0] == '{' || t[0] == '['):
		f.Kind = "json"
		var v any
		dec := json.NewDecoder(bytes.NewReader(t))
		dec.UseNumber()
		if dec.Decode(&v) == nil {
			f.flatten("", v, 0)
		} else {
			// Cut or broken JSON: its "name": value pairs still count.
			f.loosePairs(t)
		}
	case strings.HasPrefix(mt, "multipart/"):
		f.Kind = "multipart"
		f.multipart(b, params["boundary"])
	case strings.HasPrefix(mt, "image/") || strings.HasPrefix(mt, "audio/") || strings.HasPrefix(mt, "video/"):
		f.Kind = "media"
		f.Media = append(f.Media, Media{Kind: mt[:strings.IndexByte(mt, '/')], Type: mt, Size: len(b)})
	case strings.Contains(mt, "protobuf") || mt == "application/grpc":
		f.Kind = "protobuf"
	default:
		if k, typ := sniffMedia(b); k != "" {
			f.Kind = "media"
			f.Media = append(f.Media, Media{Kind: k, Type: typ, Size: len(b)})
			return
		}
		if printable(b) {
			f.Kind = "text" // searched as raw bytes with the request
		} else {
			f.Kind = "binary"
		}
	}
}

func looksForm(b []byte) bool {
	if len(b) == 0 || !printable(b) || bytes.ContainsAny(b, " \n{}<>") {
		return false
	}
	return bytes.IndexByte(b, '=') > 0
}

// loosePairs reads "name": "value" and "name": number pairs from JSON
// that does not parse (a body cut by the capture or a size limit).
func (f *Fields) loosePairs(b []byte) {
	for i := 0; i < len(b) && len(f.Pairs) < maxPairs; i++ {
		if b[i] != '"' {
			continue
		}
		end := bytes.IndexByte(b[i+1:min(len(b), i+1+128)], '"')
		if end < 0 {
			continue
		}
		key := string(b[i+1 : i+1+end])
		j := i + 1 + end + 1
		for j < len(b) && (b[j] == ' ' || b[j] == '\t') {
			j++
		}
		if j >= len(b) || b[j] != ':' {
			i = i + end
			continue
		}
		j++
		for j < len(b) && (b[j] == ' ' || b[j] == '\t') {
			j++
		}
		if j < len(b) && b[j] == '"' {
			e := bytes.IndexByte(b[j+1:min(len(b), j+1+4096)], '"')
			if e >= 0 {
				f.Pairs = append(f.Pairs, [2]string{key, string(b[j+1 : j+1+e])})
				i = j + e
			}
			continue
		}
		k := j
		for k < len(b) && (b[k] >= '0' && b[k] <= '9' || b[k] == '.' || b[k] == '-') {
			k++
		}
		if k > j {
			f.Pairs = append(f.Pairs, [2]string{key, string(b[j:k])})
			i = k - 1
		}
	}
}

// query reads URL-encoded pairs.
func (f *Fields) query(q string) {
	for q != "" && len(f.Pairs) < maxPairs {
		var kv string
		kv, q, _ = strings.Cut(q, "&")
		k, v, _ := strings.Cut(kv, "=")
		if uk, err := url.QueryUnescape(k); err == nil {
			k = uk
		}
		if uv, err := url.QueryUnescape(v); err == nil {
			v = uv
		}
		f.pair(k, v)
	}
}

// pair adds a pair; a value that is itself JSON is read too.
func (f *Fields) pair(k, v string) {
	if len(f.Pairs) >= maxPairs {
		return
	}
	f.Pairs = append(f.Pairs, [2]string{k, v})
	if t := strings.TrimSpace(v); len(t) > 1 && (t[0] == '{' || t[0] == '[') {
		var x any
		dec := json.NewDecoder(strings.NewReader(t))
		dec.UseNumber()
		if dec.Decode(&x) == nil {
			f.flatten(k, x, 1)
		}
	}
}

// flatten turns JSON into pairs named by their innermost key; arrays of
// scalars are also kept whole under their key (an app list).
func (f *Fields) flatten(key string, v any, depth int) {
	if depth > 32 || len(f.Pairs) >= maxPairs {
		return
	}
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			f.flatten(k, e, depth+1)
		}
	case []any:
		if key != "" {
			if b, err := json.Marshal(x); err == nil && len(b) <= 64<<10 {
				f.Pairs = append(f.Pairs, [2]string{key, string(b)})
			}
		}
		for _, e := range x {
			f.flatten(key, e, depth+1)
		}
	case string:
		if key != "" {
			f.pair(key, x)
		}
	case json.Number:
		if key != "" {
			f.Pairs = append(f.Pairs, [2]string{key, x.String()})
		}
	}
}

func (f *Fields) multipart(b []byte, boundary string) {
	if boundary == "" {
		return
	}
	mr := multipart.NewReader(bytes.NewReader(b), boundary)
	for n := 0; n < 100; n++ {
		p, err := mr.NextRawPart()
		if err != nil {
			return
		}
		var buf bytes.Buffer
		_, _ = buf.ReadFrom(&limitedReader{p, maxHTTPBody})
		name := p.FormName()
		ct := p.Header.Get("Content-Type")
		if k, typ := sniffMedia(buf.Bytes()); k != "" || strings.HasPrefix(ct, "image/") || strings.HasPrefix(ct, "audio/") || strings.HasPrefix(ct, "video/") {
			if k == "" {
				k, typ = ct[:strings.IndexByte(ct, '/')], ct
			}
			f.Media = append(f.Media, Media{Kind: k, Type: typ, Field: name, Size: buf.Len()})
			continue
		}
		if p.FileName() == "" && printable(buf.Bytes()) {
			f.pair(name, buf.String())
		}
	}
}

type limitedReader struct {
	r interface{ Read([]byte) (int, error) }
	n int
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.n <= 0 {
		return 0, fmt.Errorf("part longer than kept")
	}
	if len(p) > l.n {
		p = p[:l.n]
	}
	n, err := l.r.Read(p)
	l.n -= n
	return n, err
}

// sniffMedia names an image, audio or video format from its first bytes.
func sniffMedia(b []byte) (kind, format string) {
	switch {
	case bytes.HasPrefix(b, []byte{0xff, 0xd8, 0xff}):
		return "image", "jpeg"
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return "image", "png"
	case bytes.HasPrefix(b, []byte("GIF87a")), bytes.HasPrefix(b, []byte("GIF89a")):
		return "image", "gif"
	case len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP":
		return "image", "webp"
	case len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WAVE":
		return "audio", "wav"
	case bytes.HasPrefix(b, []byte("#!AMR")):
		return "audio", "amr"
	case bytes.HasPrefix(b, []byte("OggS")):
		return "audio", "ogg"
	case bytes.HasPrefix(b, []byte("fLaC")):
		return "audio", "flac"
	case bytes.HasPrefix(b, []byte("ID3")):
		return "audio", "mp3"
	case bytes.HasPrefix(b, []byte("#!SILK")), bytes.HasPrefix(b, []byte("\x02#!SILK")):
		return "audio", "silk"
	case len(b) >= 12 && string(b[4:8]) == "ftyp":
		brand := string(b[8:12])
		if strings.HasPrefix(brand, "M4A") {
			return "audio", "m4a"
		}
		if strings.HasPrefix(brand, "heic") || strings.HasPrefix(brand, "mif1") {
			return "image", "heic"
		}
		return "video", "mp4"
	case bytes.HasPrefix(b, []byte{0x1a, 0x45, 0xdf, 0xa3}):
		return "video", "webm"
	}
	return "", ""
}

// printable tells text: valid UTF-8 with few control characters.
func printable(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	n := min(len(b), 4096)
	bad := 0
	for _, c := range b[:n] {
		if c < 0x20 && c != '\n' && c != '\r' && c != '\t' {
			bad++
		}
	}
	return bad*100 < n
}

// maxDeviceIDsFile bounds a --device-ids file.
const maxDeviceIDsFile = 1 << 20

// ReadDeviceIDs reads a YAML file of the test device's identifiers: PI
// type keys (or their usual names: imei, mac, gaid…) mapped to a value
// or a list of values.
func ReadDeviceIDs(file string) (DeviceIDs, error) {
	b, err := readSmall(file, maxDeviceIDsFile)
	if err != nil {
		return nil, err
	}
	var raw map[string]any
	if err := yaml.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	ids := DeviceIDs{}
	for k, v := range raw {
		typ, ok := idAliases[normKey(k)]
		if !ok {
			return nil, fmt.Errorf("%s: %q is not an identifier hegui knows (use one of: imei, meid, imsi, iccid, serial, android_id, mac, bluetooth_mac, bssid, oaid, gaid, idfa, phone)", file, k)
		}
		switch x := v.(type) {
		case string:
			ids[typ] = append(ids[typ], x)
		case int, int64, uint64, float64:
			return nil, fmt.Errorf("%s: %s: quote the value (%v) so that no digit is lost", file, k, x)
		case []any:
			for _, e := range x {
				s, ok := e.(string)
				if !ok {
					return nil, fmt.Errorf("%s: %s: quote each value", file, k)
				}
				ids[typ] = append(ids[typ], s)
			}
		default:
			return nil, fmt.Errorf("%s: %s: want a value or a list of values", file, k)
		}
	}
	return ids, nil
}

// idAliases map the names users give identifiers onto PI type keys.
var idAliases = map[string]string{
	"imei": "device_id_imei", "meid": "device_id_imei", "deviceidimei": "device_id_imei",
	"imsi": "imsi", "iccid": "iccid", "serial": "device_serial", "deviceserial": "device_serial",
	"androidid": "android_id", "mac": "mac_address", "macaddress": "mac_address", "wifimac": "mac_address",
	"bluetoothmac": "bluetooth_mac", "btmac": "bluetooth_mac", "bssid": "wifi_info",
	"oaid": "oaid", "gaid": "advertising_id", "advertisingid": "advertising_id", "idfa": "idfa",
	"phone": "phone_number", "phonenumber": "phone_number",
}

func readSmall(file string, limit int64) ([]byte, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%s: larger than %d bytes", file, limit)
	}
	return b, nil
}

// pairCoordinates keeps a position only when a message has both a
// latitude and a longitude field that pass: one number in range is not a
// location.
func pairCoordinates(hits []Hit) []Hit {
	var lat, lng *Hit
	out := hits[:0:0]
	for i := range hits {
		switch hits[i].How {
		case "latitude":
			if lat == nil {
				lat = &hits[i]
			}
		case "longitude":
			if lng == nil {
				lng = &hits[i]
			}
		default:
			out = append(out, hits[i])
		}
	}
	if lat != nil && lng != nil {
		out = append(out, Hit{Type: lat.Type, Field: lat.Field + "," + lng.Field, Value: lat.Value + "," + lng.Value, How: "field"})
	}
	return out
}
