package mtgo

import "testing"

// TestCommitForgetsFinishedBatches: the batches committed before they were handled (a
// Disconnect from a handler) are kept only while their handlers run, not until the next
// Stop: a bot that reconnects from a handler now and then for months keeps a bounded list.
func TestCommitForgetsFinishedBatches(t *testing.T) {
	d := newMessageDispatcher(&Client{})
	running := newBatchWait()
	d.commit(running)
	for range 1000 {
		b := newBatchWait()
		d.commit(b)
		b.finish()
	}
	d.mu.Lock()
	n := len(d.commits)
	d.mu.Unlock()
	if n != 2 { // the running batch and the last one (finished after it was committed)
		t.Fatalf("%d committed batches kept after 1000 finished, want 2", n)
	}
	running.finish()
	if left, _ := func() (int64, int64) { d.mu.Lock(); defer d.mu.Unlock(); return d.committedLeft() }(); left != 0 {
		t.Fatalf("%d updates left after every batch finished", left)
	}
}
