package artifact

import (
	"context"
	"errors"
	"testing"
	"time"
)

// acquireWithin reports whether Acquire(n) returns within a short wait; a
// waiter left behind is cancelled so that it does not outlive the test.
func acquireWithin(b *Budget, n int64) bool {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Acquire(ctx, n) }()
	select {
	case err := <-done:
		cancel()
		return err == nil
	case <-time.After(50 * time.Millisecond):
		cancel()
		if err := <-done; err == nil {
			// Granted just after the wait: give the bytes back.
			b.Release(n)
		}
		return false
	}
}

func TestBudgetAdmitsOneHoldingAlways(t *testing.T) {
	b := NewBudget(100)
	if !acquireWithin(b, 250) {
		t.Fatal("a holding larger than the budget was not admitted when nothing was held")
	}
	if acquireWithin(b, 1) {
		t.Fatal("a second holding was admitted past the budget")
	}
	b.Release(250)
	if b.Held() != 0 || b.Peak() != 250 {
		t.Fatalf("held %d, peak %d", b.Held(), b.Peak())
	}
}

func TestBudgetWaitsInOrder(t *testing.T) {
	b := NewBudget(100)
	ctx := context.Background()
	if err := b.Acquire(ctx, 80); err != nil {
		t.Fatal(err)
	}
	// A large request waits; a small one that would fit must not pass it.
	bigDone := make(chan struct{})
	go func() {
		if err := b.Acquire(ctx, 60); err == nil {
			close(bigDone)
		}
	}()
	time.Sleep(20 * time.Millisecond)
	if acquireWithin(b, 10) {
		t.Fatal("a later request overtook a waiting one")
	}
	b.Release(80)
	select {
	case <-bigDone:
	case <-time.After(time.Second):
		t.Fatal("the waiting request was not admitted after a release")
	}
	if !acquireWithin(b, 40) {
		t.Fatal("a request that fits had to wait")
	}
	b.Release(100)
	if b.Held() != 0 {
		t.Fatalf("held %d after releasing everything", b.Held())
	}
}

func TestBudgetCancelledWait(t *testing.T) {
	b := NewBudget(10)
	if err := b.Acquire(context.Background(), 10); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	err := b.Acquire(ctx, 5)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("want the deadline, got %v", err)
	}
	// The cancelled waiter left the queue: a later request is served.
	b.Release(10)
	if !acquireWithin(b, 10) {
		t.Fatal("a cancelled waiter blocked the queue")
	}
	// Take counts memory already in use, without waiting.
	b.Take(50)
	if b.Held() != 60 || b.Peak() != 60 {
		t.Fatalf("held %d, peak %d after Take", b.Held(), b.Peak())
	}
	b.Release(60)
	// An already cancelled context takes nothing when it would wait.
	if err := b.Acquire(context.Background(), 10); err != nil {
		t.Fatal(err)
	}
	done, stop := context.WithCancel(context.Background())
	stop()
	if err := b.Acquire(done, 5); err == nil {
		t.Fatal("Acquire with a cancelled context waited and succeeded")
	}
	if b.Held() != 10 {
		t.Fatalf("held %d, want 10", b.Held())
	}
}
