package scan

import (
	"context"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hegui/hegui/internal/artifact"
)

// The new package kinds, cut short and with bytes flipped: every damaged
// copy ends in a report or a clear error, quickly, never in a reader's
// panic (which the scan would turn into "internal error").
func TestDamagedPackages(t *testing.T) {
	if testing.Short() {
		t.Skip("many scans")
	}
	sc := newScanner(t, nil)
	dir := t.TempDir()
	r := rand.New(rand.NewSource(1))
	for kind, path := range kindFixtures {
		good, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 40; i++ {
			b := append([]byte(nil), good...)
			if i%2 == 0 {
				b = b[:r.Intn(len(b))]
			} else {
				for k := 0; k < 1+r.Intn(8); k++ {
					b[r.Intn(len(b))] ^= byte(1 + r.Intn(255))
				}
			}
			p := filepath.Join(dir, kind+filepath.Ext(path))
			if err := os.WriteFile(p, b, 0o644); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			start := time.Now()
			res := sc.One(ctx, p, artifact.DefaultLimits())
			cancel()
			if res.Err != nil && strings.Contains(res.Err.Error(), "internal error") {
				t.Errorf("%s copy %d: %v", kind, i, res.Err)
			}
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("%s copy %d: %v", kind, i, d)
			}
		}
	}
}
