package traffic

import (
	"context"
	"fmt"
	"os"
	"testing"
)

// TestTrace prints what a capture holds (TRACE=file go test -run TestTrace).
func TestTrace(t *testing.T) {
	file := os.Getenv("TRACE")
	if file == "" {
		t.Skip("TRACE not set")
	}
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	c := newCollector(&Detectors{exact: map[string][]fieldRule{}}, false)
	c.record = func(s Seen) { fmt.Printf("%d\t%s\t%s\t%s\n", s.Where.Packet, s.Kind, s.Host, s.Detail) }
	n, _, err := readCapture(context.Background(), f, c)
	fmt.Println("packets", n, "err", err)
}
