package traffic

import (
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/hegui/hegui/internal/catalog"
)

func detectors(t testing.TB) *Detectors {
	t.Helper()
	cat, err := catalog.Load()
	if err != nil {
		t.Fatal(err)
	}
	d, err := LoadDetectors(cat)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func types(hits []Hit) string {
	var s []string
	for _, h := range hits {
		s = append(s, h.Type)
	}
	return strings.Join(s, ",")
}

func TestFieldsNeedNameAndValue(t *testing.T) {
	d := detectors(t)
	for _, c := range []struct {
		name, value, want string
	}{
		{"imei", "867530012345672", "device_id_imei"},
		{"device_IMEI", "867530012345672", "device_id_imei"},
		{"imei", "867530012345673", ""}, // Luhn fails
		{"imei", "000000000000000", ""}, // a stand-in
		{"order_id", "867530012345672", ""},
		{"mobile", "13812345678", "phone_number"},
		{"mobile", "+86 13812345678", "phone_number"},
		{"mobile", "12812345678", ""}, // no 12x mobile range
		{"tel", "010-12345678", ""},
		{"idcard", "110105199001011232", "id_document_number"},
		{"idcard", "110105199001011233", ""}, // check digit
		{"idcard", "110105199013011232", ""}, // month 13
		{"mac", "3c:28:6d:a1:b2:c3", "mac_address"},
		{"mac", "02:00:00:00:00:00", ""}, // Android's stand-in
		{"mac", "ff:ff:ff:ff:ff:ff", ""}, // broadcast
		{"mac", "01:00:5e:00:00:fb", ""}, // multicast
		{"androidId", "9a1b2c3d4e5f6071", "android_id"},
		{"android_id", "0000000000000000", ""},
		{"oaid", "00000000-0000-0000-0000-000000000000", ""}, // turned off
		{"oaid", "1f2e3d4c-5b6a-4978-8a9b-0c1d2e3f4a5b", "oaid"},
		{"lat", "39.908722", "precise_location"},
		{"lat", "39.9", ""},     // a city, not a position
		{"lat", "139.9087", ""}, // out of range
		{"lng", "116.397499", "precise_location"},
		{"cardNo", "6222021234567890128", "bank_card_number"},
		{"cardNo", "6222021234567890127", ""},
		{"email", "li.lei@example.cn", "email"},
		{"email", "not-an-address", ""},
		{"ssid", "<unknown ssid>", ""},
		{"ssid", "ChinaNet-5G", "wifi_info"},
		{"applist", `["com.tencent.mm","com.eg.android.AlipayGphone","com.ss.android.ugc.aweme","com.sina.weibo","com.taobao.taobao"]`, "installed_apps"},
		{"applist", `["a","b"]`, ""},
		{"serialNo", "R58M12ABCDE", "device_serial"},
		{"serial", "unknown", ""},
		{"sn", "R58M12ABCDE", ""},                          // as often a request signature
		{"serial", "7de5a5b1c9e24b0e8f7a6d5c4b3a2918", ""}, // a signature-like hex value
		{"ssid_enabled", "1", ""},
		{"hideSsid", "false", ""},
		{"adid", "1234567890123456", ""}, // an ad creative's id
		// A part of a name counts only as whole words of it.
		{"PHPSESSID", "a8f5f167f44f4964e6c998dee827110c", ""},
		{"themeId", "867530012345672", ""},
		{"user_device_imei", "867530012345672", "device_id_imei"},
		{"wifiMac", "3c:28:6d:a1:b2:c3", "mac_address"},
		{"imei1", "867530012345672", "device_id_imei"},
	} {
		got := types(d.field(c.name, c.value, nil))
		if got != c.want {
			t.Errorf("%s=%s: got %q, want %q", c.name, c.value, got, c.want)
		}
	}
}

func TestDeviceIDsInAnyForm(t *testing.T) {
	d := detectors(t)
	d.SetDeviceIDs(DeviceIDs{"device_id_imei": {"867530012345672"}, "mac_address": {"3c:28:6d:a1:b2:c3"}})
	sum := md5.Sum([]byte("867530012345672"))
	for _, c := range []struct {
		body, want string
	}{
		{"id=867530012345672", "plain"},
		{"h=" + hex.EncodeToString(sum[:]), "md5"},
		{"h=" + strings.ToUpper(hex.EncodeToString(sum[:])), "md5"},
		{"b=" + base64.StdEncoding.EncodeToString([]byte("867530012345672")), "base64"},
		{"m=3c%3A28%3A6d%3Aa1%3Ab2%3Ac3", "url-encoded"},
		{"m=3C286DA1B2C3", "plain"},
		{"x=18675300123456720", ""}, // inside a longer number
		{"nothing here", ""},
	} {
		hits := d.knownIDs([]byte(c.body), nil)
		got := ""
		if len(hits) > 0 {
			got = hits[0].How
		}
		if got != c.want {
			t.Errorf("%q: found as %q, want %q (%v)", c.body, got, c.want, hits)
		}
	}
}

func TestBodies(t *testing.T) {
	var f Fields
	f.body("application/json; charset=utf-8", []byte(`{"a":{"b":[{"imei":"1"}]},"n":12}`))
	if f.Kind != "json" || !hasPair(f, "imei", "1") || !hasPair(f, "n", "12") {
		t.Errorf("json: %+v", f)
	}
	f = Fields{}
	f.body("", []byte("a=1&b=%E4%BD%A0&c"))
	if f.Kind != "form" || !hasPair(f, "b", "你") {
		t.Errorf("form: %+v", f)
	}
	f = Fields{}
	f.body("application/octet-stream", []byte("\xff\xd8\xff\xe0 jpeg"))
	if len(f.Media) != 1 || f.Media[0].Kind != "image" {
		t.Errorf("jpeg: %+v", f)
	}
	f = Fields{}
	f.body("application/x-protobuf", []byte{0x0a, 0x03, 'a', 'b', 'c'})
	if f.Kind != "protobuf" {
		t.Errorf("protobuf: %+v", f)
	}
	// A deflate bomb stops at the inflate limit.
	bomb := gzipOf(make([]byte, 64<<20))
	out, ok := inflate("gzip", bomb)
	if !ok || len(out) != maxInflated {
		t.Errorf("bomb: %d bytes, ok %v", len(out), ok)
	}
}

func hasPair(f Fields, k, v string) bool {
	for _, p := range f.Pairs {
		if p[0] == k && p[1] == v {
			return true
		}
	}
	return false
}

func TestMaskKeepsEnds(t *testing.T) {
	if got := mask("867530012345672"); got != "867*********672" {
		t.Errorf("mask: %q", got)
	}
}

func TestBrotliBody(t *testing.T) {
	// "{\"imei\":\"867530012345672\"}" compressed by `brotli -c` (Debian's
	// brotli 1.0.9).
	br := []byte{0x8f, 0x0c, 0x80, 0x7b, 0x22, 0x69, 0x6d, 0x65, 0x69, 0x22, 0x3a, 0x22, 0x38, 0x36, 0x37, 0x35, 0x33, 0x30, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x32, 0x22, 0x7d, 0x03}
	out, ok := inflate("br", br)
	if !ok || string(out) != `{"imei":"867530012345672"}` {
		t.Errorf("br: %q %v", out, ok)
	}
}

func TestCoordinatesInPairs(t *testing.T) {
	d := detectors(t)
	one := pairCoordinates(d.field("long", "12.345", nil))
	if len(one) != 0 {
		t.Errorf("a lone longitude: %v", one)
	}
	both := pairCoordinates(d.field("lng", "116.397499", d.field("lat", "39.908722", nil)))
	if types(both) != "precise_location" {
		t.Errorf("a pair: %v", both)
	}
}
