package mtgo

import (
	"bytes"
	"context"
	crand "crypto/rand"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/media"
	"github.com/mtgo-labs/mtgo/secretchat"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/e2e"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Errors of the secret chat methods.
var (
	// ErrSecretChatNotFound reports a chat id this client does not know (neither in memory nor
	// in the storage).
	ErrSecretChatNotFound = errors.New("mtgo: unknown secret chat")
	// ErrSecretChatState reports a chat in the wrong state for the call: sending to a chat
	// that is not ready, accepting one that was not requested, a chat the peer declined.
	ErrSecretChatState = errors.New("mtgo: secret chat in the wrong state")
	// ErrSecretFingerprint reports a key whose fingerprint differs from the one the server
	// relayed (the key exchange was tampered with; the chat is discarded) or an encrypted
	// file whose key does not match its fingerprint.
	ErrSecretFingerprint = errors.New("mtgo: secret chat key fingerprint mismatch")
	// ErrSecretMedia reports SendSecretFile options that make no valid media (a photo
	// without its size, a negative duration, a thumbnail too large, a kind the secret layer
	// cannot send); a received media description failing the same checks is logged under
	// err and leaves SecretMessage.File nil.
	ErrSecretMedia = errors.New("mtgo: invalid secret media")
	// ErrSecretLayer reports a message the peer's layer cannot carry: media that came in a
	// later layer, a document of 2 GiB or more to a peer before layer 143 (size:long came
	// then), or any message to a peer whose layer is older than secretchat.MinLayer (73).
	// Messages are written in the lower of the two parties' layers (SecretChat.Layer), in
	// MinLayer until the peer shows its own; entities that layer lacks are left out without an
	// error, and a document goes as that layer's decryptedMessageMediaDocument46 (size:int).
	ErrSecretLayer = secretchat.ErrLayer
	// ErrSecretRekeyBusy reports a re-keying start while an exchange, started by either
	// side, is unfinished (or its old key is still kept for messages in flight).
	ErrSecretRekeyBusy = errors.New("mtgo: secret chat re-keying already in flight")
)

// MaxSecretFileSize is the largest file SendSecretFile sends: the file is read into memory to
// be encrypted.
const MaxSecretFileSize = 64 << 20

// secretState is the client's secret chat manager, made on first use, and the queue of the
// events its handlers run for.
type secretState struct {
	once sync.Once
	m    *secretChats

	mu      sync.Mutex
	events  []secretEvent
	running bool

	// receipts confirms the encrypted messages handled (secret_received.go).
	receiptsOnce sync.Once
	receipts     *secretReceipts
}

// secretEvent is one value for the secret chat handlers.
type secretEvent struct {
	kind updateKind
	v    any
}

// secrets returns the client's secret chat manager.
func (c *Client) secrets() *secretChats {
	c.secret.once.Do(func() {
		var st secretStore
		if c.store != nil {
			st = c.store
		}
		c.secret.m = newSecretChats(c.raw, st, c.Log, crand.Reader, c.emitSecret, c.secretJob)
		c.secret.m.policy = secretRekeyPolicy(c.cfg.SecretRekey)
	})
	return c.secret.m
}

// secretJob runs a job of the secret chat manager (network calls, then storage writes) on a
// goroutine Stop waits for, with the client's lifetime; after Stop it runs nothing.
func (c *Client) secretJob(job func(context.Context)) {
	c.goTracked(func() { job(c.life) })
}

// goTracked runs f on a goroutine Stop waits for, and reports whether it did: after Stop it
// runs nothing.
func (c *Client) goTracked(f func()) bool {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return false
	}
	c.wg.Add(1)
	c.mu.Unlock()
	go func() {
		defer c.wg.Done()
		f()
	}()
	return true
}

// secretUpdates hands the secret chat updates of u (updateEncryption,
// updateNewEncryptedMessage, updateEncryptedMessagesRead, updateEncryptedChatTyping) to the
// manager; called by deliver and dispatch (updates.go)
// before the dispatcher. It makes no network call; the messages handled are confirmed to the
// server later (messages.receivedQueue, secret_received.go).
func (c *Client) secretUpdates(ctx context.Context, u tg.UpdatesClass) {
	var list []tg.UpdateClass
	switch u := u.(type) {
	case *tg.Updates:
		list = u.Updates
	case *tg.UpdatesCombined:
		list = u.Updates
	case *tg.UpdateShort:
		list = []tg.UpdateClass{u.Update}
	}
	for _, up := range list {
		switch x := up.(type) {
		case *tg.UpdateEncryption, *tg.UpdateEncryptedMessagesRead, *tg.UpdateEncryptedChatTyping:
			c.secrets().handle(ctx, up)
		case *tg.UpdateNewEncryptedMessage:
			c.secrets().handle(ctx, up)
			c.noteSecretReceived(x) // secret_received.go: confirmed once handled
		}
	}
}

// emitSecret queues v for the handlers of kind, run in order on one goroutine that exists
// only while events wait (the update path must not wait for handlers that call the network,
// such as AcceptSecretChat in OnSecretChatRequest).
func (c *Client) emitSecret(kind updateKind, v any) {
	if c.msgs == nil || c.msgs.reg.load().kinds[kind] == 0 {
		return
	}
	if m, ok := v.(*types.SecretMessage); ok {
		m.Bind(clientAPI{c: c}) // its Download methods (secret_media.go)
	}
	s := &c.secret
	s.mu.Lock()
	defer s.mu.Unlock()
	s.events = append(s.events, secretEvent{kind, v})
	if !s.running {
		s.running = c.goTracked(c.runSecretHandlers) // Stop waits for the handlers, as for the others
		if !s.running {
			s.events = nil
		}
	}
}

func (c *Client) runSecretHandlers() {
	s := &c.secret
	for {
		s.mu.Lock()
		if len(s.events) == 0 || c.life.Err() != nil {
			s.events, s.running = nil, false
			s.mu.Unlock()
			return
		}
		ev := s.events[0]
		s.events = s.events[1:]
		s.mu.Unlock()
		ctx := &Context{Context: c.life, Client: c}
		ctx.Set(secretValueKey, ev.v)
		c.msgs.walk(c.msgs.reg.load(), ctx, &queued{kind: ev.kind, ctx: ctx})
	}
}

// secretValueKey is where a secret chat handler's Context holds its value.
const secretValueKey = "mtgo.secret"

// secretHandler builds a handler of kind whose callback takes the Context's value as T.
func secretHandler[T any](kind updateKind, cb func(*Context, T) error, fs []Filter) *Handler {
	return &Handler{kind: kind, filters: fs, run: func(ctx *Context) error {
		v, _ := ctx.Get(secretValueKey)
		t, _ := v.(T)
		return cb(ctx, t)
	}}
}

// NewSecretChatRequestHandler builds a handler of secret chat requests for AddHandler.
func NewSecretChatRequestHandler(cb func(*Context, *types.SecretChat) error, fs ...Filter) *Handler {
	return secretHandler(kindSecretChatRequest, cb, fs)
}

// NewSecretChatReadyHandler builds a handler of secret chats becoming ready for AddHandler.
func NewSecretChatReadyHandler(cb func(*Context, *types.SecretChat) error, fs ...Filter) *Handler {
	return secretHandler(kindSecretChatReady, cb, fs)
}

// NewSecretMessageHandler builds a handler of secret messages for AddHandler.
func NewSecretMessageHandler(cb func(*Context, *types.SecretMessage) error, fs ...Filter) *Handler {
	return secretHandler(kindSecretMessage, cb, fs)
}

// OnSecretChatRequest registers cb in group 0 for secret chats other users request
// (updateEncryption with encryptedChatRequested). cb may accept with AcceptSecretChat (or
// decline with DiscardSecretChat). Handlers run in order on a goroutine of their own; raw
// update handlers see the updates as well.
func (c *Client) OnSecretChatRequest(cb func(*Context, *types.SecretChat) error, fs ...Filter) *Handler {
	return c.register(cb != nil, NewSecretChatRequestHandler(cb, fs...))
}

// OnSecretChatReady registers cb in group 0 for secret chats whose key is made, so that
// messages can go both ways: on the requesting side when the other user accepted (the
// acceptance may come while RequestSecretChat is still returning, or after a restart), on the
// accepting side once AcceptSecretChat has the server's answer. It runs once per chat, before
// the chat's first message reaches OnSecretMessage.
func (c *Client) OnSecretChatReady(cb func(*Context, *types.SecretChat) error, fs ...Filter) *Handler {
	return c.register(cb != nil, NewSecretChatReadyHandler(cb, fs...))
}

// OnSecretMessage registers cb in group 0 for decrypted messages of secret chats, in their
// sequence order (messages that came after a gap wait for the missing ones; duplicates are
// dropped; messages that fail to decrypt are logged and dropped). Service messages come too
// (Service set), the peer's layer notice that opens each chat among them; re-keying's do not.
func (c *Client) OnSecretMessage(cb func(*Context, *types.SecretMessage) error, fs ...Filter) *Handler {
	return c.register(cb != nil, NewSecretMessageHandler(cb, fs...))
}

// RequestSecretChat asks user (any form ResolvePeer takes) for a secret chat
// (messages.getDhConfig, messages.requestEncryption). The chat is SecretChatWaiting until
// the user accepts; the key is then completed and checked when the update arrives, also
// after a restart: the waiting chat is stored with its DH exponent (as secret as the keys the
// storage holds; wiped once the key is made). Unanswered requests are bounded (the newest
// 100, none older than a week): older ones are discarded.
func (c *Client) RequestSecretChat(ctx context.Context, user any) (*types.SecretChat, error) {
	in, err := c.resolveUser(ctx, user)
	if err != nil {
		return nil, err
	}
	return c.secrets().request(ctx, in)
}

// AcceptSecretChat accepts a chat another user requested (messages.getDhConfig,
// messages.acceptEncryption) and returns it ready. A request survives a restart (it is
// stored when it arrives, and OnSecretChatRequest runs once for it); the newest 100
// requests not accepted are kept, none older than a week.
func (c *Client) AcceptSecretChat(ctx context.Context, chatID int32) (*types.SecretChat, error) {
	return c.secrets().accept(ctx, chatID)
}

// DiscardSecretChat ends a chat (messages.discardEncryption; deleteHistory deletes it for
// both sides) and forgets its key.
func (c *Client) DiscardSecretChat(ctx context.Context, chatID int32, deleteHistory bool) error {
	return c.secrets().discard(ctx, chatID, deleteHistory)
}

// GetSecretChat returns the chat with chatID from memory or the storage (GetSecretChats lists
// them).
func (c *Client) GetSecretChat(chatID int32) (*types.SecretChat, bool) {
	return c.secrets().get(c.life, chatID)
}

// SendSecretMessage sends text to a ready chat (messages.sendEncrypted) and returns the
// message's random_id. Of the send options it reads the parse mode and entities
// (WithParseMode, WithEntities: the text is parsed as SendMessage parses it, and the entities
// convert to the secret layer's; kinds the peer's layer lacks are left out, as are mention
// names, phone numbers, cashtags and bank cards, which no published layer has) and
// WithSilent; the others do not apply to secret chats. The message carries the chat's
// self-destruct timer (SetSecretChatTTL).
func (c *Client) SendSecretMessage(ctx context.Context, chatID int32, text string, opts ...SendOption) (int64, error) {
	return c.sendSecretText(ctx, chatID, 0, text, opts)
}

// ReplySecretMessage is SendSecretMessage answering the message with replyTo, its random_id
// (reply_to_random_id; SecretMessage.ReplyToRandomID on the peer's side).
func (c *Client) ReplySecretMessage(ctx context.Context, chatID int32, replyTo int64, text string, opts ...SendOption) (int64, error) {
	return c.sendSecretText(ctx, chatID, replyTo, text, opts)
}

// sendSecretText sends text, answering replyTo unless it is zero.
func (c *Client) sendSecretText(ctx context.Context, chatID int32, replyTo int64, text string, opts []SendOption) (int64, error) {
	p := collectSend(opts)
	text, ents, err := c.messageText(ctx, text, p.Text)
	if err != nil {
		return 0, err
	}
	rid := randomID()
	msg := &e2e.DecryptedMessage{RandomID: rid, Message: text, Entities: secretEntities(ents), Silent: p.Silent, ReplyToRandomID: secretReplyTo(replyTo)}
	if _, err := c.secrets().send(ctx, chatID, rid, msg, nil); err != nil {
		return 0, err
	}
	return rid, nil
}

// secretReplyTo is the reply_to_random_id of an answer to randomID; none for zero.
func secretReplyTo(randomID int64) tl.Opt[int64] {
	if randomID == 0 {
		return tl.Opt[int64]{}
	}
	return tl.Some(randomID)
}

// SecretFileOptions are the optional parts of SendSecretFile.
type SecretFileOptions struct {
	// MimeType of the file; when empty, by Kind: image/jpeg, video/mp4, audio/mpeg,
	// audio/ogg (voice), application/octet-stream (documents). A photo has none on the wire.
	MimeType string
	// Caption is the text under the file.
	Caption string
	// TTL is the message's self-destruct time (whole seconds, rounded down; ErrOutOfRange
	// when negative or past 2^31-1 seconds); the chat's (SetSecretChatTTL) when zero.
	TTL time.Duration
	// Kind is how the file is sent: types.KindDocument (the default; KindNone too),
	// KindPhoto (decryptedMessageMediaPhoto; Width and Height required), KindVideo,
	// KindVideoNote, KindAnimation (documents with documentAttributeVideo, round for a video
	// note, with documentAttributeAnimated for an animation), KindAudio or KindVoice (with
	// documentAttributeAudio). Other kinds are ErrSecretMedia.
	Kind types.MediaKind
	// Width and Height are a photo's or video's size in pixels; for a document, an image's
	// size (documentAttributeImageSize, when both are set).
	Width, Height int
	// Duration is a video's or audio's length (whole seconds).
	Duration time.Duration
	// Title and Performer describe music (KindAudio).
	Title, Performer string
	// Waveform is a voice message's volume curve (KindVoice; at most 1 KiB).
	Waveform []byte
	// ReplyTo is the random_id of the message the file answers; zero for none.
	ReplyTo int64
	// GroupedID puts the file in an album: the files sent with the same non-zero id (up to
	// 10, one after the other) show as one.
	GroupedID int64
	// Thumb is a small JPEG preview sent inside the message (at most MaxSecretThumbSize
	// bytes, its width and height set; Telegram's clients make 90 pixels on the longer
	// side); not for audio.
	Thumb *types.SecretThumb
}

// SendSecretFile encrypts the file read from r (at most MaxSecretFileSize bytes) with a
// fresh AES-256-IGE key, uploads the ciphertext and sends it to a ready chat
// (messages.sendEncryptedFile) as the media opts.Kind names (a document by default); the
// key and iv travel inside the encrypted message. Options that make no valid media are
// ErrSecretMedia, and media the peer's layer cannot carry ErrSecretLayer, both before the
// upload (a peer before layer 143 gets a document as decryptedMessageMediaDocument46). It returns the message's random_id.
func (c *Client) SendSecretFile(ctx context.Context, chatID int32, r io.Reader, fileName string, opts *SecretFileOptions) (int64, error) {
	if opts == nil {
		opts = &SecretFileOptions{}
	}
	data, err := io.ReadAll(io.LimitReader(r, MaxSecretFileSize+1))
	if err != nil {
		return 0, fmt.Errorf("mtgo: secret file: %w", err)
	}
	if len(data) > MaxSecretFileSize {
		return 0, fmt.Errorf("mtgo: secret file over %d bytes", MaxSecretFileSize)
	}
	cipher, key, iv, err := encryptSecretFile(data, crand.Reader)
	if err != nil {
		return 0, err
	}
	md, err := opts.media(fileName, int64(len(data)), key, iv)
	if err != nil {
		return 0, err
	}
	msg, err := opts.message(md)
	if err != nil {
		return 0, err
	}
	if err := c.secrets().fits(ctx, chatID, msg); err != nil { // before the upload
		return 0, err
	}
	up, err := c.Upload(ctx, bytes.NewReader(cipher), int64(len(cipher)), "secret")
	if err != nil {
		return 0, fmt.Errorf("mtgo: secret file upload: %w", err)
	}
	in, err := encryptedInputFile(up, secretFileFingerprint(key, iv))
	if err != nil {
		return 0, err
	}
	if _, err := c.secrets().send(ctx, chatID, msg.RandomID, msg, in); err != nil {
		return 0, err
	}
	return msg.RandomID, nil
}

// message is the message carrying md with the options' caption, TTL, reply and album, under
// a fresh random_id.
func (o *SecretFileOptions) message(md e2e.DecryptedMessageMediaClass) (*e2e.DecryptedMessage, error) {
	ttl, err := secretTTL(o.TTL)
	if err != nil {
		return nil, fmt.Errorf("mtgo: secret file: %w", err)
	}
	msg := &e2e.DecryptedMessage{RandomID: randomID(), TTL: ttl, Message: o.Caption, Media: md, ReplyToRandomID: secretReplyTo(o.ReplyTo)}
	if o.GroupedID != 0 {
		msg.GroupedID = tl.Some(o.GroupedID)
	}
	return msg, nil
}

// DecryptSecretMessage decrypts a payload the peer of chatID sent (encryptedMessage.bytes)
// without the sequence checks or the handlers: for messages read from history.
func (c *Client) DecryptSecretMessage(chatID int32, payload []byte) (*e2e.DecryptedMessageLayer, error) {
	return c.secrets().decrypt(c.life, chatID, payload)
}

// DecryptSecretFile downloads the file of a secret message (upload.getFile with
// inputEncryptedFileLocation; opts as for DownloadBytes, WithProgress counting the
// ciphertext) and decrypts it, checking its key against the fingerprint.
func (c *Client) DecryptSecretFile(ctx context.Context, f *types.SecretFile, opts ...media.Option) ([]byte, error) {
	if f == nil {
		return nil, errors.New("mtgo: secret file is nil")
	}
	if len(f.Key) != secretFileKeySize || len(f.IV) != secretFileKeySize || secretFileFingerprint(f.Key, f.IV) != f.KeyFingerprint {
		return nil, fmt.Errorf("mtgo: secret file: %w", ErrSecretFingerprint)
	}
	data, err := c.DownloadBytes(ctx, media.Location{DC: int(f.DCID), Input: &tg.InputEncryptedFileLocation{ID: f.ID, AccessHash: f.AccessHash}, Size: f.Size}, opts...)
	if err != nil {
		return nil, fmt.Errorf("mtgo: secret file download: %w", err)
	}
	return decryptSecretFile(f, data)
}

// SecretChatVisualization returns the key visualization of a ready chat that both users
// compare: 36 bytes, the first 128 bits of SHA1(key) then the first 160 bits of SHA256(key)
// of the chat's first key (secretchat.Visual288; this client speaks layer 46 and later from
// the start, so both are the initial key, and re-keying does not change the picture). Show
// it as hex, or as the 16-byte prefix in the picture of older clients; no emoji table.
func (c *Client) SecretChatVisualization(chatID int32) ([]byte, error) {
	return c.secrets().visual(c.life, chatID)
}

// SendLayerNotification tells the peer of a ready chat the layer this client speaks
// (decryptedMessageActionNotifyLayer, messages.sendEncryptedService). The client tells it by
// itself as its first message in each chat (the responder on accepting, the originator once
// the key is made, or before its first message if that is sooner); this sends it again.
func (c *Client) SendLayerNotification(ctx context.Context, chatID int32) error {
	return c.secrets().notifyLayer(ctx, chatID)
}

// send encrypts msg into chat id and sends it: with file as messages.sendEncryptedFile, a
// service message as messages.sendEncryptedService, else messages.sendEncrypted. While the
// chat owes the peer this side's layer, encrypt seals the notice with msg and it goes first;
// its failure is logged and msg still goes (the peer asks for the missing notice when msg
// shows the gap, and the notice is owed again).
func (m *secretChats) send(ctx context.Context, id int32, rid int64, msg e2e.DecryptedMessageClass, file tg.InputEncryptedFileClass) (tg.MessagesSentEncryptedMessageClass, error) {
	x, notice, err := m.encrypt(ctx, id, rid, msg)
	if notice != nil {
		if _, err := m.deliver(ctx, id, notice, nil); err != nil {
			m.log.Warn("secret chat layer not announced", "chat", id, "err", err)
		}
	}
	if err != nil {
		return nil, err
	}
	return m.deliver(ctx, id, x, file)
}

// announce tells the peer of chat id the layer this side speaks (notifyLayer) while the chat
// owes it (owesNotice): core.telegram.org/api/end-to-end ("Updating to new layers") has each
// side tell it as soon as the key is made, and until told the peer writes in its oldest
// layer. The responder announces when it accepts, the originator from a job the ready chat
// starts; send seals it before the first message when that has not happened yet. A chat
// that is not ready, or not known, is left to the caller's own error.
func (m *secretChats) announce(ctx context.Context, id int32) error {
	m.mu.Lock()
	var notice *sealedSecret
	s, err := m.lookupLocked(ctx, id)
	if s != nil && s.owesNotice() {
		notice, err = m.noticeLocked(ctx, s)
	}
	m.mu.Unlock()
	if notice == nil {
		return err
	}
	_, err = m.deliver(ctx, id, notice, nil)
	return err
}

// isLayerNotice reports a notifyLayer service message.
func isLayerNotice(msg e2e.DecryptedMessageClass) bool {
	x, ok := msg.(*e2e.DecryptedMessageService)
	if !ok {
		return false
	}
	_, ok = x.Action.(*e2e.DecryptedMessageActionNotifyLayer)
	return ok
}

// deliver sends a message encrypt sealed and notes what the answer says (a layer notice's
// outcome included).
func (m *secretChats) deliver(ctx context.Context, id int32, x *sealedSecret, file tg.InputEncryptedFileClass) (tg.MessagesSentEncryptedMessageClass, error) {
	res, err := m.call(ctx, x.peer, x.rid, x.data, isSecretService(x.msg), file)
	if isLayerNotice(x.msg) {
		m.noteTold(ctx, id, err == nil)
	}
	if err != nil {
		return nil, err
	}
	switch r := res.(type) {
	case *tg.MessagesSentEncryptedMessage:
		m.noteSent(id, x.rid, r.Date, x.msg)
	case *tg.MessagesSentEncryptedFile:
		m.noteSent(id, x.rid, r.Date, x.msg)
		if ef, ok := r.File.(*tg.EncryptedFile); ok { // a resend names the uploaded file
			m.sentFile(ctx, id, x.out, &tg.InputEncryptedFile{ID: ef.ID, AccessHash: ef.AccessHash})
		}
	}
	return res, nil
}

// noteTold notes how the send of a layer notice to chat id went (toldLocked).
func (m *secretChats) noteTold(ctx context.Context, id int32, sent bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if s := m.chats[id]; s != nil {
		m.toldLocked(ctx, s, sent)
	}
}

// call sends an encrypted payload: with file as messages.sendEncryptedFile, a service message
// as messages.sendEncryptedService, else messages.sendEncrypted.
func (m *secretChats) call(ctx context.Context, peer tg.InputEncryptedChat, rid int64, data []byte, service bool, file tg.InputEncryptedFileClass) (res tg.MessagesSentEncryptedMessageClass, err error) {
	switch {
	case file != nil:
		res, err = m.raw.MessagesSendEncryptedFile(ctx, &tg.MessagesSendEncryptedFileRequest{Peer: peer, RandomID: rid, Data: data, File: file})
	case service:
		res, err = m.raw.MessagesSendEncryptedService(ctx, &tg.MessagesSendEncryptedServiceRequest{Peer: peer, RandomID: rid, Data: data})
	default:
		res, err = m.raw.MessagesSendEncrypted(ctx, &tg.MessagesSendEncryptedRequest{Peer: peer, RandomID: rid, Data: data})
	}
	if err != nil {
		return nil, fmt.Errorf("mtgo: secret chat %d: send: %w", peer.ChatID, err)
	}
	return res, nil
}

func isSecretService(msg e2e.DecryptedMessageClass) bool {
	_, ok := msg.(*e2e.DecryptedMessageService)
	return ok
}

// secret reports the kinds of the secret chat handlers, which raw update handlers do not take
// (they saw the update itself).
func (k updateKind) secret() bool {
	switch k {
	case kindSecretChatRequest, kindSecretChatReady, kindSecretMessage, kindSecretChatRead, kindSecretChatTyping:
		return true
	}
	return false
}
