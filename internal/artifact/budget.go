package artifact

import (
	"context"
	"fmt"
	"sync"
)

// Budget is a byte budget shared by every analysis of a run for what it
// holds in memory at once (inflated dex images), so that peak memory does
// not grow with the number of inputs analyzed in parallel. One holding is
// always admitted when nothing else is held, however large, so a run never
// waits forever; past that, Acquire waits, first come first served, until
// the bytes fit.
//
// A Budget is safe for concurrent use. Create one per run with NewBudget
// and carry it in Limits.Memory.
type Budget struct {
	mu      sync.Mutex
	limit   int64
	held    int64
	peak    int64
	waiters []*budgetWaiter
}

type budgetWaiter struct {
	n     int64
	ready chan struct{} // closed when the bytes are granted
}

// NewBudget returns a budget of limit bytes.
func NewBudget(limit int64) *Budget {
	return &Budget{limit: max(limit, 0)}
}

// Limit is the size of the budget in bytes.
func (b *Budget) Limit() int64 { return b.limit }

// Held is the number of bytes held now.
func (b *Budget) Held() int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.held
}

// Peak is the most bytes held at once so far.
func (b *Budget) Peak() int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.peak
}

// add takes n bytes; the caller holds mu.
func (b *Budget) add(n int64) {
	b.held += n
	b.peak = max(b.peak, b.held)
}

// fits reports whether n more bytes may be held; the caller holds mu.
func (b *Budget) fits(n int64) bool {
	return b.held == 0 || b.held+n <= b.limit
}

// Acquire waits until n bytes may be held and takes them. It returns the
// context's error, having taken nothing, when ctx ends first.
func (b *Budget) Acquire(ctx context.Context, n int64) error {
	n = max(n, 0)
	b.mu.Lock()
	if len(b.waiters) == 0 && b.fits(n) {
		b.add(n)
		b.mu.Unlock()
		return nil
	}
	if err := ctx.Err(); err != nil {
		b.mu.Unlock()
		return fmt.Errorf("waiting for %d bytes of the memory budget: %w", n, err)
	}
	w := &budgetWaiter{n: n, ready: make(chan struct{})}
	b.waiters = append(b.waiters, w)
	b.mu.Unlock()
	select {
	case <-w.ready:
		return nil
	case <-ctx.Done():
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	select {
	case <-w.ready:
		// Granted while giving up: give the bytes back.
		b.held -= n
	default:
		for i, o := range b.waiters {
			if o == w {
				b.waiters = append(b.waiters[:i], b.waiters[i+1:]...)
				break
			}
		}
	}
	b.grant()
	return fmt.Errorf("waiting for %d bytes of the memory budget: %w", n, ctx.Err())
}

// Take counts n more bytes as held without waiting: for memory already in
// use, such as an image that inflated larger than it declared.
func (b *Budget) Take(n int64) {
	if n <= 0 {
		return
	}
	b.mu.Lock()
	b.add(n)
	b.mu.Unlock()
}

// Release gives back n bytes taken with Acquire or Take.
func (b *Budget) Release(n int64) {
	if n <= 0 {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.held -= n
	if b.held < 0 {
		panic(fmt.Sprintf("artifact: Budget released %d bytes more than held", -b.held))
	}
	b.grant()
}

// grant admits waiters in order while they fit; the caller holds mu.
func (b *Budget) grant() {
	for len(b.waiters) > 0 && b.fits(b.waiters[0].n) {
		w := b.waiters[0]
		b.waiters = b.waiters[1:]
		b.add(w.n)
		close(w.ready)
	}
}
