package mtp

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestMsgIDAt(t *testing.T) {
	const last = (1<<31 - 1) << 32 // the last second a msg_id holds, 2038-01-19 03:14:07 UTC
	tests := []struct {
		t       time.Time
		want    int64
		clamped bool // t is outside what a msg_id holds
	}{
		{t: time.Unix(0, 0), want: 0},
		{t: time.Unix(1, 0), want: 1 << 32},
		{t: time.Unix(1700000000, 500_000_000), want: 1700000000<<32 | 1<<31},
		{t: time.Unix(1700000000, 1), want: 1700000000<<32 | 4}, // 1ns is 4.29 units of 2^-32 s
		{t: time.Unix(1<<31-1, 0), want: last},
		// A local clock far off, before any correction: the first or the last id, never a
		// negative one or one wrapped round to some other time.
		{t: time.Unix(-1, 0), want: 0, clamped: true},
		{t: time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), want: 0, clamped: true},
		{t: time.Unix(1<<31, 0), want: last, clamped: true},
		{t: time.Unix(1<<32+5, 0), want: last, clamped: true},
		{t: time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC), want: last, clamped: true},
	}
	for _, tt := range tests {
		if got := msgIDAt(tt.t); got != tt.want {
			t.Errorf("msgIDAt(%v) = %#x, want %#x", tt.t, got, tt.want)
		}
		if back := MsgIDTime(tt.want); !tt.clamped && tt.t.Sub(back).Abs() > time.Microsecond {
			t.Errorf("MsgIDTime(%#x) = %v, want about %v", tt.want, back, tt.t)
		}
	}
}

func TestIDGenStrictlyIncreasing(t *testing.T) {
	now := time.Unix(1700000000, 0)
	var g idGen
	var got []int64
	// Same instant, a clock going backwards, then a jump forward.
	for _, step := range []struct {
		at   time.Time
		kind int64
	}{
		{now, idClient}, {now, idClient}, {now.Add(-time.Second), idClient}, {now.Add(time.Minute), idClient},
	} {
		got = append(got, g.next(step.at, step.kind))
	}
	base := msgIDAt(now)
	want := []int64{base, base + 4, base + 8, msgIDAt(now.Add(time.Minute))}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("client ids (-want +got):\n%s", diff)
	}

	var s idGen
	a := s.next(now, idServerAnswer)
	b := s.next(now, idServerOther)
	c := s.next(now, idServerAnswer)
	if a%4 != 1 || b%4 != 3 || c%4 != 1 || !(a < b && b < c) {
		t.Errorf("server ids %#x %#x %#x: want 1,3,1 mod 4 and increasing", a, b, c)
	}
}

func TestSeqGen(t *testing.T) {
	var s seqGen
	var got []int32
	for _, content := range []bool{false, true, true, false, true, false} {
		got = append(got, s.next(content))
	}
	want := []int32{0, 1, 3, 4, 5, 6}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("seqnos (-want +got):\n%s", diff)
	}
}

func TestReplayWindow(t *testing.T) {
	w := newReplayWindow(3)
	var got []replayVerdict
	step := func(id int64) {
		v := w.check(id)
		if v == replayNew {
			w.add(id)
		}
		got = append(got, v)
	}
	for _, id := range []int64{10, 20, 10, 30, 40, 10, 15, 20, 50, 35} {
		step(id)
	}
	want := []replayVerdict{
		replayNew, replayNew, replayDuplicate, replayNew, // 10 20 10 30
		replayNew,       // 40 forgets the lowest, 10 -> floor 10
		replayTooOld,    // 10
		replayNew,       // 15 above floor, the lowest itself -> floor 15
		replayDuplicate, // 20 still kept: only the lowest ids are forgotten
		replayNew,       // 50 forgets 20 -> floor 20
		replayNew,       // 35 forgets 30 -> floor 30
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("verdicts (-want +got):\n%s", diff)
	}
	w.reset()
	if v := w.check(10); v != replayNew {
		t.Errorf("after reset check(10) = %v", v)
	}
}

func TestSaltSet(t *testing.T) {
	t0 := time.Unix(1700000000, 0)
	var s saltSet
	s.set(1)
	if got := s.at(t0); got != 1 {
		t.Fatalf("at = %d, want 1", got)
	}
	if !s.coveredUntil().IsZero() {
		t.Fatal("coveredUntil with no future salts is not zero")
	}
	h := time.Hour
	s.add([]Salt{{t0.Add(h), t0.Add(2 * h), 3}, {t0.Add(-h), t0.Add(h), 2}, {t0.Add(-h), t0.Add(h), 2}})
	if len(s.future) != 2 {
		t.Fatalf("future = %v, want 2 salts", s.future)
	}
	tests := []struct {
		at   time.Time
		want int64
	}{
		{t0, 2}, {t0.Add(h), 3}, {t0.Add(3 * h), 3},
	}
	for _, tt := range tests {
		if got := s.at(tt.at); got != tt.want {
			t.Errorf("at(%v) = %d, want %d", tt.at.Sub(t0), got, tt.want)
		}
	}
	s.prune(t0.Add(3 * h))
	if len(s.future) != 0 {
		t.Errorf("expired salts kept: %v", s.future)
	}
	s.add([]Salt{{t0, t0.Add(h), 5}})
	if !s.valid(5, t0) || !s.valid(3, t0) || s.valid(5, t0.Add(h)) || s.valid(9, t0) {
		t.Error("valid mismatch")
	}
	if got := s.coveredUntil(); !got.Equal(t0.Add(h)) {
		t.Errorf("coveredUntil = %v", got)
	}
}
