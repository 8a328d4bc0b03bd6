package secretchat

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"time"

	"github.com/mtgo-labs/mtgo/crypto"
	"github.com/mtgo-labs/mtgo/crypto/redact"
	"github.com/mtgo-labs/mtgo/tl/e2e"
)

// Re-keying (perfect forward secrecy, core.telegram.org/api/end-to-end/pfs). Either party may
// replace a chat's key by a new Diffie-Hellman exchange carried in service messages that the
// current key encrypts:
//
//	initiator                                   responder
//	RequestKey(exchange_id, g_a)        ->
//	                                    <-      AcceptKey(exchange_id, g_b, fingerprint)
//	CommitKey(exchange_id, fingerprint) ->      (the initiator switches after sending it)
//	                                    <-      Noop, or any message, under the new key
//
// The responder switches on CommitKey or on the first message under the new key (which only
// the initiator, after committing, can make), and sends a message under the new key; the
// initiator keeps the old key for the responder's messages until one under the new key
// arrives. A party keeps the old key for decryption until a message under the new key has been
// delivered in order (then none under the old one can still come). AbortKey ends an exchange
// before CommitKey. When both parties start an exchange at once, the one with the smaller
// exchange_id (compared as signed 64-bit integers) is dropped by both. No exchange starts while
// one is unfinished.

// Phase is where a chat's re-keying exchange is for one party.
type Phase uint8

const (
	// PhaseIdle: no exchange in flight.
	PhaseIdle Phase = iota
	// PhaseRequested: this party sent RequestKey and waits for AcceptKey.
	PhaseRequested
	// PhaseAccepting: the peer sent RequestKey; this party makes its half (Keys.Accept).
	PhaseAccepting
	// PhaseAccepted: this party sent AcceptKey and waits for CommitKey or a message under
	// the new key, without a time limit (see Keys.Expire).
	PhaseAccepted
	// PhaseCommitting: the peer's AcceptKey checked out; CommitKey is to be sealed under the
	// old key, then Keys.Commit switches.
	PhaseCommitting
	// PhaseCommitted: this party switched after CommitKey and keeps the old key until a
	// message from the peer under the new key is delivered.
	PhaseCommitted
)

// String names the phase.
func (p Phase) String() string {
	switch p {
	case PhaseIdle:
		return "idle"
	case PhaseRequested:
		return "requested"
	case PhaseAccepting:
		return "accepting"
	case PhaseAccepted:
		return "accepted"
	case PhaseCommitting:
		return "committing"
	case PhaseCommitted:
		return "committed"
	}
	return "phase(invalid)"
}

var (
	// ErrRekeyBusy reports a re-keying start while an exchange is unfinished (or the old key
	// is still kept for messages in flight).
	ErrRekeyBusy = errors.New("secretchat: a re-keying exchange is unfinished")
	// ErrRekeyState reports a call in the wrong phase, or a stored key state that does not
	// hold together.
	ErrRekeyState = errors.New("secretchat: re-keying call in the wrong phase")
	// ErrRekeyPeer reports a peer's g_a or g_b that fails the DH checks, or a key fingerprint
	// that does not match the key computed. The docs recommend discarding the chat.
	ErrRekeyPeer = errors.New("secretchat: peer's re-keying values rejected")
)

// Policy says when a key is due to be replaced.
type Policy struct {
	// Messages: re-key once more than this many messages were encrypted and decrypted under
	// the key (0 turns the rule off).
	Messages int32
	// Age: re-key once the key has been in use longer than this, provided it encrypted at
	// least one message (0 turns the rule off).
	Age time.Duration
	// Wait: an exchange this party started whose AcceptKey has not come after this long is
	// aborted (Keys.Expire), so that a peer that never answers does not keep the chat from
	// re-keying again (0 turns the rule off).
	Wait time.Duration
}

// DefaultPolicy is what official clients do: more than 100 messages or more than a week;
// an unanswered request is given up after a day (a peer offline for longer answers the
// request, then the AbortKey that follows it, and the next exchange goes through).
var DefaultPolicy = Policy{Messages: 100, Age: 7 * 24 * time.Hour, Wait: 24 * time.Hour}

// Usage counts what a key has been used for.
type Usage struct {
	// Messages is how many messages were encrypted or decrypted under the key.
	Messages int32
	// Encrypted reports that at least one of them was encrypted by this party.
	Encrypted bool
	// Since is when the key came into use.
	Since time.Time
}

// Due reports whether a key used as u is to be replaced at now. It reads no clock.
func (p Policy) Due(u Usage, now time.Time) bool {
	if p.Messages > 0 && u.Messages > p.Messages {
		return true
	}
	return p.Age > 0 && u.Encrypted && now.Sub(u.Since) > p.Age
}

// Step is what the caller does after Keys.Handle.
type Step struct {
	// Reply, when set, goes to the peer in a decryptedMessageService sealed under the
	// current key.
	Reply e2e.DecryptedMessageActionClass
	// Accept: the peer asked for a new key; make a DH half (NewDH with fresh
	// messages.getDhConfig randomness), call Keys.Accept and send its reply.
	Accept bool
	// Commit: Reply is CommitKey; seal it under the current key, then call Keys.Commit.
	Commit bool
	// Switched: the new key is in use; send a message under it (Noop when nothing else is
	// due) so the peer can drop the old key.
	Switched bool
}

// Keys is one party's key state for one chat: the key in use, the previous key while the
// peer's messages under it may still come, how much the key has been used, and the
// re-keying exchange in flight. It makes no I/O and reads no clock: times come in as
// arguments, DH halves are made by the caller (NewDH needs messages.getDhConfig). A Keys is
// used by one goroutine at a time; it prints without keys.
type Keys struct {
	role    Role
	cur     crypto.AuthKey
	prev    crypto.AuthKey
	hasPrev bool
	usage   Usage

	phase   Phase
	id      int64          // exchange_id of the exchange in flight
	started time.Time      // PhaseRequested: when this party sent RequestKey
	dh      *DH            // PhaseRequested: this party's exponent
	peer    []byte         // PhaseAccepting: the peer's g_a
	next    crypto.AuthKey // PhaseAccepted, PhaseCommitting: the new key
}

// NewKeys starts the key state of a chat whose key (made by the DH step) comes into use at
// now.
func NewKeys(role Role, key crypto.AuthKey, now time.Time) (*Keys, error) {
	if !role.valid() {
		return nil, fmt.Errorf("secretchat: new keys: %w (%d)", ErrRole, role)
	}
	return &Keys{role: role, cur: key, usage: Usage{Since: now}}, nil
}

// Key returns the key in use (the one Seal encrypts with).
func (k *Keys) Key() *crypto.AuthKey { return &k.cur }

// Fingerprint returns the key_fingerprint of the key in use.
func (k *Keys) Fingerprint() int64 { return Fingerprint(&k.cur) }

// Usage returns what the key in use has been used for.
func (k *Keys) Usage() Usage { return k.usage }

// Phase returns where the exchange is; Exchange its exchange_id (meaningful outside
// PhaseIdle).
func (k *Keys) Phase() Phase { return k.phase }

// Exchange returns the exchange_id of the exchange in flight.
func (k *Keys) Exchange() int64 { return k.id }

// Busy reports that Start would fail with ErrRekeyBusy: an exchange is unfinished, or the
// previous key is still kept for the peer's messages in flight.
func (k *Keys) Busy() bool { return k.phase != PhaseIdle || k.hasPrev }

// Due reports whether this party should start re-keying now: it is not Busy and p says the
// key is due.
func (k *Keys) Due(p Policy, now time.Time) bool {
	return !k.Busy() && p.Due(k.usage, now)
}

// Seal encrypts layer (decryptedMessageLayer TL bytes) sent by this party under the key in
// use, appends the payload to dst (as Encrypt) and counts the message. With
// EncryptedSize(len(layer)) spare capacity nothing is allocated.
func (k *Keys) Seal(dst, layer []byte, rnd io.Reader) ([]byte, error) {
	out, err := Encrypt(dst, &k.cur, k.role, layer, rnd)
	if err == nil {
		k.count()
		k.usage.Encrypted = true
	}
	return out, err
}

// Open decrypts a payload the peer sent (as Decrypt) with the key its key_fingerprint names:
// the key in use, the previous one while kept, or the new key this party accepted. It
// returns the fingerprint of the key used, for Received and Delivered, and changes nothing.
// With len(payload)-HeaderSize spare capacity nothing is allocated.
func (k *Keys) Open(dst, payload []byte) ([]byte, int64, error) {
	key := &k.cur
	if len(payload) >= FingerprintSize {
		id := [FingerprintSize]byte(payload[:FingerprintSize])
		switch {
		case k.hasPrev && id == k.prev.ID:
			key = &k.prev
		case k.phase == PhaseAccepted && id == k.next.ID:
			key = &k.next
		}
	}
	out, err := Decrypt(dst, key, k.role.Other(), payload)
	if err != nil {
		return out, 0, err
	}
	return out, Fingerprint(key), nil
}

// Received records that a message Open decrypted with the key of fingerprint fp arrived
// (before any sequence check). A message under the new key this party accepted means the
// peer committed: the key switches (the old one is kept as previous) and Received reports
// true; the caller then sends a message under the new key (Noop). Messages under the key in
// use are counted.
func (k *Keys) Received(fp int64, now time.Time) (switched bool) {
	if k.phase == PhaseAccepted && fp == Fingerprint(&k.next) {
		k.switchTo(now)
		k.count()
		return true
	}
	if fp == Fingerprint(&k.cur) {
		k.count()
	}
	return false
}

// Delivered records that a message under the key of fingerprint fp was delivered in
// sequence order. Under the key in use, every earlier message of the peer has arrived, so
// none under the previous key can still come: the previous key is dropped, and an exchange
// in PhaseCommitted is complete.
func (k *Keys) Delivered(fp int64) {
	if fp != Fingerprint(&k.cur) {
		return
	}
	k.dropPrev()
	if k.phase == PhaseCommitted {
		k.phase = PhaseIdle
	}
}

// Start begins an exchange at now with this party's half dh (NewDH) and a random
// exchange_id, and returns the RequestKey to send. ErrRekeyBusy while an exchange is
// unfinished or the previous key is still kept (dh is left as it is). Once started, k owns
// dh and clears its exponent when the new key is made or the exchange ends.
func (k *Keys) Start(dh *DH, exchangeID int64, now time.Time) (*e2e.DecryptedMessageActionRequestKey, error) {
	if dh == nil {
		return nil, fmt.Errorf("secretchat: start re-keying: %w: no DH", ErrRekeyState)
	}
	if k.Busy() {
		return nil, fmt.Errorf("secretchat: start re-keying: %w (%v)", ErrRekeyBusy, k.phase)
	}
	k.phase, k.id, k.dh, k.started = PhaseRequested, exchangeID, dh, now
	return &e2e.DecryptedMessageActionRequestKey{ExchangeID: exchangeID, GA: dh.Public()}, nil
}

// Accept answers the peer's RequestKey (Step.Accept) with this party's half dh: it checks
// g_a, computes the new key and returns the AcceptKey to send; the key is used once the peer
// commits. ErrRekeyState when no request waits (it was aborted meanwhile; dh is left as it
// is). When g_a fails the checks the exchange ends and Accept returns the AbortKey to send
// with an error wrapping ErrRekeyPeer. Past the phase check dh is used up: its exponent is
// cleared (DH.Clear) whatever the outcome.
func (k *Keys) Accept(dh *DH) (e2e.DecryptedMessageActionClass, error) {
	if k.phase != PhaseAccepting || dh == nil {
		return nil, fmt.Errorf("secretchat: accept re-keying: %w (%v)", ErrRekeyState, k.phase)
	}
	key, err := dh.Key(k.peer)
	gb := dh.Public()
	dh.Clear()
	k.peer = nil
	if err != nil {
		abort := k.abort()
		return abort, fmt.Errorf("secretchat: accept re-keying: %w: %w", ErrRekeyPeer, err)
	}
	k.phase, k.next = PhaseAccepted, key
	return &e2e.DecryptedMessageActionAcceptKey{ExchangeID: k.id, GB: gb, KeyFingerprint: Fingerprint(&key)}, nil
}

// Commit switches to the new key after the CommitKey of Step.Commit was sealed under the old
// one; the old key stays for the peer's messages until one under the new key is delivered.
func (k *Keys) Commit(now time.Time) error {
	if k.phase != PhaseCommitting {
		return fmt.Errorf("secretchat: commit re-keying: %w (%v)", ErrRekeyState, k.phase)
	}
	k.switchTo(now)
	k.phase = PhaseCommitted
	return nil
}

// Abort ends this party's exchange while that is still allowed (PhaseRequested or
// PhaseAccepting: nothing was committed to) and returns the AbortKey to send; nil when there
// is nothing to abort. The caller uses it when it cannot go on (its DH half could not be
// made).
func (k *Keys) Abort() *e2e.DecryptedMessageActionAbortKey {
	if k.phase != PhaseRequested && k.phase != PhaseAccepting {
		return nil
	}
	return k.abort()
}

// Expire aborts this party's request when its AcceptKey has not come within p.Wait of the
// start, at now, and returns the AbortKey to send; nil when there is nothing to give up (no
// request of this party in flight, still within the limit, or p.Wait is 0). Call it when
// messages are sent or received, as Due, and now and then for an idle chat.
//
// Only the initiator's wait for AcceptKey ends this way. A responder that sent AcceptKey
// (PhaseAccepted) waits without a limit, because the protocol lets a party abort an exchange
// only until it has sent AcceptKey or CommitKey: the initiator switches to the new key as soon
// as it has the AcceptKey, so an AbortKey from the responder after it would leave the two on
// different keys. Nothing is lost while it waits: messages flow under the old key, and only
// a new exchange is held off (Busy). The wait ends with the CommitKey (a lost one is asked
// for again, like any message, when a later one shows the gap), with the first message under
// the new key, or with the initiator's AbortKey, sent when its own Wait ran out before the
// AcceptKey reached it or when a restart dropped its exchange.
func (k *Keys) Expire(p Policy, now time.Time) *e2e.DecryptedMessageActionAbortKey {
	if k.phase != PhaseRequested || p.Wait <= 0 || now.Sub(k.started) <= p.Wait {
		return nil
	}
	return k.abort()
}

// IsRekey reports whether a is one of the re-keying actions Handle takes (RequestKey,
// AcceptKey, CommitKey, AbortKey, Noop): service messages for the key state, not for users.
func IsRekey(a e2e.DecryptedMessageActionClass) bool {
	switch a.(type) {
	case *e2e.DecryptedMessageActionRequestKey, *e2e.DecryptedMessageActionAcceptKey,
		*e2e.DecryptedMessageActionCommitKey, *e2e.DecryptedMessageActionAbortKey,
		*e2e.DecryptedMessageActionNoop:
		return true
	}
	return false
}

// Handle applies a re-keying action the peer sent, delivered in sequence order, at now, and
// says what to do next. Anything out of place (an unknown or stale exchange_id, a request
// while busy) gets an AbortKey or is ignored, as the protocol allows; an error (wrapping
// ErrRekeyPeer) reports values that fail the security checks, after which the exchange is
// over and the docs recommend discarding the chat. Other actions return a zero Step.
func (k *Keys) Handle(a e2e.DecryptedMessageActionClass, now time.Time) (Step, error) {
	switch a := a.(type) {
	case *e2e.DecryptedMessageActionRequestKey:
		return k.onRequest(a), nil
	case *e2e.DecryptedMessageActionAcceptKey:
		return k.onAccept(a)
	case *e2e.DecryptedMessageActionCommitKey:
		return k.onCommit(a, now)
	case *e2e.DecryptedMessageActionAbortKey:
		if a.ExchangeID == k.id && (k.phase == PhaseRequested || k.phase == PhaseAccepting || k.phase == PhaseAccepted) {
			k.reset()
		}
	}
	return Step{}, nil
}

func (k *Keys) onRequest(a *e2e.DecryptedMessageActionRequestKey) Step {
	switch {
	case k.phase == PhaseRequested && a.ExchangeID < k.id:
		return Step{} // both started: the peer drops its smaller exchange when it sees ours
	case k.phase == PhaseRequested && a.ExchangeID == k.id:
		return Step{Reply: k.abort()} // a tie drops both
	case k.phase == PhaseRequested, k.phase == PhaseIdle && !k.hasPrev:
		k.reset() // a larger exchange_id wins over ours
		k.phase, k.id, k.peer = PhaseAccepting, a.ExchangeID, append([]byte(nil), a.GA...)
		return Step{Accept: true}
	}
	return Step{Reply: &e2e.DecryptedMessageActionAbortKey{ExchangeID: a.ExchangeID}}
}

func (k *Keys) onAccept(a *e2e.DecryptedMessageActionAcceptKey) (Step, error) {
	if a.ExchangeID == k.id && (k.phase == PhaseCommitting || k.phase == PhaseCommitted) {
		return Step{}, nil // seen already
	}
	if a.ExchangeID != k.id || k.phase != PhaseRequested {
		// Not ours (aborted, or forgotten on a restart): release the peer.
		return Step{Reply: &e2e.DecryptedMessageActionAbortKey{ExchangeID: a.ExchangeID}}, nil
	}
	key, err := k.dh.Key(a.GB)
	if err == nil && Fingerprint(&key) != a.KeyFingerprint {
		err = ErrFingerprint
	}
	if err != nil {
		return Step{Reply: k.abort()}, fmt.Errorf("secretchat: re-keying accept: %w: %w", ErrRekeyPeer, err)
	}
	k.dh.Clear()
	k.dh, k.phase, k.next = nil, PhaseCommitting, key
	return Step{Reply: &e2e.DecryptedMessageActionCommitKey{ExchangeID: k.id, KeyFingerprint: a.KeyFingerprint}, Commit: true}, nil
}

func (k *Keys) onCommit(a *e2e.DecryptedMessageActionCommitKey, now time.Time) (Step, error) {
	switch {
	case k.phase == PhaseAccepted && a.ExchangeID == k.id:
		if a.KeyFingerprint != Fingerprint(&k.next) {
			k.reset()
			return Step{}, fmt.Errorf("secretchat: re-keying commit: %w: %w", ErrRekeyPeer, ErrFingerprint)
		}
		k.switchTo(now)
		// CommitKey is the last message the peer sealed under the old key, and it came in
		// order: the old key has nothing left to open.
		k.dropPrev()
		return Step{Switched: true}, nil
	case k.phase == PhaseIdle && a.KeyFingerprint == Fingerprint(&k.cur):
		k.dropPrev() // switched already on a message under the new key
	}
	return Step{}, nil
}

// switchTo makes the new key the one in use and keeps the old one as previous.
func (k *Keys) switchTo(now time.Time) {
	k.prev, k.hasPrev = k.cur, true
	k.cur, k.next = k.next, crypto.AuthKey{}
	k.usage = Usage{Since: now}
	k.phase = PhaseIdle
}

// abort ends the exchange and returns its AbortKey.
func (k *Keys) abort() *e2e.DecryptedMessageActionAbortKey {
	a := &e2e.DecryptedMessageActionAbortKey{ExchangeID: k.id}
	k.reset()
	return a
}

// reset forgets the exchange in flight and clears this party's exponent.
func (k *Keys) reset() {
	k.dh.Clear()
	k.phase, k.dh, k.peer, k.next = PhaseIdle, nil, nil, crypto.AuthKey{}
}

func (k *Keys) dropPrev() { k.prev, k.hasPrev = crypto.AuthKey{}, false }

func (k *Keys) count() {
	if k.usage.Messages < math.MaxInt32 {
		k.usage.Messages++
	}
}

// printable is what a Keys shows: its phase and the fingerprint in use (sent in clear in
// every payload), never a key.
func (k *Keys) printable() redact.Fields {
	return redact.Of("secretchat.Keys", slog.String("Phase", k.phase.String()),
		slog.Int64("Fingerprint", k.Fingerprint()), slog.String("Keys", redact.Mark))
}

// String describes k without its keys.
func (k *Keys) String() string { return k.printable().String() }

// Format implements fmt.Formatter: every verb, %#v and %d included, prints String.
func (k *Keys) Format(s fmt.State, verb rune) { k.printable().Format(s, verb) }

// LogValue implements slog.LogValuer without the keys.
func (k *Keys) LogValue() slog.Value { return k.printable().LogValue() }

// KeysState is what a restart needs of a Keys. Store it as secretly as the key itself.
type KeysState struct {
	// Key is the key in use.
	Key crypto.AuthKey
	// Previous is the old key while kept (nil otherwise).
	Previous *crypto.AuthKey
	// Next is the new key of PhaseAccepted (nil otherwise).
	Next *crypto.AuthKey
	// Usage is what Key has been used for.
	Usage Usage
	// Phase and Exchange describe the exchange in flight.
	Phase    Phase
	Exchange int64
}

// printable is what a KeysState shows: the keys by their ids (redacted by crypto.AuthKey),
// the usage and the exchange in flight.
func (st KeysState) printable() redact.Fields {
	opt := func(name string, k *crypto.AuthKey) slog.Attr {
		if k == nil {
			return slog.Any(name, nil)
		}
		return slog.Any(name, *k)
	}
	return redact.Of("secretchat.KeysState", slog.Any("Key", st.Key), opt("Previous", st.Previous), opt("Next", st.Next),
		slog.Any("Usage", st.Usage), slog.String("Phase", st.Phase.String()), slog.Int64("Exchange", st.Exchange))
}

// String describes st without its keys.
func (st KeysState) String() string { return st.printable().String() }

// Format implements fmt.Formatter: every verb prints String. Without it fmt printed a
// *KeysState held in a struct with %s raw (a bad verb for a pointer shows the value with no
// method asked).
func (st KeysState) Format(s fmt.State, verb rune) { st.printable().Format(s, verb) }

// LogValue implements slog.LogValuer without the keys.
func (st KeysState) LogValue() slog.Value { return st.printable().LogValue() }

// MarshalJSON implements json.Marshaler without the keys, for a KeysState in a logged struct.
// Store a KeysState by its fields (the client writes them in binary).
func (st KeysState) MarshalJSON() ([]byte, error) { return st.printable().MarshalJSON() }

// State returns what to persist. An exchange whose DH exponent lives in memory only
// (PhaseRequested, PhaseAccepting, PhaseCommitting) is stored by its phase and id so that
// RestoreKeys can abort it.
func (k *Keys) State() KeysState {
	st := KeysState{Key: k.cur, Usage: k.usage, Phase: k.phase, Exchange: k.id}
	if k.hasPrev {
		prev := k.prev
		st.Previous = &prev
	}
	if k.phase == PhaseAccepted {
		next := k.next
		st.Next = &next
	}
	return st
}

// RestoreKeys resumes a Keys from st. An exchange that cannot resume after a restart (its
// exponent was never stored: PhaseRequested, PhaseAccepting, PhaseCommitting) is dropped and
// its AbortKey returned for the caller to send, so the peer does not wait for it; the
// exchanges that hold only keys (PhaseAccepted, PhaseCommitted) go on. ErrRekeyState when st
// does not hold together.
func RestoreKeys(role Role, st KeysState) (*Keys, *e2e.DecryptedMessageActionAbortKey, error) {
	k, err := NewKeys(role, st.Key, st.Usage.Since)
	if err != nil {
		return nil, nil, err
	}
	k.usage, k.id = st.Usage, st.Exchange
	bad := st.Key.IsZero() || st.Usage.Messages < 0 ||
		(st.Next != nil) != (st.Phase == PhaseAccepted) ||
		(st.Phase == PhaseCommitted && st.Previous == nil)
	if bad {
		return nil, nil, fmt.Errorf("secretchat: restore keys: %w", ErrRekeyState)
	}
	if st.Previous != nil {
		k.prev, k.hasPrev = *st.Previous, true
	}
	switch st.Phase {
	case PhaseIdle, PhaseCommitted:
		k.phase = st.Phase
	case PhaseAccepted:
		k.phase, k.next = PhaseAccepted, *st.Next
	case PhaseRequested, PhaseAccepting, PhaseCommitting:
		return k, &e2e.DecryptedMessageActionAbortKey{ExchangeID: st.Exchange}, nil
	default:
		return nil, nil, fmt.Errorf("secretchat: restore keys: %w (%v)", ErrRekeyState, st.Phase)
	}
	return k, nil, nil
}
