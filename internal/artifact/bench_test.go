package artifact

import (
	"os"
	"testing"
)

const benchAPK = "../../testdata/apks/real/com.example.android.wearable.wear.weardrawers.apk"

// BenchmarkOpenAndReadDex opens a multidex APK and inflates every dex file:
// the floor of an APK scan's time.
func BenchmarkOpenAndReadDex(b *testing.B) {
	data, err := os.ReadFile(benchAPK)
	if err != nil {
		b.Fatal(err)
	}
	f, err := os.Open(benchAPK)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	var n int64
	for b.Loop() {
		a, err := OpenZip(f, int64(len(data)), "bench.apk", DefaultLimits())
		if err != nil {
			b.Fatal(err)
		}
		n = 0
		for _, e := range a.Glob("classes*.dex") {
			got, err := a.Read(e)
			if err != nil {
				b.Fatal(err)
			}
			n += int64(len(got))
		}
	}
	b.SetBytes(n)
}

// BenchmarkReadSmallEntries reads every entry of the APK: many small
// resources, where per-read costs (inflater set-up, buffers) dominate.
func BenchmarkReadSmallEntries(b *testing.B) {
	f, err := os.Open(benchAPK)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	a, err := OpenZip(f, st.Size(), "bench.apk", DefaultLimits())
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		a.spend = newSpending(a.limits)
		for _, e := range a.Entries {
			if e.Size < 64<<10 {
				if _, err := a.Read(e); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
}
