package secretchat

import (
	"errors"
	"fmt"
)

// Sequence numbers (core.telegram.org/api/end-to-end/seq_no): the n-th message (from 0) a
// party sends carries out_seq_no = 2n + x_out, x_out = 1 for the originator (the party that
// initiated the chat) and 0 for the responder, and in_seq_no = 2m + x_in, x_in = 1 - x_out,
// where m counts the messages it has received in order: in_seq_no is the out_seq_no it expects
// next from the peer. tdlib's SecretChatActor uses the same rule.

// Status is the verdict on an incoming (in_seq_no, out_seq_no) pair.
type Status uint8

const (
	// StatusOK: the message is the next one; Seq advanced past it.
	StatusOK Status = iota
	// StatusDuplicate: the message was received before; drop it.
	StatusDuplicate
	// StatusGap: messages before this one are missing; keep it, and ask the peer to resend
	// from Seq.Expected() to out_seq_no - 2 (decryptedMessageActionResend). Seq did not
	// advance.
	StatusGap
)

// String returns "ok", "duplicate" or "gap".
func (s Status) String() string {
	switch s {
	case StatusOK:
		return "ok"
	case StatusDuplicate:
		return "duplicate"
	case StatusGap:
		return "gap"
	}
	return "status(invalid)"
}

var (
	// ErrSeqParity reports an out_seq_no or in_seq_no with the wrong parity for its sender,
	// or a negative one. The docs treat it as fatal: the chat should be discarded.
	ErrSeqParity = errors.New("secretchat: sequence number has the wrong parity")
	// ErrSeqInRange reports an in_seq_no that decreased or exceeds what this party has sent;
	// fatal like ErrSeqParity.
	ErrSeqInRange = errors.New("secretchat: in_seq_no out of range")
	// ErrSeqOverflow reports a counter that would leave the int32 range.
	ErrSeqOverflow = errors.New("secretchat: sequence counter overflow")
)

// maxCount keeps 2*count+1 within int32.
const maxCount = (1<<31 - 2) / 2

// SeqState is the persistent part of Seq: messages sent, messages received in order and the
// highest in_seq_no the peer has reported.
type SeqState struct {
	Sent, Received int32
	PeerIn         int32
}

// Seq tracks both directions of one chat's sequence numbers for one party. The zero value is
// not usable; make one with NewSeq. A Seq is used by one goroutine at a time.
type Seq struct {
	role  Role
	state SeqState
}

// NewSeq returns the tracker of a party with role, resuming from st (the zero SeqState for a
// new chat). It checks st against role.
func NewSeq(role Role, st SeqState) (*Seq, error) {
	if !role.valid() {
		return nil, fmt.Errorf("secretchat: new seq: %w (%d)", ErrRole, role)
	}
	s := &Seq{role: role}
	if st.Sent < 0 || st.Received < 0 || st.Sent > maxCount || st.Received > maxCount {
		return nil, fmt.Errorf("secretchat: new seq: %w", ErrSeqOverflow)
	}
	if st.PeerIn != 0 {
		if err := s.checkIn(int64(st.PeerIn), int64(st.Sent), 0); err != nil {
			return nil, fmt.Errorf("secretchat: new seq: %w", err)
		}
	}
	s.state = st
	return s, nil
}

// State returns what to persist.
func (s *Seq) State() SeqState { return s.state }

// Next returns the (in_seq_no, out_seq_no) pair of the next outgoing message and counts it as
// sent.
func (s *Seq) Next() (inSeqNo, outSeqNo int32, err error) {
	if s.state.Sent >= maxCount {
		return 0, 0, fmt.Errorf("secretchat: next seq: %w", ErrSeqOverflow)
	}
	in, out := s.Expected(), int32(2*int64(s.state.Sent)+s.role.parity())
	s.state.Sent++
	return in, out, nil
}

// Expected returns the out_seq_no the next in-order message from the peer must carry; it is
// also the in_seq_no this party reports.
func (s *Seq) Expected() int32 {
	return int32(2*int64(s.state.Received) + s.role.Other().parity())
}

// Receive judges an incoming message's (in_seq_no, out_seq_no). Both must have their sender's
// parity. A message already received (out_seq_no below Expected) is StatusDuplicate whatever
// its in_seq_no, which was the peer's at the time: the server may deliver a message again
// after later ones, and dropping it is all the replay calls for (tdlib does the same). For
// the others in_seq_no must never decrease and never exceed the next out_seq_no this party
// will send. Errors are protocol violations the docs treat as fatal. Otherwise it reports
// StatusOK (and advances), StatusDuplicate or StatusGap. Constant time.
func (s *Seq) Receive(inSeqNo, outSeqNo int32) (Status, error) {
	in, out := int64(inSeqNo), int64(outSeqNo)
	if out < 0 || out&1 != s.role.Other().parity() {
		return 0, fmt.Errorf("secretchat: receive seq: %w (out_seq_no %d)", ErrSeqParity, out)
	}
	if in < 0 || in&1 != s.role.parity() {
		return 0, fmt.Errorf("secretchat: receive seq: %w (in_seq_no %d)", ErrSeqParity, in)
	}
	want := int64(s.Expected())
	if out < want {
		return StatusDuplicate, nil
	}
	if err := s.checkIn(in, int64(s.state.Sent), int64(s.state.PeerIn)); err != nil {
		return 0, fmt.Errorf("secretchat: receive seq: %w", err)
	}
	if out > want {
		return StatusGap, nil
	}
	if s.state.Received >= maxCount {
		return 0, fmt.Errorf("secretchat: receive seq: %w", ErrSeqOverflow)
	}
	s.state.Received++
	s.state.PeerIn = inSeqNo
	return StatusOK, nil
}

// checkIn checks an in_seq_no from the peer: this party's parity, at least the previous one
// (floor) and at most 2*sent + parity, the out_seq_no of this party's next message.
func (s *Seq) checkIn(in, sent, floor int64) error {
	if in < 0 || in&1 != s.role.parity() {
		return fmt.Errorf("%w (in_seq_no %d)", ErrSeqParity, in)
	}
	if in < floor || in > 2*sent+s.role.parity() {
		return fmt.Errorf("%w (in_seq_no %d, previous %d, sent %d)", ErrSeqInRange, in, floor, sent)
	}
	return nil
}
