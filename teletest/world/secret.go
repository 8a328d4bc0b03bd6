package world

import (
	"encoding/binary"
	"math/big"

	"github.com/mtgo-labs/mtgo/crypto"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Secret chats: end-to-end encrypted chats between two people. The world only relays, as
// Telegram's servers do: it never holds a key, so it checks who may act and the sizes of what
// it is given, keeps the encrypted bytes as they came and numbers each delivered message
// with the receiver's qts (updateNewEncryptedMessage, replayed by updates.getDifference in
// new_encrypted_messages). Unlike Telegram, a chat is not bound to the one device that
// requested or accepted it: every session of each participant gets its updates. The chat's
// state changes (updateEncryption) are pushed live and replayed by updates.getDifference in
// other_updates, by date (dated.go).

const (
	// DHConfigVersion is the version messages.getDhConfig answers with; a client that already
	// holds it gets messages.dhConfigNotModified.
	DHConfigVersion = 1
	// DHConfigG is the generator messages.getDhConfig hands out with crypto.KnownDHPrime.
	DHConfigG = 3
	// MaxDHRandomLength is the most random bytes messages.getDhConfig returns in one call.
	MaxDHRandomLength = 1024

	secretPublicSize = 256 // g_a and g_b: 2048-bit numbers
	secretHeaderSize = 24  // key_fingerprint (8) and msg_key (16) before the AES blocks
	secretMinData    = secretHeaderSize + 32
	// peerSecret keys the per-viewer access hash of a secret chat.
	peerSecret PeerKind = 0x5e
)

// The errors of the secret chat methods, as Telegram names them.
var (
	ErrDHGAInvalid               = rpcErr(400, "DH_G_A_INVALID")
	ErrEncryptionAlreadyAccepted = rpcErr(400, "ENCRYPTION_ALREADY_ACCEPTED")
	ErrEncryptionAlreadyDeclined = rpcErr(400, "ENCRYPTION_ALREADY_DECLINED")
	ErrEncryptionDeclined        = rpcErr(400, "ENCRYPTION_DECLINED")
	ErrEncryptionIDInvalid       = rpcErr(400, "ENCRYPTION_ID_INVALID")
	ErrChatIDEmpty               = rpcErr(400, "CHAT_ID_EMPTY")
	ErrRandomLengthInvalid       = rpcErr(400, "RANDOM_LENGTH_INVALID")
	ErrMaxQtsInvalid             = rpcErr(400, "MAX_QTS_INVALID")
	ErrUserIsBlocked             = rpcErr(400, "USER_IS_BLOCKED")
)

type secretState uint8

const (
	secretWaiting   secretState = iota // requested, not accepted yet
	secretReady                        // accepted: messages flow
	secretDiscarded                    // declined or ended
)

// secretChat is one secret chat; admin requested it, participant accepted it.
type secretChat struct {
	id                 int32
	admin, participant int64
	requestID          int32 // the requester's random_id
	date               int32
	gA, gB             []byte
	fingerprint        int64
	state              secretState
	historyDeleted     bool

	sent     map[int64]secretSent // random_id of each delivered message -> what was answered
	sentFIFO []int64              // those random_ids, oldest first (at most Config.MaxBoxMessages)
}

// secretSent is what a send answered, repeated when the same random_id comes again.
type secretSent struct {
	from int64
	date int32
	file *secretFile
}

// secretFile is an encrypted file: the stored bytes and the key fingerprint the sender gave.
type secretFile struct {
	f           *file
	fingerprint int32
}

type secretRequest struct {
	admin    int64
	randomID int32
}

// secretChats is the secret chats family's state (World.secret), made on first use.
type secretChats struct {
	chats    map[int32]*secretChat
	requests map[secretRequest]int32 // (requester, random_id) -> chat id
	files    map[int64]*secretFile   // encrypted files by id
	acked    map[int64]int32         // account -> max_qts confirmed by messages.receivedQueue
}

func (s *secretChats) init() {
	if s.chats == nil {
		s.chats = make(map[int32]*secretChat)
		s.requests = make(map[secretRequest]int32)
		s.files = make(map[int64]*secretFile)
		s.acked = make(map[int64]int32)
	}
}

// other returns the participant of c who is not user.
func (c *secretChat) other(user int64) int64 {
	if user == c.admin {
		return c.participant
	}
	return c.admin
}

// remember records the answer to a send for its random_id, forgetting the oldest beyond keep.
func (c *secretChat) remember(randomID int64, s secretSent, keep int) {
	if c.sent == nil {
		c.sent = make(map[int64]secretSent)
	}
	keepBounded(c.sent, &c.sentFIFO, randomID, s, keep)
}

// DHConfig answers messages.getDhConfig: g, Telegram's 2048-bit safe prime and
// randomLength bytes of the world's entropy, or only the bytes when the client already holds
// version DHConfigVersion.
func (w *World) DHConfig(key KeyID, version, randomLength int32) (tg.MessagesDHConfigClass, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if _, err := w.authorizedUser(key); err != nil {
		return nil, err
	}
	if randomLength < 0 || randomLength > MaxDHRandomLength {
		return nil, ErrRandomLengthInvalid
	}
	rnd := make([]byte, randomLength)
	if err := w.random(rnd); err != nil {
		return nil, err
	}
	if version == DHConfigVersion {
		return &tg.MessagesDHConfigNotModified{Random: rnd}, nil
	}
	return &tg.MessagesDHConfig{G: DHConfigG, P: crypto.KnownDHPrime.Bytes(), Version: DHConfigVersion, Random: rnd}, nil
}

// checkSecretPublic checks a g_a or g_b: 256 bytes, within the safe range of the prime.
func checkSecretPublic(x []byte) error {
	if len(x) != secretPublicSize {
		return ErrDHGAInvalid
	}
	if crypto.CheckDHPublic(new(big.Int).SetBytes(x), crypto.KnownDHPrime) != nil {
		return ErrDHGAInvalid
	}
	return nil
}

// tgSecretChat renders c as viewer sees it: waiting for the requester, requested (with g_a)
// for the other person, then encryptedChat with the other side's public value, or discarded.
func (w *World) tgSecretChat(viewer int64, c *secretChat) tg.EncryptedChatClass {
	if c.state == secretDiscarded {
		return &tg.EncryptedChatDiscarded{ID: c.id, HistoryDeleted: c.historyDeleted}
	}
	hash := w.accessHash(viewer, peerSecret, int64(c.id))
	switch {
	case c.state == secretWaiting && viewer == c.admin:
		return &tg.EncryptedChatWaiting{ID: c.id, AccessHash: hash, Date: c.date, AdminID: c.admin, ParticipantID: c.participant}
	case c.state == secretWaiting:
		return &tg.EncryptedChatRequested{ID: c.id, AccessHash: hash, Date: c.date, AdminID: c.admin, ParticipantID: c.participant, GA: c.gA}
	}
	g := c.gA
	if viewer == c.admin {
		g = c.gB
	}
	return &tg.EncryptedChat{
		ID: c.id, AccessHash: hash, Date: c.date, AdminID: c.admin, ParticipantID: c.participant,
		GAOrB: g, KeyFingerprint: c.fingerprint,
	}
}

// pushSecretChat tells user (all sessions but skip) the chat's new state, with the other
// participant's user, and logs it for user's later differences (dated.go): a session that
// was offline gets it in other_updates, as on Telegram.
func (w *World) pushSecretChat(user int64, skip KeyID, c *secretChat, date int32) {
	other := UserPeer(c.other(user))
	var r refs
	r.add(other)
	u := &tg.UpdateEncryption{Chat: w.tgSecretChat(user, c), Date: date}
	w.recordDated(w.users[user], u, date, []Peer{other})
	w.push(user, skip, w.longUpdates(user, []tg.UpdateClass{u}, &r, date))
}

// newSecretID draws an unused positive chat id.
func (w *World) newSecretID() (int32, error) {
	for {
		var b [4]byte
		if err := w.random(b[:]); err != nil {
			return 0, err
		}
		id := int32(binary.LittleEndian.Uint32(b[:]) &^ (1 << 31))
		if id != 0 && w.secretChats.chats[id] == nil {
			return id, nil
		}
	}
}

// RequestEncryption answers messages.requestEncryption: the person on key asks user for a
// secret chat with the public value gA. The requester gets encryptedChatWaiting; the other
// person's sessions get updateEncryption with encryptedChatRequested (and the requester's
// other sessions the waiting chat). The same random_id again answers the same chat.
func (w *World) RequestEncryption(key KeyID, user tg.InputUserClass, randomID int32, gA []byte) (tg.EncryptedChatClass, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorizedUser(key)
	if err != nil {
		return nil, err
	}
	b, err := w.resolveUser(a, user)
	if err != nil {
		return nil, err
	}
	if b.bot || b.id == a.id {
		return nil, ErrUserIDInvalid
	}
	if err := checkSecretPublic(gA); err != nil {
		return nil, err
	}
	w.secretChats.init()
	if id, ok := w.secretChats.requests[secretRequest{admin: a.id, randomID: randomID}]; ok {
		return w.tgSecretChat(a.id, w.secretChats.chats[id]), nil
	}
	if _, ok := b.blocked[a.id]; ok {
		return nil, ErrUserIsBlocked
	}
	id, err := w.newSecretID()
	if err != nil {
		return nil, err
	}
	c := &secretChat{
		id: id, admin: a.id, participant: b.id, requestID: randomID, date: w.now(),
		gA: append([]byte(nil), gA...),
	}
	w.secretChats.chats[id] = c
	w.secretChats.requests[secretRequest{admin: a.id, randomID: randomID}] = id
	w.pushSecretChat(b.id, KeyID{}, c, c.date)
	w.pushSecretChat(a.id, key, c, c.date)
	return w.tgSecretChat(a.id, c), nil
}

// secretChatOf finds the chat in names for a, with a's access hash (CHAT_ID_INVALID).
func (w *World) secretChatOf(a *account, in tg.InputEncryptedChat) (*secretChat, error) {
	c := w.secretChats.chats[in.ChatID]
	if c == nil || (a.id != c.admin && a.id != c.participant) || in.AccessHash != w.accessHash(a.id, peerSecret, int64(c.id)) {
		return nil, ErrChatIDInvalid
	}
	return c, nil
}

// openSecretChat is secretChatOf for an accepted chat: a discarded one answers
// ENCRYPTION_DECLINED, one not accepted yet CHAT_ID_INVALID.
func (w *World) openSecretChat(key KeyID, in tg.InputEncryptedChat) (*account, *secretChat, error) {
	a, err := w.authorizedUser(key)
	if err != nil {
		return nil, nil, err
	}
	c, err := w.secretChatOf(a, in)
	if err != nil {
		return nil, nil, err
	}
	switch c.state {
	case secretDiscarded:
		return nil, nil, ErrEncryptionDeclined
	case secretWaiting:
		return nil, nil, ErrChatIDInvalid
	}
	return a, c, nil
}

// AcceptEncryption answers messages.acceptEncryption: the invited person completes the key
// exchange with gB and the fingerprint of the key it computed (kept, not checked: the world
// has no key). The acceptor gets encryptedChat with g_a; the requester's sessions get
// updateEncryption with encryptedChat carrying g_b and the fingerprint.
func (w *World) AcceptEncryption(key KeyID, peer tg.InputEncryptedChat, gB []byte, fingerprint int64) (tg.EncryptedChatClass, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorizedUser(key)
	if err != nil {
		return nil, err
	}
	w.secretChats.init()
	c, err := w.secretChatOf(a, peer)
	if err != nil {
		return nil, err
	}
	if a.id != c.participant {
		return nil, ErrChatIDInvalid
	}
	switch c.state {
	case secretReady:
		return nil, ErrEncryptionAlreadyAccepted
	case secretDiscarded:
		return nil, ErrEncryptionAlreadyDeclined
	}
	if err := checkSecretPublic(gB); err != nil {
		return nil, err
	}
	c.gB, c.fingerprint, c.state = append([]byte(nil), gB...), fingerprint, secretReady
	date := w.now()
	w.pushSecretChat(c.admin, KeyID{}, c, date)
	w.pushSecretChat(a.id, key, c, date)
	return w.tgSecretChat(a.id, c), nil
}

// DiscardEncryption answers messages.discardEncryption: either participant declines or ends
// the chat; both get updateEncryption with encryptedChatDiscarded (history_deleted as asked),
// except the caller's own session, which has the answer.
func (w *World) DiscardEncryption(key KeyID, chatID int32, deleteHistory bool) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorizedUser(key)
	if err != nil {
		return err
	}
	if chatID == 0 {
		return ErrChatIDEmpty
	}
	w.secretChats.init()
	c := w.secretChats.chats[chatID]
	if c == nil || (a.id != c.admin && a.id != c.participant) {
		return ErrEncryptionIDInvalid
	}
	if c.state == secretDiscarded {
		return ErrEncryptionAlreadyDeclined
	}
	c.state, c.historyDeleted = secretDiscarded, deleteHistory
	c.sent, c.sentFIFO = nil, nil
	date := w.now()
	w.pushSecretChat(c.other(a.id), KeyID{}, c, date)
	w.pushSecretChat(a.id, key, c, date)
	return nil
}

// ReportEncryptedSpam answers messages.reportEncryptedSpam: a participant reports the chat;
// the report is only checked (CHAT_ID_INVALID), as nobody reviews spam here.
func (w *World) ReportEncryptedSpam(key KeyID, peer tg.InputEncryptedChat) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorizedUser(key)
	if err != nil {
		return err
	}
	w.secretChats.init()
	_, err = w.secretChatOf(a, peer)
	return err
}

// SecretChatState reports, for tests, whether the secret chat id exists and its state as
// "waiting", "ready" or "discarded".
func (w *World) SecretChatState(id int32) (string, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	c := w.secretChats.chats[id]
	if c == nil {
		return "", false
	}
	return [...]string{"waiting", "ready", "discarded"}[c.state], true
}

// checkSecretData checks an encrypted payload's shape: key_fingerprint, msg_key and at least
// two whole AES blocks (the length prefix, the layer and 12 or more bytes of padding).
func checkSecretData(data []byte) error {
	if len(data) < secretMinData || (len(data)-secretHeaderSize)%16 != 0 {
		return ErrDataInvalid
	}
	return nil
}

// secretSend is one messages.sendEncrypted*, as sendSecret handles it.
type secretSend struct {
	peer     tg.InputEncryptedChat
	randomID int64
	data     []byte
	service  bool
	file     tg.InputEncryptedFileClass // sendEncryptedFile only
}

// sendSecret delivers an encrypted message to the other participant as
// updateNewEncryptedMessage with its next qts, live and through updates.getDifference. A
// random_id already delivered in the chat answers the first send's date and file again
// without delivering twice.
func (w *World) sendSecret(key KeyID, s secretSend) (int32, *secretFile, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.secretChats.init()
	a, c, err := w.openSecretChat(key, s.peer)
	if err != nil {
		return 0, nil, err
	}
	if err := checkSecretData(s.data); err != nil {
		return 0, nil, err
	}
	if prev, ok := c.sent[s.randomID]; ok && prev.from == a.id {
		return prev.date, prev.file, nil
	} else if ok {
		return 0, nil, ErrRandomIDDuplicate
	}
	var sf *secretFile
	if s.file != nil {
		if sf, err = w.secretFileFrom(a, s.file); err != nil {
			return 0, nil, err
		}
	}
	date := w.now()
	var msg tg.EncryptedMessageClass
	if s.service {
		msg = &tg.EncryptedMessageService{RandomID: s.randomID, ChatID: c.id, Date: date, Bytes: s.data}
	} else {
		msg = &tg.EncryptedMessage{RandomID: s.randomID, ChatID: c.id, Date: date, Bytes: s.data, File: sf.tg()}
	}
	to := w.users[c.other(a.id)]
	u := w.appendNumbered(&to.box.qlog, &to.qts, 1, date, func(qts int32) tg.UpdateClass {
		return &tg.UpdateNewEncryptedMessage{Message: msg, Qts: qts}
	}, nil)
	w.push(to.id, KeyID{}, w.longUpdates(to.id, []tg.UpdateClass{u}, &refs{}, date))
	c.remember(s.randomID, secretSent{from: a.id, date: date, file: sf}, w.cfg.MaxBoxMessages)
	return date, sf, nil
}

// SendEncrypted answers messages.sendEncrypted: data (key_fingerprint, msg_key, AES blocks)
// reaches the other participant as encryptedMessage with encryptedFileEmpty. CHAT_ID_INVALID
// for a chat the caller is not in or that is not accepted yet, ENCRYPTION_DECLINED for a
// discarded one, DATA_INVALID for a payload of the wrong shape.
func (w *World) SendEncrypted(key KeyID, peer tg.InputEncryptedChat, randomID int64, data []byte) (*tg.MessagesSentEncryptedMessage, error) {
	return sentMessage(w.sendSecret(key, secretSend{peer: peer, randomID: randomID, data: data}))
}

// SendEncryptedService answers messages.sendEncryptedService: as SendEncrypted, delivered
// as encryptedMessageService.
func (w *World) SendEncryptedService(key KeyID, peer tg.InputEncryptedChat, randomID int64, data []byte) (*tg.MessagesSentEncryptedMessage, error) {
	return sentMessage(w.sendSecret(key, secretSend{peer: peer, randomID: randomID, data: data, service: true}))
}

func sentMessage(date int32, _ *secretFile, err error) (*tg.MessagesSentEncryptedMessage, error) {
	if err != nil {
		return nil, err
	}
	return &tg.MessagesSentEncryptedMessage{Date: date}, nil
}

// SendEncryptedFile answers messages.sendEncryptedFile: as SendEncrypted with a file, either
// uploaded (inputEncryptedFileUploaded / inputEncryptedFileBigUploaded, assembled with the
// upload rules and stored on the sender's DC with the key fingerprint given) or one stored
// before (inputEncryptedFile with its id and access hash). The answer and the message carry
// the same encryptedFile; upload.getFile serves it through inputEncryptedFileLocation.
func (w *World) SendEncryptedFile(key KeyID, peer tg.InputEncryptedChat, randomID int64, data []byte, file tg.InputEncryptedFileClass) (*tg.MessagesSentEncryptedFile, error) {
	if file == nil {
		file = &tg.InputEncryptedFileEmpty{}
	}
	date, sf, err := w.sendSecret(key, secretSend{peer: peer, randomID: randomID, data: data, file: file})
	if err != nil {
		return nil, err
	}
	return &tg.MessagesSentEncryptedFile{Date: date, File: sf.tg()}, nil
}

// UploadEncryptedFile answers messages.uploadEncryptedFile: the file is stored as
// SendEncryptedFile stores it, without a message, for a later inputEncryptedFile.
func (w *World) UploadEncryptedFile(key KeyID, peer tg.InputEncryptedChat, file tg.InputEncryptedFileClass) (tg.EncryptedFileClass, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.secretChats.init()
	a, _, err := w.openSecretChat(key, peer)
	if err != nil {
		return nil, err
	}
	sf, err := w.secretFileFrom(a, file)
	if err != nil {
		return nil, err
	}
	return sf.tg(), nil
}

// secretFileFrom stores an uploaded encrypted file of a, or finds the stored one named.
func (w *World) secretFileFrom(a *account, in tg.InputEncryptedFileClass) (*secretFile, error) {
	var data []byte
	var fingerprint int32
	var err error
	switch in := in.(type) {
	case *tg.InputEncryptedFileUploaded:
		data, _, err = w.assemble(a, &tg.InputFile{ID: in.ID, Parts: in.Parts, MD5Checksum: in.MD5Checksum})
		fingerprint = in.KeyFingerprint
	case *tg.InputEncryptedFileBigUploaded:
		data, _, err = w.assemble(a, &tg.InputFileBig{ID: in.ID, Parts: in.Parts})
		fingerprint = in.KeyFingerprint
	case *tg.InputEncryptedFile:
		sf := w.secretChats.files[in.ID]
		if sf == nil || sf.f.accessHash != in.AccessHash {
			return nil, ErrFileIDInvalid
		}
		return sf, nil
	default:
		return nil, ErrFileIDInvalid
	}
	if err != nil {
		return nil, err
	}
	w.nextFile++
	sf := &secretFile{
		f:           &file{id: w.nextFile, accessHash: w.randomInt64(), dc: a.dc, date: w.now(), data: data},
		fingerprint: fingerprint,
	}
	if sf.f.dc == 0 {
		sf.f.dc = w.cfg.DefaultDC
	}
	w.secretChats.files[sf.f.id] = sf
	return sf, nil
}

// tg renders the file as encryptedFile (encryptedFileEmpty for none).
func (sf *secretFile) tg() tg.EncryptedFileClass {
	if sf == nil {
		return &tg.EncryptedFileEmpty{}
	}
	return &tg.EncryptedFile{
		ID: sf.f.id, AccessHash: sf.f.accessHash, Size: int64(len(sf.f.data)),
		DCID: int32(sf.f.dc), KeyFingerprint: sf.fingerprint,
	}
}

// encryptedFileAt finds the file an inputEncryptedFileLocation names (for GetFile; the
// caller holds w.mu).
func (w *World) encryptedFileAt(id, hash int64) (*file, error) {
	sf := w.secretChats.files[id]
	if sf == nil || sf.f.accessHash != hash {
		return nil, ErrLocationInvalid
	}
	return sf.f, nil
}

// ReadEncryptedHistory answers messages.readEncryptedHistory: the other participant gets
// updateEncryptedMessagesRead with max_date.
func (w *World) ReadEncryptedHistory(key KeyID, peer tg.InputEncryptedChat, maxDate int32) error {
	return w.secretSignal(key, peer, func(c *secretChat, date int32) tg.UpdateClass {
		return &tg.UpdateEncryptedMessagesRead{ChatID: c.id, MaxDate: maxDate, Date: date}
	})
}

// SetEncryptedTyping answers messages.setEncryptedTyping: while typing, the other
// participant gets updateEncryptedChatTyping.
func (w *World) SetEncryptedTyping(key KeyID, peer tg.InputEncryptedChat, typing bool) error {
	return w.secretSignal(key, peer, func(c *secretChat, _ int32) tg.UpdateClass {
		if !typing {
			return nil
		}
		return &tg.UpdateEncryptedChatTyping{ChatID: c.id}
	})
}

// secretSignal pushes the update mk makes (nil: none) to the other participant of an
// accepted chat as updateShort; such signals have no qts and are not replayed.
func (w *World) secretSignal(key KeyID, peer tg.InputEncryptedChat, mk func(c *secretChat, date int32) tg.UpdateClass) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.secretChats.init()
	a, c, err := w.openSecretChat(key, peer)
	if err != nil {
		return err
	}
	date := w.now()
	if u := mk(c, date); u != nil {
		w.push(c.other(a.id), KeyID{}, &tg.UpdateShort{Update: u, Date: date})
	}
	return nil
}

// ReceivedQueue answers messages.receivedQueue: the client confirms the encrypted messages
// up to maxQts; the answer lists the random_ids of those not confirmed before, oldest first.
// MAX_QTS_INVALID beyond the account's qts.
func (w *World) ReceivedQueue(key KeyID, maxQts int32) ([]int64, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorizedUser(key)
	if err != nil {
		return nil, err
	}
	if maxQts < 0 || maxQts > a.qts {
		return nil, ErrMaxQtsInvalid
	}
	w.secretChats.init()
	from := w.secretChats.acked[a.id]
	ids := []int64{}
	if maxQts <= from {
		return ids, nil
	}
	evs, _ := a.box.qlog.since(from)
	for _, e := range evs {
		if e.pts > maxQts {
			break
		}
		if u, ok := e.update.(*tg.UpdateNewEncryptedMessage); ok {
			ids = append(ids, encryptedRandomID(u.Message))
		}
	}
	w.secretChats.acked[a.id] = maxQts
	return ids, nil
}

func encryptedRandomID(m tg.EncryptedMessageClass) int64 {
	switch m := m.(type) {
	case *tg.EncryptedMessage:
		return m.RandomID
	case *tg.EncryptedMessageService:
		return m.RandomID
	}
	return 0
}
