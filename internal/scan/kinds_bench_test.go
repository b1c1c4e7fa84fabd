package scan

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hegui/hegui/internal/artifact"
)

// The package kinds against the floor of reading them: for each fixture,
// "read" is the whole analysis (hash, sniff, parse, match), "inflate" only
// inflating its binaries (the executables and frameworks of an IPA, the
// bytecode of a HAP, the class files of a JAR or of an AAR's JARs).
// bench/packages.sh prints the ratios.
var kindFixtures = map[string]string{
	"ipa": "../../testdata/ios/ride.ipa",
	"hap": "../../testdata/harmony/lock.hap",
	"aar": "../../testdata/sdk/alipay-sdk.aar",
	"jar": "../../testdata/sdk/libammsdk.jar",
	"a":   "../../testdata/ios/libWeChatSDK.a",
}

func BenchmarkKinds(b *testing.B) {
	sc := newScanner(b, nil)
	fixtures := map[string]string{"hap-8mb": bigHAP(b)}
	for k, v := range kindFixtures {
		fixtures[k] = v
	}
	for kind, path := range fixtures {
		b.Run("read/"+kind, func(b *testing.B) {
			for b.Loop() {
				r := sc.One(context.Background(), path, artifact.DefaultLimits())
				if r.Err != nil {
					b.Fatal(r.Err)
				}
			}
		})
		b.Run("inflate/"+kind, func(b *testing.B) {
			for b.Loop() {
				inflate(b, path)
			}
		})
	}
}

// bigHAP writes a HAP of typical size: the smart lock's module.json and
// an 8 MB bytecode file of string records (names, module specifiers,
// URLs), as large apps' ets/modules.abc are.
func bigHAP(b *testing.B) string {
	zr, err := zip.OpenReader("../../testdata/harmony/lock.hap")
	if err != nil {
		b.Fatal(err)
	}
	defer zr.Close()
	var manifest []byte
	for _, f := range zr.File {
		if f.Name == "module.json" {
			rc, _ := f.Open()
			manifest, _ = io.ReadAll(rc)
			rc.Close()
		}
	}
	body := []byte{}
	for i := 0; len(body) < 8<<20; i++ {
		var s string
		switch i % 4 {
		case 0:
			s = fmt.Sprintf("com.example.big/entry/ets/pages/Page%d", i)
		case 1:
			s = fmt.Sprintf("handleEvent%d", i)
		case 2:
			s = fmt.Sprintf("https://api%d.example.cn/v1/items", i%50)
		default:
			s = "@ohos:geoLocationManager"
		}
		body = append(body, byte(len(s)<<1|1))
		body = append(body, s...)
		body = append(body, 0)
	}
	hdr := make([]byte, 60)
	copy(hdr, "PANDA\x00\x00\x00")
	hdr[12] = 11
	binary.LittleEndian.PutUint32(hdr[16:], uint32(60+len(body)))
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("module.json")
	w.Write(manifest)
	w, _ = zw.Create("ets/modules.abc")
	w.Write(append(hdr, body...))
	zw.Close()
	p := filepath.Join(b.TempDir(), "big.hap")
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		b.Fatal(err)
	}
	return p
}

// inflate reads a package's binaries, as a floor: nothing parsed.
func inflate(b *testing.B, path string) {
	if strings.HasSuffix(path, ".a") {
		if _, err := readAll(path); err != nil {
			b.Fatal(err)
		}
		return
	}
	zr, err := zip.OpenReader(path)
	if err != nil {
		b.Fatal(err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		n := f.Name
		binary := strings.HasSuffix(n, ".abc") || strings.HasSuffix(n, ".class") ||
			strings.HasPrefix(n, "Payload/") && (strings.HasSuffix(n, "/Ride") || strings.Contains(n, ".framework/") && !strings.Contains(n[strings.LastIndex(n, "/"):], "."))
		if n == "classes.jar" {
			rc, _ := f.Open()
			data, _ := io.ReadAll(rc)
			rc.Close()
			inner, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
			if err != nil {
				b.Fatal(err)
			}
			for _, g := range inner.File {
				rc, _ := g.Open()
				io.Copy(io.Discard, rc)
				rc.Close()
			}
			continue
		}
		if binary {
			rc, _ := f.Open()
			io.Copy(io.Discard, rc)
			rc.Close()
		}
	}
}

func readAll(path string) ([]byte, error) {
	in, err := artifact.Open(path, artifact.DefaultLimits())
	if err != nil {
		return nil, err
	}
	defer in.Close()
	buf := make([]byte, in.Size)
	_, err = in.ReaderAt().ReadAt(buf, 0)
	return buf, err
}
