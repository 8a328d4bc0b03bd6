package mtgo

import (
	"bytes"
	"cmp"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/crypto"
	"github.com/mtgo-labs/mtgo/secretchat"
	"github.com/mtgo-labs/mtgo/tl/e2e"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Limits of what the secret chat manager keeps for messages that came out of order.
const (
	// maxSecretPending is how many out-of-order messages one chat keeps until the missing
	// ones arrive; more are dropped (the peer must resend them).
	maxSecretPending = 100
	// secretRandomBytes is the length of decryptedMessageLayer.random_bytes (at least 15).
	secretRandomBytes = 16
)

// secretStore is what the manager needs of the storage.
type secretStore interface {
	LoadRecord(ctx context.Context, ns, key string) ([]byte, bool, error)
	SaveRecord(ctx context.Context, ns, key string, value []byte) error
	DeleteRecord(ctx context.Context, ns, key string) error
}

// secretChat is the state of one chat. Only the manager touches it, under its lock.
type secretChat struct {
	id          int32
	accessHash  int64
	userID      int64
	date        int64
	role        secretchat.Role
	state       types.SecretChatState
	layer, ttl  int32
	fingerprint int64            // the key's fingerprint while there is no Keys (discarded)
	keys        *secretchat.Keys // the key in use, the previous one, re-keying; nil unless ready
	visual      [36]byte         // the visualization of the chat's first key (Visual288)
	seq         *secretchat.Seq
	lastIn      int32      // the date of the newest message delivered (since the process started)
	unread      []sentDate // messages sent, not yet covered by a read mark (secret_signal.go)

	dh      *secretchat.DH             // the originator's half while waiting (stored; cleared when done)
	ga      []byte                     // the originator's g_a while this side has not accepted
	pending map[int32]pendingSecret    // messages after a gap, by out_seq_no (stored: secret_gap.go)
	sent    map[int32]*sentSecret      // the last messages sent, by out_seq_no, for resend requests
	askNext int32                      // the first out_seq_no no resend request asked for yet
	held    []tg.EncryptedMessageClass // messages that came while the chat was waiting
	// farAhead is the highest out_seq_no of a message dropped as too far ahead, asked for
	// once the numbers before it have come (askFarLocked; secret_gap.go); stored with the
	// chat, so a restart asks on.
	farAhead int32
	// gapLost lists the numbers the stored gap index lists whose record could not be read
	// (kept listed, for a later load or the discard to take); gapUnread is set while the
	// stored index itself could not be read (secret_gap.go).
	gapLost   []int32
	gapUnread bool
	// starting is set while a re-keying start (its DH half) is under way.
	starting bool
	// restoreAbort is the exchange a restart dropped, for the peer (sent on load).
	restoreAbort *e2e.DecryptedMessageActionAbortKey
	// told is set once a layer notice of this side went out to the peer; telling while one
	// is sealed and its send under way (owesNotice).
	told, telling bool
	// oldWarned is set once the checks warned that the peer's layer is too old (checkChats;
	// in memory: once per chat and process).
	oldWarned bool
}

// sentSecret is a message this side sent, kept (in memory) to be sent again when the peer
// asks (decryptedMessageActionResend): the layer's bytes and how it went.
type sentSecret struct {
	rid     int64
	layer   []byte
	service bool
	file    tg.InputEncryptedFileClass // the uploaded file as sent again (inputEncryptedFile)
	// resent is when the message was last resent, under the key of fingerprint resentFP
	// (zero: not since it was kept; secretResendAgain).
	resent   time.Time
	resentFP int64
}

// pendingSecret is a message that came before the ones it follows.
type pendingSecret struct {
	layer *e2e.DecryptedMessageLayer
	date  int32
	file  tg.EncryptedFileClass
	fp    int64 // the fingerprint of the key that opened it
}

// view is the public snapshot of s.
func (s *secretChat) view() *types.SecretChat {
	return &types.SecretChat{
		ID: s.id, AccessHash: s.accessHash, UserID: s.userID,
		Originator: s.role == secretchat.Originator, State: s.state, Layer: s.layer,
		TTL: peerTTL(s.ttl), KeyFingerprint: s.keyFingerprint(),
		Date: time.Unix(s.date, 0),
	}
}

// stateError reports a call that s's state does not allow (ErrSecretChatState).
func (s *secretChat) stateError() error {
	return fmt.Errorf("mtgo: secret chat %d is %v: %w", s.id, s.state, ErrSecretChatState)
}

// keyFingerprint is the fingerprint of the key in use (of the last one in a discarded chat).
func (s *secretChat) keyFingerprint() int64 {
	if s.keys != nil {
		return s.keys.Fingerprint()
	}
	return s.fingerprint
}

// forgetExchange wipes the originator's exponent and drops the peer's g_a: the key exchange
// is over (the key made, or the chat discarded).
func (s *secretChat) forgetExchange() {
	s.dh.Clear()
	s.dh, s.ga = nil, nil
}

// setKey makes key, just made by the DH step, the chat's key.
func (m *secretChats) setKey(s *secretChat, key crypto.AuthKey) {
	s.keys, _ = secretchat.NewKeys(s.role, key, m.now())
	s.fingerprint, s.visual = secretchat.Fingerprint(&key), secretchat.Visual288(&key, &key)
}

// secretChats keeps the secret chats of one client: the state in memory, ready and discarded
// chats also in the storage (secret_record.go), loaded on first use after a restart. The
// update path (handle) makes no network call; the handlers it feeds run elsewhere (emit).
type secretChats struct {
	raw   *tg.Client
	store secretStore
	log   *Logger
	rnd   io.Reader
	emit  func(kind updateKind, v any)
	// spawn runs a job that calls the network (resend requests and answers) off the update
	// path, after the manager's lock is released.
	spawn func(func(context.Context))
	// now is the clock of the re-keying rule; policy the rule (Config.SecretRekey with its
	// defaults, secretRekeyPolicy; secretchat.DefaultPolicy until the client sets it).
	now    func() time.Time
	policy secretchat.Policy
	// layer is the layer this side speaks and announces: secretchat.Layer (tests lower it to
	// play an older peer).
	layer int32
	// Test hooks (secret_export_test.go): gate runs before a re-keying message goes out;
	// switched runs, under the lock, when a chat's key switches.
	gate     func(ctx context.Context, chatID int32, a e2e.DecryptedMessageActionClass)
	switched func(chatID int32, fingerprint int64)

	mu    sync.Mutex
	chats map[int32]*secretChat
	early map[int32]earlyChat // encryptedChat seen before requestEncryption's answer (secret_pending.go)
	// requesting counts the requestEncryption calls waiting for their answer.
	requesting int
	// unfinished lists the waiting and requested chats (secret_pending.go); nil until loaded.
	unfinished map[int32]unfinishedChat
	// ready lists the ready chats (secret_list.go); nil until loaded.
	ready map[int32]struct{}
	// unlisted holds the chats whose discard left records and whose listing for the sweep
	// failed (secret_sweep.go): listed, or swept, by the next check.
	unlisted map[int32]struct{}
	// unsaved holds the discarded chats whose record failed to save, still stored with
	// their key (secret_sweep.go): saved again by the next check, and listed there, so a
	// load after a restart finishes the discard.
	unsaved map[int32]struct{}
	// swept is the stored list of chats whose discard is unfinished, as last read or
	// written (secret_sweep.go); nil until read.
	swept map[int32]struct{}
	// discarding counts the discardEncryption calls out per chat (discard): a check keeps
	// their chats listed.
	discarding map[int32]int
	// watchOnce starts the client-wide re-keying timer (secret_watch.go).
	watchOnce sync.Once
	dhCfg     struct {
		version int32
		g       int32
		p       []byte
	}
}

func newSecretChats(raw *tg.Client, store secretStore, log *Logger, rnd io.Reader, emit func(updateKind, any), spawn func(func(context.Context))) *secretChats {
	return &secretChats{raw: raw, store: store, log: log, rnd: rnd, emit: emit, spawn: spawn,
		now: time.Now, policy: secretchat.DefaultPolicy, layer: secretchat.Layer,
		chats: map[int32]*secretChat{}, early: map[int32]earlyChat{}}
}

// lookupLocked returns chat id from memory or the storage; nil when unknown.
func (m *secretChats) lookupLocked(ctx context.Context, id int32) (*secretChat, error) {
	if s, ok := m.chats[id]; ok {
		return s, nil
	}
	if m.store == nil {
		return nil, nil
	}
	b, ok, err := m.store.LoadRecord(ctx, secretRecordNS, secretRecordKey(id))
	if err != nil || !ok {
		return nil, err
	}
	s, err := decodeSecretRecord(b)
	clear(b) // a copy of the stored keys or exponent
	if err != nil {
		return nil, err
	}
	if s.id != id {
		return nil, fmt.Errorf("%w: chat %d stored under %d", errSecretRecord, s.id, id)
	}
	unfinished := false // listed: its discard stopped before the record was written
	if s.state != types.SecretChatDiscarded {
		if unfinished, err = m.sweepingLocked(ctx, id); err != nil {
			s.forgetExchange()
			return nil, fmt.Errorf("list of discarded secret chats not read: %w", err)
		}
	}
	m.chats[id] = s
	if unfinished { // finished now, before anything uses the key (secret_sweep.go)
		m.log.Info("secret chat discard finished on load", "chat", id)
		m.discardLocked(ctx, s)
		// The stop may have come while the server was asked (discard), before it took the
		// call: asked again, so the peer's side ends too (a chat discarded already is an
		// error, logged).
		m.discardOnServer(id)
	}
	m.loadGapLocked(ctx, s)  // secret_gap.go
	m.loadSentLocked(ctx, s) // secret_sent.go
	// A chat stored before the ready index existed joins it now.
	m.trackReadyLocked(ctx, s)
	if a := s.restoreAbort; a != nil { // an exchange the restart dropped: release the peer
		s.restoreAbort = nil
		m.postLocked(ctx, s, a)
	}
	if s.state == types.SecretChatWaiting { // accepted meanwhile?
		m.takeEarlyHeldLocked(s)
		if c := m.takeEarlyLocked(id); c != nil {
			m.completeLocked(ctx, s, c)
		}
	}
	return s, nil
}

// chatLocked is lookupLocked for the methods: an unknown chat is ErrSecretChatNotFound.
func (m *secretChats) chatLocked(ctx context.Context, id int32) (*secretChat, error) {
	s, err := m.lookupLocked(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("mtgo: secret chat %d: %w", id, err)
	}
	if s == nil {
		return nil, fmt.Errorf("mtgo: secret chat %d: %w", id, ErrSecretChatNotFound)
	}
	return s, nil
}

// saveLocked persists a chat and keeps the indexes of unfinished and ready ones in step; a
// failure is logged and returned (the chat goes on in memory).
func (m *secretChats) saveLocked(ctx context.Context, s *secretChat) error {
	m.trackLocked(ctx, s)
	m.trackReadyLocked(ctx, s)
	if m.store == nil {
		return nil
	}
	err := m.store.SaveRecord(ctx, secretRecordNS, secretRecordKey(s.id), encodeSecretRecord(s))
	if err != nil {
		m.log.Warn("secret chat not saved", "chat", s.id, "err", err)
	}
	return err
}

// get returns the snapshot of chat id.
func (m *secretChats) get(ctx context.Context, id int32) (*types.SecretChat, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, err := m.lookupLocked(ctx, id)
	if err != nil {
		m.log.Warn("secret chat not loaded", "chat", id, "err", err)
	}
	if s == nil {
		return nil, false
	}
	return s.view(), true
}

// dhParams returns the DH parameters with fresh server randomness (messages.getDhConfig,
// with the prime cached by version).
func (m *secretChats) dhParams(ctx context.Context) (secretchat.DHParams, error) {
	m.mu.Lock()
	version := m.dhCfg.version
	m.mu.Unlock()
	res, err := m.raw.MessagesGetDHConfig(ctx, &tg.MessagesGetDHConfigRequest{Version: version, RandomLength: secretchat.RandomSize})
	if err != nil {
		return secretchat.DHParams{}, fmt.Errorf("mtgo: messages.getDhConfig: %w", err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	switch r := res.(type) {
	case *tg.MessagesDHConfig:
		m.dhCfg.version, m.dhCfg.g, m.dhCfg.p = r.Version, r.G, r.P
		return secretchat.DHParams{G: r.G, P: r.P, Random: r.Random}, nil
	case *tg.MessagesDHConfigNotModified:
		if m.dhCfg.p == nil {
			return secretchat.DHParams{}, errors.New("mtgo: messages.getDhConfig: not modified, but no configuration is cached")
		}
		return secretchat.DHParams{G: m.dhCfg.g, P: m.dhCfg.p, Random: r.Random}, nil
	}
	return secretchat.DHParams{}, fmt.Errorf("mtgo: messages.getDhConfig: unexpected %T", res)
}

// newDH makes this side's half of the exchange; a random exponent whose public value falls
// outside the allowed range is replaced (a rare event), at most three times.
func (m *secretChats) newDH(ctx context.Context) (*secretchat.DH, error) {
	params, err := m.dhParams(ctx)
	if err != nil {
		return nil, err
	}
	var rnd [secretchat.RandomSize]byte
	for range 3 {
		if _, err = io.ReadFull(m.rnd, rnd[:]); err != nil {
			return nil, fmt.Errorf("mtgo: secret chat random: %w", err)
		}
		var dh *secretchat.DH
		if dh, err = secretchat.NewDH(params, rnd[:]); err == nil {
			return dh, nil
		}
	}
	return nil, fmt.Errorf("mtgo: secret chat key exchange: %w", err)
}

// request asks user for a secret chat (messages.requestEncryption).
func (m *secretChats) request(ctx context.Context, user tg.InputUserClass) (*types.SecretChat, error) {
	dh, err := m.newDH(ctx)
	if err != nil {
		return nil, err
	}
	var rid [4]byte
	if _, err := io.ReadFull(m.rnd, rid[:]); err != nil {
		return nil, fmt.Errorf("mtgo: secret chat random: %w", err)
	}
	m.mu.Lock()
	m.requesting++ // messages for a chat not known yet may be its peer's (holdEarlyLocked)
	m.mu.Unlock()
	res, err := m.raw.MessagesRequestEncryption(ctx, &tg.MessagesRequestEncryptionRequest{
		UserID: user, RandomID: int32(binary.LittleEndian.Uint32(rid[:])), GA: dh.Public(),
	})
	m.mu.Lock()
	defer m.mu.Unlock()
	m.requesting--
	if err != nil {
		dh.Clear()
		return nil, fmt.Errorf("mtgo: messages.requestEncryption: %w", err)
	}
	w, ok := res.(*tg.EncryptedChatWaiting)
	if !ok {
		dh.Clear()
		return nil, fmt.Errorf("mtgo: messages.requestEncryption: unexpected %T", res)
	}
	s := &secretChat{id: w.ID, accessHash: w.AccessHash, userID: w.ParticipantID, date: int64(w.Date),
		role: secretchat.Originator, state: types.SecretChatWaiting, dh: dh}
	m.chats[s.id] = s
	m.takeEarlyHeldLocked(s)
	if c := m.takeEarlyLocked(s.id); c != nil { // the peer accepted before the answer was handled
		m.completeLocked(ctx, s, c)
	} else {
		m.saveLocked(ctx, s) // with the exponent: the peer may accept after a restart
	}
	return s.view(), nil
}

// accept accepts a requested chat (messages.acceptEncryption) and tells the peer this side's
// layer (announce; a failure there is logged: the chat is made, and the peer asks for the
// message again when it misses it).
func (m *secretChats) accept(ctx context.Context, id int32) (*types.SecretChat, error) {
	c, err := m.acceptKey(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := m.announce(ctx, id); err != nil {
		m.log.Warn("secret chat layer not announced", "chat", id, "err", err)
	}
	return c, nil
}

// acceptKey makes the responder's key of a requested chat (messages.acceptEncryption).
func (m *secretChats) acceptKey(ctx context.Context, id int32) (*types.SecretChat, error) {
	m.mu.Lock()
	s, err := m.chatLocked(ctx, id)
	var ga []byte
	var peer tg.InputEncryptedChat
	if err == nil {
		if s.state != types.SecretChatRequested {
			err = s.stateError()
		}
		ga, peer = s.ga, tg.InputEncryptedChat{ChatID: s.id, AccessHash: s.accessHash}
	}
	m.mu.Unlock()
	if err != nil {
		return nil, err
	}
	dh, err := m.newDH(ctx)
	if err != nil {
		return nil, err
	}
	defer dh.Clear() // the responder's exponent is needed for the key only
	key, err := dh.Key(ga)
	if err != nil {
		return nil, fmt.Errorf("mtgo: secret chat %d: peer's g_a: %w", id, err)
	}
	fp := secretchat.Fingerprint(&key)
	res, err := m.raw.MessagesAcceptEncryption(ctx, &tg.MessagesAcceptEncryptionRequest{Peer: peer, GB: dh.Public(), KeyFingerprint: fp})
	if err != nil {
		return nil, fmt.Errorf("mtgo: messages.acceptEncryption: %w", err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if s.state != types.SecretChatRequested { // discarded, or accepted by another call, meanwhile
		return nil, s.stateError()
	}
	switch c := res.(type) {
	case *tg.EncryptedChat:
		if c.KeyFingerprint != fp {
			m.discardLocked(ctx, s)
			return nil, fmt.Errorf("mtgo: secret chat %d: %w", id, ErrSecretFingerprint)
		}
		m.setKey(s, key)
		s.state = types.SecretChatReady
		s.forgetExchange()
		s.seq, _ = secretchat.NewSeq(secretchat.Responder, secretchat.SeqState{})
		m.saveLocked(ctx, s)
		m.readyLocked(ctx, s)
		return s.view(), nil
	case *tg.EncryptedChatDiscarded:
		m.discardLocked(ctx, s)
		return nil, fmt.Errorf("mtgo: secret chat %d: %w", id, ErrSecretChatState)
	}
	return nil, fmt.Errorf("mtgo: messages.acceptEncryption: unexpected %T", res)
}

// discard ends a chat (messages.discardEncryption) and marks it discarded. The chat is
// listed as discarding before the call (secret_sweep.go), so a stop once the server has
// discarded it, before any write here, still finishes the discard on the next load; a call
// that fails takes it off again.
func (m *secretChats) discard(ctx context.Context, id int32, deleteHistory bool) error {
	m.mu.Lock()
	listed := m.discardingLocked(ctx, id)
	m.mu.Unlock()
	_, err := m.raw.MessagesDiscardEncryption(ctx, &tg.MessagesDiscardEncryptionRequest{DeleteHistory: deleteHistory, ChatID: id})
	// The server has discarded it: the key leaves the storage even if the caller gives up.
	ctx = context.WithoutCancel(ctx)
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.discarding[id]--; m.discarding[id] <= 0 {
		delete(m.discarding, id)
	}
	if err != nil {
		if s := m.chats[id]; listed && m.discarding[id] == 0 && s != nil && s.state != types.SecretChatDiscarded {
			m.sweptNowLocked(ctx, id) // not discarded: taken off
		}
		return fmt.Errorf("mtgo: messages.discardEncryption: %w", err)
	}
	m.discardIDLocked(ctx, id)
	return nil
}

// discardingLocked counts a discardEncryption call for chat id, and lists the chat, loaded
// first (a chat in memory is not discarded by its listing, lookupLocked), unless it is
// unknown, discarded or listed already: it reports whether it listed it.
func (m *secretChats) discardingLocked(ctx context.Context, id int32) bool {
	if m.discarding == nil {
		m.discarding = map[int32]int{}
	}
	m.discarding[id]++
	if s, _ := m.lookupLocked(ctx, id); s == nil || s.state == types.SecretChatDiscarded {
		return false
	}
	if was, err := m.sweepingLocked(ctx, id); err != nil || was {
		return false
	}
	m.sweepLaterLocked(ctx, id)
	_, listed := m.swept[id]
	return listed
}

// discardIDLocked discards chat id (discardLocked), which the server has discarded. A chat
// whose load fails is listed as discarding (secret_sweep.go): it may be stored with its
// key, and its next load finishes the discard.
func (m *secretChats) discardIDLocked(ctx context.Context, id int32) {
	s, err := m.lookupLocked(ctx, id)
	switch {
	case s != nil && s.state != types.SecretChatDiscarded:
		m.discardLocked(ctx, s)
	case err != nil:
		m.log.Warn("discarded secret chat not loaded", "chat", id, "err", err)
		m.sweepLaterLocked(ctx, id)
	}
}

// discardLocked forgets the key of s and stores it as discarded. The chat is listed first
// and taken off once all is done (secret_sweep.go): a failed write, or a stop, at any step
// leaves it listed, and the next load of the chat or check of the chats finishes the
// discard (only a storage that took none of the writes leaves the chat as it was).
func (m *secretChats) discardLocked(ctx context.Context, s *secretChat) {
	m.sweepLaterLocked(ctx, s.id)
	s.fingerprint = s.keyFingerprint()
	s.forgetExchange()
	var left error
	if s.state == types.SecretChatReady {
		left = m.forgetSentLocked(ctx, s)
	}
	left = errors.Join(left, m.forgetGapLocked(ctx, s)) // before the chat is stored discarded (secret_gap.go)
	s.state, s.keys, s.pending, s.sent, s.held, s.unread = types.SecretChatDiscarded, nil, nil, nil, nil, nil
	s.gapLost, s.gapUnread, s.restoreAbort = nil, false, nil
	if s.seq == nil {
		s.seq, _ = secretchat.NewSeq(s.role, secretchat.SeqState{})
	}
	switch {
	case m.saveLocked(ctx, s) != nil: // the stored record still holds the key
		m.unsavedLocked(s.id)
	case left == nil:
		m.sweptNowLocked(ctx, s.id)
	}
}

// sealedSecret is a message sealed for a chat and not yet sent: where it goes, its random_id,
// what it carries, the encrypted bytes and its out_seq_no.
type sealedSecret struct {
	peer tg.InputEncryptedChat
	rid  int64
	msg  e2e.DecryptedMessageClass
	data []byte
	out  int32
}

// encrypt wraps msg in the next decryptedMessageLayer of chat id and encrypts it
// (sealLocked). When the chat still owes the peer this side's layer (owesNotice), the notice
// is sealed first, under the same lock, and returned to go out before msg; a msg the peer's
// layer cannot carry fails before anything is sealed.
func (m *secretChats) encrypt(ctx context.Context, id int32, rid int64, msg e2e.DecryptedMessageClass) (sealed, notice *sealedSecret, err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, err := m.chatLocked(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if !isLayerNotice(msg) && s.owesNotice() {
		if _, err := m.fitLocked(s, msg); err != nil {
			return nil, nil, err
		}
		if notice, err = m.noticeLocked(ctx, s); err != nil {
			return nil, nil, err
		}
	}
	sealed, err = m.sealOutLocked(ctx, s, rid, msg)
	return sealed, notice, err
}

// owesNotice reports a ready chat whose peer has not been sent this side's layer: no notice
// went out, and none is on its way.
func (s *secretChat) owesNotice() bool {
	return s.state == types.SecretChatReady && !s.told && !s.telling
}

// peerTooOld reports a ready chat whose peer announced a layer older than
// secretchat.MinLayer: it can read nothing this side writes (ErrSecretLayer).
func (s *secretChat) peerTooOld() bool {
	return s.state == types.SecretChatReady && s.layer > 0 && s.layer < secretchat.MinLayer
}

// noticeLocked seals this side's layer notice (decryptedMessageActionNotifyLayer) for s.
func (m *secretChats) noticeLocked(ctx context.Context, s *secretChat) (*sealedSecret, error) {
	msg := &e2e.DecryptedMessageService{RandomID: randomID(), Action: &e2e.DecryptedMessageActionNotifyLayer{Layer: m.layer}}
	return m.sealOutLocked(ctx, s, msg.RandomID, msg)
}

// sealOutLocked is sealLocked for a message about to be sent; a layer notice is marked on its
// way (told once its send succeeds: toldLocked).
func (m *secretChats) sealOutLocked(ctx context.Context, s *secretChat, rid int64, msg e2e.DecryptedMessageClass) (*sealedSecret, error) {
	peer, data, out, err := m.sealLocked(ctx, s, rid, msg)
	if err != nil {
		return nil, err
	}
	if isLayerNotice(msg) {
		s.telling = true
	}
	return &sealedSecret{peer: peer, rid: rid, msg: msg, data: data, out: out}, nil
}

// toldLocked notes how the send of a layer notice to s went: sent, the peer has been told
// (stored: a restart before then owes the notice again, checkChats); failed, the notice is
// owed again (the sealed one stays kept for the peer's resend request).
func (m *secretChats) toldLocked(ctx context.Context, s *secretChat, sent bool) {
	s.telling = false
	if sent && !s.told && s.state == types.SecretChatReady {
		s.told = true
		m.saveLocked(ctx, s)
	}
}

// announceLater sends the layer notice chat id owes (announce) from a job: off the update
// path, after the lock is released.
func (m *secretChats) announceLater(id int32) {
	if m.spawn == nil {
		return
	}
	m.spawn(func(ctx context.Context) {
		if err := m.announce(ctx, id); err != nil {
			m.log.Warn("secret chat layer not announced", "chat", id, "err", err)
		}
	})
}

// sealLocked wraps msg in the next decryptedMessageLayer of s, written in the lower of the
// two parties' layers (fitLocked), and encrypts it under the key in use, keeps it for resend
// requests, saves the chat and starts re-keying when due. Keys switch under the same lock, so
// a message's sequence number and its key always agree.
func (m *secretChats) sealLocked(ctx context.Context, s *secretChat, rid int64, msg e2e.DecryptedMessageClass) (tg.InputEncryptedChat, []byte, int32, error) {
	id := s.id
	if s.state != types.SecretChatReady {
		return tg.InputEncryptedChat{}, nil, 0, s.stateError()
	}
	layer, err := m.fitLocked(s, msg)
	if err != nil {
		return tg.InputEncryptedChat{}, nil, 0, err
	}
	rb := make([]byte, secretRandomBytes)
	if _, err := io.ReadFull(m.rnd, rb); err != nil {
		return tg.InputEncryptedChat{}, nil, 0, fmt.Errorf("mtgo: secret chat random: %w", err)
	}
	s.giveTTL(msg)
	before := s.seq.State()
	in, out, err := s.seq.Next()
	if err != nil {
		return tg.InputEncryptedChat{}, nil, 0, fmt.Errorf("mtgo: secret chat %d: %w", id, err)
	}
	plain, err := secretchat.EncodeLayer(nil, &e2e.DecryptedMessageLayer{RandomBytes: rb, Layer: layer, InSeqNo: in, OutSeqNo: out, Message: msg})
	var data []byte
	if err == nil {
		data, err = s.keys.Seal(nil, plain, m.rnd)
	}
	if err != nil {
		// The number goes back: a message never sent must not leave the peer a gap that
		// no resend can fill.
		s.seq, _ = secretchat.NewSeq(s.role, before)
		return tg.InputEncryptedChat{}, nil, 0, fmt.Errorf("mtgo: secret message: %w", err)
	}
	m.keepSentLocked(ctx, s, out, &sentSecret{rid: rid, layer: plain, service: isSecretService(msg)})
	s.takeTTL(msg)
	m.saveLocked(ctx, s)
	m.maybeRekeyLocked(ctx, s)
	return tg.InputEncryptedChat{ChatID: s.id, AccessHash: s.accessHash}, data, out, nil
}

// fitLocked returns the layer msg is written in for the peer of s, the lower of the two
// parties' layers (secretchat.MinLayer until the peer shows its own), and makes msg fit it
// (secretchat.Fit): entities the layer lacks are left out, a document takes the layer's
// constructor, media it lacks is ErrSecretLayer.
func (m *secretChats) fitLocked(s *secretChat, msg e2e.DecryptedMessageClass) (int32, error) {
	layer := secretchat.SendLayer(m.layer, s.layer)
	if err := secretchat.Fit(msg, layer); err != nil {
		return 0, fmt.Errorf("mtgo: secret chat %d: %w", s.id, err)
	}
	return layer, nil
}

// fits checks, before a file is uploaded for it, that msg fits the layer of ready chat id.
func (m *secretChats) fits(ctx context.Context, id int32, msg e2e.DecryptedMessageClass) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, err := m.chatLocked(ctx, id)
	if err != nil {
		return err
	}
	if s.state != types.SecretChatReady {
		return s.stateError()
	}
	_, err = m.fitLocked(s, msg)
	return err
}

// decrypt opens a payload the peer of chat id sent, without touching the sequence numbers.
func (m *secretChats) decrypt(ctx context.Context, id int32, payload []byte) (*e2e.DecryptedMessageLayer, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, err := m.chatLocked(ctx, id)
	if err != nil {
		return nil, err
	}
	layer, _, err := decryptLayer(s, payload)
	return layer, err
}

// decryptLayer decrypts and decodes a payload the peer of s sent, with the key its
// key_fingerprint names (the key in use, the previous one while kept, or the new key this
// side accepted); it returns that key's fingerprint and changes nothing.
func decryptLayer(s *secretChat, payload []byte) (*e2e.DecryptedMessageLayer, int64, error) {
	if s.state != types.SecretChatReady {
		return nil, 0, s.stateError()
	}
	plain, fp, err := s.keys.Open(nil, payload)
	if err != nil {
		return nil, 0, fmt.Errorf("mtgo: secret chat %d: %w", s.id, err)
	}
	layer, err := secretchat.DecodeLayer(plain)
	if err != nil {
		return nil, 0, fmt.Errorf("mtgo: secret chat %d: %w", s.id, err)
	}
	return layer, fp, nil
}

// visual returns the key visualization of a ready chat.
func (m *secretChats) visual(ctx context.Context, id int32) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, err := m.chatLocked(ctx, id)
	if err != nil {
		return nil, err
	}
	if s.state != types.SecretChatReady {
		return nil, s.stateError()
	}
	v := s.visual // of the first key: re-keying does not change it
	return v[:], nil
}

// handle applies one update: updateEncryption changes a chat's state,
// updateNewEncryptedMessage delivers a message, updateEncryptedMessagesRead and
// updateEncryptedChatTyping tell the peer read or types (secret_signal.go). Nothing here
// calls the network; nothing the peer or the server sends can make it panic: a bad message
// is logged under "err" and dropped.
func (m *secretChats) handle(ctx context.Context, up tg.UpdateClass) {
	// The update engine saves the state past up once this returns, with a context Stop does
	// not cancel; the chat's state is stored first, with none either, or an update handled
	// while the client stops would be counted and its effect lost.
	ctx = context.WithoutCancel(ctx)
	switch up := up.(type) {
	case *tg.UpdateEncryption:
		m.onChat(ctx, up.Chat)
	case *tg.UpdateNewEncryptedMessage:
		m.onMessage(ctx, up.Message)
	case *tg.UpdateEncryptedMessagesRead:
		m.onRead(ctx, up)
	case *tg.UpdateEncryptedChatTyping:
		m.onTyping(ctx, up)
	}
}

func (m *secretChats) onChat(ctx context.Context, chat tg.EncryptedChatClass) {
	m.mu.Lock()
	defer m.mu.Unlock()
	switch c := chat.(type) {
	case *tg.EncryptedChatRequested:
		if s, _ := m.lookupLocked(ctx, c.ID); s != nil {
			return // seen before (the update came again)
		}
		s := &secretChat{id: c.ID, accessHash: c.AccessHash, userID: c.AdminID, date: int64(c.Date),
			role: secretchat.Responder, state: types.SecretChatRequested, ga: bytes.Clone(c.GA)}
		m.chats[c.ID] = s
		m.saveLocked(ctx, s) // AcceptSecretChat works after a restart; no second event
		m.emit(kindSecretChatRequest, s.view())
	case *tg.EncryptedChatWaiting:
		if s, _ := m.lookupLocked(ctx, c.ID); s != nil && s.state == types.SecretChatWaiting && s.accessHash != c.AccessHash {
			s.accessHash = c.AccessHash
			m.saveLocked(ctx, s)
		}
	case *tg.EncryptedChat:
		s, err := m.lookupLocked(ctx, c.ID) // a waiting chat may be in the storage only
		if err != nil {
			m.log.Warn("secret chat not loaded", "chat", c.ID, "err", err)
		}
		if s == nil {
			m.keepEarlyLocked(c)
			return
		}
		if s.state == types.SecretChatWaiting {
			m.completeLocked(ctx, s, c)
		}
	case *tg.EncryptedChatDiscarded:
		m.discardIDLocked(ctx, c.ID)
		delete(m.early, c.ID)
	}
}

// completeLocked finishes the originator's key with the peer's g_b and checks the
// fingerprint the server relayed; a mismatch discards the chat.
func (m *secretChats) completeLocked(ctx context.Context, s *secretChat, c *tg.EncryptedChat) {
	key, err := s.dh.Key(c.GAOrB)
	if err == nil && secretchat.Fingerprint(&key) != c.KeyFingerprint {
		err = ErrSecretFingerprint
	}
	if err != nil {
		m.log.Warn("secret chat key exchange failed", "chat", s.id, "err", err)
		m.discardLocked(ctx, s)
		return
	}
	m.setKey(s, key)
	s.state, s.accessHash = types.SecretChatReady, c.AccessHash
	s.forgetExchange()
	s.seq, _ = secretchat.NewSeq(secretchat.Originator, secretchat.SeqState{})
	m.saveLocked(ctx, s)
	m.readyLocked(ctx, s)
	m.announceLater(s.id)
}

// readyLocked tells the handlers the chat's key is made, then delivers the messages that came
// before it.
func (m *secretChats) readyLocked(ctx context.Context, s *secretChat) {
	m.emit(kindSecretChatReady, s.view())
	m.releaseHeldLocked(ctx, s)
}

// releaseHeldLocked delivers the messages that came before the chat's key was made.
func (m *secretChats) releaseHeldLocked(ctx context.Context, s *secretChat) {
	held := s.held
	s.held = nil
	for _, msg := range held {
		m.messageLocked(ctx, msg)
	}
}

func (m *secretChats) onMessage(ctx context.Context, msg tg.EncryptedMessageClass) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.messageLocked(ctx, msg)
}

// messageLocked decrypts and delivers one message. A message for a chat without its key yet
// is kept (up to maxSecretPending) until the key is made: after a restart,
// updates.getDifference may hand it over before the updateEncryption that completes a
// waiting chat, and the originator may write as soon as it sees the acceptance, before the
// responder has the answer of its own acceptEncryption.
func (m *secretChats) messageLocked(ctx context.Context, msg tg.EncryptedMessageClass) {
	var (
		id    int32
		date  int32
		bytes []byte
		file  tg.EncryptedFileClass
	)
	switch x := msg.(type) {
	case *tg.EncryptedMessage:
		id, date, bytes, file = x.ChatID, x.Date, x.Bytes, x.File
	case *tg.EncryptedMessageService:
		id, date, bytes = x.ChatID, x.Date, x.Bytes
	default:
		return
	}
	s, err := m.chatLocked(ctx, id)
	if errors.Is(err, ErrSecretChatNotFound) && m.holdEarlyLocked(id, msg) {
		return // the peer wrote before this side handled its request's answer
	}
	if err != nil {
		m.log.Warn("secret message dropped", "chat", id, "err", err)
		return
	}
	if (s.state == types.SecretChatWaiting || s.state == types.SecretChatRequested) && len(s.held) < maxSecretPending {
		s.held = append(s.held, msg)
		return
	}
	layer, fp, err := decryptLayer(s, bytes)
	if err != nil {
		m.log.Warn("secret message dropped", "chat", id, "err", err)
		return
	}
	if s.keys.Received(fp, m.now()) {
		// The peer committed the key this side accepted, and this message overtook the
		// CommitKey: the new key is in use; a message under it lets the peer drop the old.
		m.switchedLocked(s)
		m.postLocked(ctx, s, &e2e.DecryptedMessageActionNoop{})
	}
	m.receiveLocked(ctx, s, pendingSecret{layer: layer, date: date, file: file, fp: fp})
}

// receiveLocked checks p's sequence numbers: the next message is delivered (with the ones
// that waited for it), a duplicate dropped, a message after a gap kept until the gap fills.
func (m *secretChats) receiveLocked(ctx context.Context, s *secretChat, p pendingSecret) {
	st, err := s.seq.Receive(p.layer.InSeqNo, p.layer.OutSeqNo)
	switch {
	case err != nil:
		m.log.Warn("secret message dropped", "chat", s.id, "err", err)
		return
	case st == secretchat.StatusDuplicate:
		return
	}
	m.answerResendLocked(ctx, s, p.layer)
	if st == secretchat.StatusGap && !s.gapNear(p.layer.OutSeqNo) {
		m.log.Warn("secret message too far ahead dropped", "chat", s.id,
			"expected", s.seq.Expected(), "got", p.layer.OutSeqNo)
		if p.layer.OutSeqNo > s.farAhead { // stored: the update engine counts the message
			s.farAhead = p.layer.OutSeqNo
			m.saveLocked(ctx, s)
		}
		m.askFarLocked(s)
		return
	}
	if st == secretchat.StatusGap {
		m.keepGapLocked(ctx, s, p.layer.OutSeqNo, p) // also stored: secret_gap.go
		m.log.Debug("secret message out of order kept", "chat", s.id, "expected", s.seq.Expected(), "got", p.layer.OutSeqNo)
		m.askResendLocked(s, p.layer.OutSeqNo-2)
		return
	}
	m.applyLocked(ctx, s, p)
	var taken []int32
	for (len(s.pending) > 0 || len(s.gapLost) > 0) && s.state == types.SecretChatReady {
		out := s.seq.Expected()
		next, ok := s.pending[out]
		if !ok {
			next, ok = m.lostGapLocked(ctx, s, out) // listed, not loaded (secret_gap.go)
		}
		if !ok {
			break
		}
		delete(s.pending, out)
		taken = append(taken, out)
		if st, err := s.seq.Receive(next.layer.InSeqNo, next.layer.OutSeqNo); err != nil || st != secretchat.StatusOK {
			break
		}
		m.applyLocked(ctx, s, next)
	}
	m.saveLocked(ctx, s)
	m.dropGapLocked(ctx, s, taken) // once the chat counts them
	m.askFarLocked(s)
	if s.state == types.SecretChatReady {
		m.maybeRekeyLocked(ctx, s)
	}
}

// applyLocked updates the chat from an in-order message and hands it to the handlers;
// re-keying service messages go to the key state instead.
func (m *secretChats) applyLocked(ctx context.Context, s *secretChat, p pendingSecret) {
	if s.state != types.SecretChatReady {
		return // discarded by an earlier message of the same batch
	}
	s.keys.Delivered(p.fp)
	s.noteLayer(p.layer.Layer, m.layer)
	s.lastIn = max(s.lastIn, p.date)
	sm := &types.SecretMessage{ChatID: s.id, Date: time.Unix(int64(p.date), 0), Layer: p.layer}
	switch x := p.layer.Message.(type) {
	case *e2e.DecryptedMessage:
		sm.RandomID, sm.TTL, sm.Text, sm.Entities, sm.Media = x.RandomID, peerTTL(x.TTL), x.Message, plainEntities(x.Message, x.Entities), x.Media
		sm.ReplyToRandomID, sm.GroupedID, sm.ViaBotName = x.ReplyToRandomID.Value, x.GroupedID.Value, x.ViaBotName.Value
		file, caption, err := secretFileOf(x.Media, p.file)
		if err == nil {
			err = secretPlaceOf(sm, x.Media)
		}
		if err == nil {
			err = secretLinkedOf(sm, x.Media)
		}
		if err != nil {
			m.log.Warn("secret media not described", "chat", s.id, "err", err)
		}
		sm.File, sm.Text = file, cmp.Or(sm.Text, caption)
	case *e2e.DecryptedMessageService:
		sm.RandomID, sm.Action, sm.Service = x.RandomID, x.Action, secretActionOf(x.Action)
		if secretchat.IsRekey(x.Action) {
			m.rekeyActionLocked(ctx, s, x.Action)
			return
		}
		s.takeTTL(x)
		if a, ok := x.Action.(*e2e.DecryptedMessageActionNotifyLayer); ok {
			s.noteLayer(a.Layer, m.layer)
		}
	}
	m.emit(kindSecretMessage, sm)
}

// giveTTL gives an outgoing message without a TTL of its own the chat's.
func (s *secretChat) giveTTL(msg e2e.DecryptedMessageClass) {
	if x, ok := msg.(*e2e.DecryptedMessage); ok && x.TTL == 0 {
		x.TTL = s.ttl
	}
}

// takeTTL takes the timer a service message sets: one this side sealed (the peer gets it,
// by a resend if need be) or one of the peer's, delivered (a negative timer reads as none).
func (s *secretChat) takeTTL(msg e2e.DecryptedMessageClass) {
	if x, ok := msg.(*e2e.DecryptedMessageService); ok {
		if a, ok := x.Action.(*e2e.DecryptedMessageActionSetMessageTTL); ok {
			s.ttl = max(a.TTLSeconds, 0)
		}
	}
}

// peerTTL is a timer of the wire (whole seconds) as a duration; a negative one, which only
// a peer can send, reads as none.
func peerTTL(secs int32) time.Duration { return time.Duration(max(secs, 0)) * time.Second }

// noteLayer records the layer the peer shows (a notifyLayer action, or the layer its message
// is written in), capped at ours, the one this side speaks; zero or less says nothing. The
// highest one shown is kept: a peer writes in the lower of its layer and what it knows of
// ours, so its messages never show more than its layer, and the ones it wrote before it
// knew ours may show less.
func (s *secretChat) noteLayer(l, ours int32) {
	if l > 0 {
		s.layer = max(s.layer, min(l, ours))
	}
}

// answerResendLocked answers layer if it is a resend request, on its arrival (in order or
// after a gap; a duplicate is not answered again), never when its turn comes. The docs make
// it the one message not held for its turn (core.telegram.org/api/end-to-end/seq_no,
// "avoiding concurrent gaps"): when both parties miss a message of the other, each one's
// request sits behind the other's gap, and neither would ever be answered.
func (m *secretChats) answerResendLocked(ctx context.Context, s *secretChat, layer *e2e.DecryptedMessageLayer) {
	if x, ok := layer.Message.(*e2e.DecryptedMessageService); ok {
		if a, ok := x.Action.(*e2e.DecryptedMessageActionResend); ok {
			m.resendLocked(ctx, s, a.StartSeqNo, a.EndSeqNo)
		}
	}
}

// askResendLocked asks the peer to send again its messages from the first one missing up to
// out_seq_no end (decryptedMessageActionResend), once per number; the ones already kept are
// not asked for (the request is itself a message, and asking for what is there would make
// one request per request when both parties have a gap). The numbers asked for (askNext)
// are in memory only: a chat loaded with kept messages asks once again (loadGapLocked). A
// request whose send fails leaves its numbers to ask again at the next message after the
// gap; one whose gap has filled before its job runs is not sent.
func (m *secretChats) askResendLocked(s *secretChat, end int32) {
	start := max(s.seq.Expected(), s.askNext)
	for _, kept := s.pending[start]; kept && start <= end; _, kept = s.pending[start] {
		start += 2
	}
	if end < start || m.spawn == nil {
		return
	}
	s.askNext = end + 2
	id := s.id
	m.spawn(func(ctx context.Context) {
		m.mu.Lock()
		filled := s.state != types.SecretChatReady || s.seq.Expected() > end
		m.mu.Unlock()
		if filled {
			return
		}
		msg := &e2e.DecryptedMessageService{RandomID: randomID(), Action: &e2e.DecryptedMessageActionResend{StartSeqNo: start, EndSeqNo: end}}
		if _, err := m.send(ctx, id, msg.RandomID, msg, nil); err != nil {
			m.mu.Lock()
			s.askNext = min(s.askNext, start)
			m.mu.Unlock()
			m.log.Warn("secret chat resend request not sent", "chat", id, "err", err)
		}
	})
}

// secretResendAgain is how long a message resent under a key is not resent again under it:
// a peer asking again and again (each request a message of a few bytes) would otherwise
// make this side send up to maxSecretSent messages per request, and the server slow the
// account down in every chat. A copy resent under another key (the peer may have dropped
// the one it went under), or whose send failed, goes at the next request.
const secretResendAgain = 30 * time.Second

// resendLocked sends again the kept messages with out_seq_no start..end the peer asked for,
// each with its original sequence numbers, from memory or, after a restart, the storage (a
// message no longer kept is skipped, one resent a moment ago too: secretResendAgain).
func (m *secretChats) resendLocked(ctx context.Context, s *secretChat, start, end int32) {
	// In int64: the peer's numbers may span int32, and an int32 loop up to MaxInt32 never ends.
	first, last := int64(start), int64(end)
	if m.spawn == nil || last < first || last-first > 2*maxSecretSent {
		return
	}
	// Sealed now, under the key in use (the peer may have dropped the one they were first
	// sent under), and sent after the lock is released.
	type resend struct {
		x    *sentSecret
		sent sentSecret
		data []byte
	}
	var again []resend
	now, fp := m.now(), s.keys.Fingerprint()
	for n := first; n <= last; n++ {
		x := m.sentLocked(ctx, s, int32(n))
		if x == nil || x.resentFP == fp && now.Sub(x.resent) < secretResendAgain {
			continue // resent under this key a moment ago: the copy is on its way
		}
		data, err := s.keys.Seal(nil, x.layer, m.rnd)
		if err != nil {
			m.log.Warn("secret message not resent", "chat", s.id, "err", err)
			break
		}
		x.resent, x.resentFP = now, fp
		again = append(again, resend{x, *x, data})
	}
	if len(again) == 0 {
		return
	}
	id, peer := s.id, tg.InputEncryptedChat{ChatID: s.id, AccessHash: s.accessHash}
	m.spawn(func(ctx context.Context) {
		for i, r := range again {
			if _, err := m.call(ctx, peer, r.sent.rid, r.data, r.sent.service, r.sent.file); err != nil {
				m.log.Warn("secret message not resent", "chat", id, "err", err)
				m.mu.Lock()
				for _, r := range again[i:] { // not sent: the next request is answered
					r.x.resentFP = 0
				}
				m.mu.Unlock()
				return
			}
		}
	})
}
