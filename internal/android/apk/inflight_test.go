package apk

import (
	"testing"
	"time"
)

// acquired reports whether acquire(size) returns within a short wait.
func acquired(f *inFlight, size int64) (int64, bool) {
	got := make(chan int64, 1)
	go func() { got <- f.acquire(size) }()
	select {
	case n := <-got:
		return n, true
	case <-time.After(50 * time.Millisecond):
		// Let the waiter through so it does not outlive the test.
		f.mu.Lock()
		slots, budget := f.slots, f.budget
		f.slots, f.budget = 1<<30, 1<<62
		f.mu.Unlock()
		f.cond.Broadcast()
		n := <-got
		f.mu.Lock()
		f.slots, f.budget = slots, budget
		f.mu.Unlock()
		return n, false
	}
}

func TestInFlightBoundsBytesAndSlots(t *testing.T) {
	f := newInFlight(3, 100)
	// One image is always let in, however large.
	big, ok := acquired(f, 250)
	if !ok || big != 250 {
		t.Fatalf("first image not let in: %d %v", big, ok)
	}
	if _, ok := acquired(f, 1); ok {
		t.Fatal("a second image was let in past the byte budget")
	}
	f.release(1)
	f.release(big)
	a, _ := acquired(f, 60)
	b, ok := acquired(f, 40)
	if !ok {
		t.Fatal("an image within the budget had to wait")
	}
	if _, ok := acquired(f, 10); ok {
		t.Fatal("an image past the budget was let in")
	}
	f.release(10)
	// The declared size lied: the room follows the real size.
	b = f.adjust(b, 5)
	c, ok := acquired(f, 30)
	if !ok {
		t.Fatal("room given back by adjust was not reused")
	}
	if _, ok := acquired(f, 0); ok {
		t.Fatal("more images than slots were let in")
	}
	f.release(0)
	for _, n := range []int64{a, b, c} {
		f.release(n)
	}
	if f.n != 0 || f.bytes != 0 {
		t.Fatalf("not all room given back: %d images, %d bytes", f.n, f.bytes)
	}
}
