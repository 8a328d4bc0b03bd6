package secretchat

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSeqNext(t *testing.T) {
	tests := []struct {
		role Role
		want [][2]int32
	}{
		{Originator, [][2]int32{{0, 1}, {0, 3}, {0, 5}}},
		{Responder, [][2]int32{{1, 0}, {1, 2}, {1, 4}}},
	}
	for _, tt := range tests {
		s, err := NewSeq(tt.role, SeqState{})
		if err != nil {
			t.Fatal(err)
		}
		var got [][2]int32
		for range tt.want {
			in, out, err := s.Next()
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, [2]int32{in, out})
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%v (-want +got):\n%s", tt.role, diff)
		}
	}
}

// TestSeqConversation runs two trackers against each other.
func TestSeqConversation(t *testing.T) {
	a, _ := NewSeq(Originator, SeqState{})
	b, _ := NewSeq(Responder, SeqState{})
	send := func(from, to *Seq) {
		t.Helper()
		in, out, err := from.Next()
		if err != nil {
			t.Fatal(err)
		}
		st, err := to.Receive(in, out)
		if err != nil || st != StatusOK {
			t.Fatalf("receive (%d, %d): %v, %v", in, out, st, err)
		}
	}
	for _, step := range []bool{true, true, false, true, false, false, true} {
		if step {
			send(a, b)
		} else {
			send(b, a)
		}
	}
	if diff := cmp.Diff(SeqState{Sent: 4, Received: 3, PeerIn: 7}, a.State()); diff != "" {
		t.Errorf("originator state (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(SeqState{Sent: 3, Received: 4, PeerIn: 6}, b.State()); diff != "" {
		t.Errorf("responder state (-want +got):\n%s", diff)
	}
}

func TestSeqReceive(t *testing.T) {
	// The originator has sent 2 messages (out 1, 3) and received 2 (out 0, 2); the peer last
	// reported in_seq_no 1.
	st := SeqState{Sent: 2, Received: 2, PeerIn: 1}
	// Later on: 3 sent and 2 received (out 0 with in 1, out 2 with in 5). A message delivered
	// again after later ones (the server re-delivers, the peer resends after a restart) is a
	// duplicate to drop, whatever in_seq_no it carried then: below the peer's latest, which in
	// an in-order message would be a protocol violation that ends the chat. Parity still holds.
	later := SeqState{Sent: 3, Received: 2, PeerIn: 5}
	tests := []struct {
		name    string
		st      SeqState
		in, out int32
		want    Status
		err     error
		after   SeqState
	}{
		{"next", st, 3, 4, StatusOK, nil, SeqState{Sent: 2, Received: 3, PeerIn: 3}},
		{"next, in unchanged", st, 1, 4, StatusOK, nil, SeqState{Sent: 2, Received: 3, PeerIn: 1}},
		{"next, peer got all", st, 5, 4, StatusOK, nil, SeqState{Sent: 2, Received: 3, PeerIn: 5}},
		{"duplicate", st, 1, 2, StatusDuplicate, nil, st},
		{"old duplicate", st, 1, 0, StatusDuplicate, nil, st},
		{"gap", st, 3, 8, StatusGap, nil, st},
		{"out parity", st, 3, 5, 0, ErrSeqParity, st},
		{"out negative", st, 3, -2, 0, ErrSeqParity, st},
		{"in parity", st, 2, 4, 0, ErrSeqParity, st},
		{"in beyond sent", st, 7, 4, 0, ErrSeqInRange, st},
		{"in negative", st, -1, 4, 0, ErrSeqParity, st},
		{"replay of the first", later, 1, 0, StatusDuplicate, nil, later},
		{"replay of the second", later, 5, 2, StatusDuplicate, nil, later},
		{"replay, in beyond sent", later, 9, 0, StatusDuplicate, nil, later},
		{"replay, in parity", later, 2, 0, 0, ErrSeqParity, later},
		{"replay, out parity", later, 1, 1, 0, ErrSeqParity, later},
		{"next with in decreased", later, 3, 4, 0, ErrSeqInRange, later},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := NewSeq(Originator, tt.st)
			if err != nil {
				t.Fatal(err)
			}
			got, err := s.Receive(tt.in, tt.out)
			if !errors.Is(err, tt.err) || got != tt.want {
				t.Fatalf("Receive(%d, %d) = %v, %v; want %v, %v", tt.in, tt.out, got, err, tt.want, tt.err)
			}
			if diff := cmp.Diff(tt.after, s.State()); diff != "" {
				t.Errorf("state (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSeqInDecreases(t *testing.T) {
	s, err := NewSeq(Responder, SeqState{Sent: 5, Received: 1, PeerIn: 6})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Receive(4, 3); !errors.Is(err, ErrSeqInRange) {
		t.Errorf("err = %v, want ErrSeqInRange", err)
	}
}

func TestNewSeqErrors(t *testing.T) {
	tests := []struct {
		name string
		role Role
		st   SeqState
		want error
	}{
		{"role", Role(3), SeqState{}, ErrRole},
		{"negative", Originator, SeqState{Sent: -1}, ErrSeqOverflow},
		{"huge", Originator, SeqState{Received: 1 << 30}, ErrSeqOverflow},
		{"peer in parity", Originator, SeqState{Sent: 3, PeerIn: 2}, ErrSeqParity},
		{"peer in beyond sent", Originator, SeqState{Sent: 1, PeerIn: 5}, ErrSeqInRange},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := NewSeq(tt.role, tt.st); !errors.Is(err, tt.want) {
				t.Errorf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestSeqOverflow(t *testing.T) {
	s, err := NewSeq(Originator, SeqState{Sent: maxCount, Received: maxCount})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Next(); !errors.Is(err, ErrSeqOverflow) {
		t.Errorf("Next: %v, want ErrSeqOverflow", err)
	}
	in := int32(1)
	if _, err := s.Receive(in, s.Expected()); !errors.Is(err, ErrSeqOverflow) {
		t.Errorf("Receive: %v, want ErrSeqOverflow", err)
	}
}
