package types

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/mtgo-labs/mtgo/crypto/redact"
	"github.com/mtgo-labs/mtgo/tl/e2e"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// SecretChatState is where a secret chat is in its life.
type SecretChatState uint8

const (
	// SecretChatWaiting: this account requested the chat; the peer has not accepted yet.
	SecretChatWaiting SecretChatState = iota + 1
	// SecretChatRequested: the peer requested the chat; AcceptSecretChat accepts it.
	SecretChatRequested
	// SecretChatReady: both sides hold the key; messages can be sent.
	SecretChatReady
	// SecretChatDiscarded: either side ended the chat (or the key exchange failed).
	SecretChatDiscarded
)

// String returns "waiting", "requested", "ready" or "discarded".
func (s SecretChatState) String() string {
	switch s {
	case SecretChatWaiting:
		return "waiting"
	case SecretChatRequested:
		return "requested"
	case SecretChatReady:
		return "ready"
	case SecretChatDiscarded:
		return "discarded"
	}
	return "unknown"
}

// SecretChat is a snapshot of one end-to-end encrypted chat as this account sees it. The key
// itself is never part of it.
type SecretChat struct {
	// ID is the chat's id (encryptedChat.id), the chatID the secret chat methods take.
	ID int32
	// AccessHash is the chat's access hash.
	AccessHash int64
	// UserID is the other party.
	UserID int64
	// Originator reports that this account requested the chat (the key exchange's
	// originator); false for the side that accepted it.
	Originator bool
	// State is where the chat is.
	State SecretChatState
	// Layer is the highest secret chat layer the peer has shown, by announcing it or by the
	// layer of its messages (0 until it did), capped at the one this client speaks
	// (secretchat.Layer): the layer messages to the peer are written in, and
	// secretchat.MinLayer (73) while it is 0. Both sides announce theirs as soon as the key
	// is made, so it is set by the peer's first message.
	Layer int32
	// TTL is the chat's self-destruct timer, set by either side (SetSecretChatTTL,
	// decryptedMessageActionSetMessageTTL); the messages sent carry it.
	TTL time.Duration
	// KeyFingerprint is the 64-bit fingerprint of the key in use (0 until the key exists);
	// it changes when the chat re-keys.
	KeyFingerprint int64
	// Date is when the chat was created.
	Date time.Time
}

// SecretMessage is one decrypted message of a secret chat: an ordinary message (Text,
// Entities, File and the other media fields) or a service message (Service set). The typed
// fields cover what the secret layer carries; Media, Action and Layer are the raw decrypted
// objects, an escape hatch (as Message.Raw) for what they do not.
type SecretMessage struct {
	// ChatID is the secret chat it came in.
	ChatID int32
	// RandomID is the sender's random_id, the message's identity.
	RandomID int64
	// Date is when the server relayed it.
	Date time.Time
	// TTL is the message's self-destruct time (0: none).
	TTL time.Duration
	// Text is the message text (a media's caption when the message has none).
	Text string
	// ReplyToRandomID is the random_id of the message this one answers; 0 for none.
	ReplyToRandomID int64
	// GroupedID groups the messages of an album (0: not in one).
	GroupedID int64
	// ViaBotName is the username of the inline bot the message was sent through ("": none).
	ViaBotName string
	// Entities mark up Text, as Message.Entities (bold, links, mentions, ...): the secret
	// layer's entities converted to the main API's twins. Kinds without one, and entities
	// that do not lie in Text (a negative offset, a length below 1, an end past Text's length
	// in UTF-16 units), are left out; the others may nest or cross, as the peer wrote them.
	// No server checks a secret chat's links: a MessageEntityTextURL's URL is the peer's own
	// (any scheme), to be checked before it is opened or rendered as a link.
	Entities []tg.MessageEntityClass
	// File is the attached encrypted file (a photo, video, audio or document, File.Kind
	// says which), nil without one or when its description failed the checks (logged);
	// DecryptSecretFile fetches it.
	File *SecretFile
	// Location, Venue and Contact are a shared point, place or phone contact (nil for other
	// messages, and for coordinates off the map: logged).
	Location *Location
	Venue    *Venue
	Contact  *Contact
	// External is a document on Telegram's servers the peer sent by reference
	// (decryptedMessageMediaExternalDocument: stickers, GIFs), typed by its attributes as
	// NewDocumentMedia types documents: a *Sticker, *Animation, *Video, ... or *Document, with
	// its file id and unique id. The secret layer carries no file reference, so downloading it
	// needs a fresh one (the server answers FILE_REFERENCE_EXPIRED otherwise: for a sticker,
	// its set by SetName has one). Nil for other messages and when its description failed
	// the checks (logged). Client.SendSecretSticker sends one, and sends it on.
	External Media
	// WebPage is the link preview the peer attached (decryptedMessageMediaWebPage: URL only).
	WebPage *WebPage
	// Service is the action of a service message, typed (nil for ordinary messages; its
	// Kind is SecretActionOther for actions it does not type, which Action holds).
	Service *SecretAction
	// Media is the raw media descriptor (nil without media), an escape hatch: the fields
	// above type every kind the secret layer has.
	Media e2e.DecryptedMessageMediaClass
	// Action is the raw service action (nil for ordinary messages), an escape hatch next to
	// Service.
	Action e2e.DecryptedMessageActionClass
	// Layer is the whole decrypted layer (sequence numbers included), an escape hatch.
	Layer *e2e.DecryptedMessageLayer

	api SecretMediaAPI // set by Bind: the client that delivered it
}

// Markdown returns Text with its Entities as Markdown: Message.Markdown's text.
func (m *SecretMessage) Markdown() string { return m.text().Markdown() }

// HTML returns Text with its Entities as HTML: Message.HTML's text.
func (m *SecretMessage) HTML() string { return m.text().HTML() }

// text is the message's text as a Message, for Message's formatting methods.
func (m *SecretMessage) text() *Message { return &Message{Text: m.Text, Entities: m.Entities} }

// DocumentOf returns the Document part of a document kind (*Document, *Video, *Animation,
// *Audio, *Voice, *VideoNote, *Sticker), what Client.SendSecretSticker sends by reference; nil
// for other media.
func DocumentOf(m Media) *Document { return documentOf(m) }

// SecretFile describes an encrypted file sent in a secret chat: where the server keeps the
// ciphertext and the key and iv (from the decrypted message) that open it.
type SecretFile struct {
	// ID and AccessHash name the encrypted file (inputEncryptedFileLocation).
	ID         int64
	AccessHash int64
	// DCID is the data center that stores it.
	DCID int32
	// Size is the ciphertext's size (the plaintext padded to 16 bytes).
	Size int64
	// KeyFingerprint is the file key's 32-bit fingerprint the server reported.
	KeyFingerprint int32
	// Key and IV are the AES-256-IGE key (32 bytes) and iv (32 bytes).
	Key, IV []byte
	// PlainSize is the file's size before encryption.
	PlainSize int64
	// MimeType and FileName describe the document (a photo is image/jpeg, without a name).
	MimeType string
	FileName string
	// Kind is what the file is: KindPhoto, KindVideo, KindVideoNote, KindAnimation,
	// KindAudio, KindVoice, KindSticker or KindDocument.
	Kind MediaKind
	// Width and Height are a photo's, video's or image's size in pixels (0: not given).
	Width, Height int
	// Duration is a video's or audio's length, in whole seconds.
	Duration time.Duration
	// Title and Performer describe music (KindAudio).
	Title, Performer string
	// Waveform is a voice message's volume curve (5-bit values, packed).
	Waveform []byte
	// Thumb is the small preview the message carries inline; nil without one.
	Thumb *SecretThumb
}

// SecretThumb is the small inline preview of a secret chat's photo, video or document: a
// JPEG (Telegram's clients make it at most 90 pixels on the longer side) and its size.
type SecretThumb struct {
	Data          []byte
	Width, Height int
}

// The file key and iv open the file: a SecretFile prints, formats and logs without them, and
// a SecretMessage (whose media and layer carry them) as its identity and the kinds it holds.

func (f SecretFile) printable() redact.Fields {
	return redact.Of("types.SecretFile",
		slog.Int64("ID", f.ID), slog.Int64("AccessHash", f.AccessHash), slog.Int("DCID", int(f.DCID)),
		slog.Int64("Size", f.Size), slog.Int("KeyFingerprint", int(f.KeyFingerprint)),
		slog.String("Key", redact.Bytes(f.Key)), slog.String("IV", redact.Bytes(f.IV)),
		slog.Int64("PlainSize", f.PlainSize), slog.String("MimeType", f.MimeType), slog.String("FileName", f.FileName),
		slog.String("Kind", f.Kind.String()), slog.Int("Width", f.Width), slog.Int("Height", f.Height),
		slog.Duration("Duration", f.Duration), slog.String("Title", f.Title), slog.String("Performer", f.Performer),
		slog.Int("Waveform", len(f.Waveform)), slog.Int("Thumb", thumbLen(f.Thumb)))
}

// thumbLen is the size of t's picture (0 without one): a file prints its thumbnail's size.
func thumbLen(t *SecretThumb) int {
	if t == nil {
		return 0
	}
	return len(t.Data)
}

// String implements fmt.Stringer without the key and iv.
func (f SecretFile) String() string { return f.printable().String() }

// Format implements fmt.Formatter: every verb prints String.
func (f SecretFile) Format(s fmt.State, verb rune) { f.printable().Format(s, verb) }

// LogValue implements slog.LogValuer without the key and iv.
func (f SecretFile) LogValue() slog.Value { return f.printable().LogValue() }

// MarshalJSON implements json.Marshaler without the key and iv, for a SecretFile held in a logged struct (slog's
// JSON handler writes those with encoding/json, which would show the key and iv in base64).
func (f SecretFile) MarshalJSON() ([]byte, error) { return f.printable().MarshalJSON() }

func (m SecretMessage) printable() redact.Fields {
	kind := func(v any) string {
		if v == nil {
			return ""
		}
		return fmt.Sprintf("%T", v)
	}
	file, service := "", ""
	if m.File != nil {
		file = m.File.String()
	}
	if m.Service != nil {
		service = m.Service.Kind.String()
	}
	return redact.Of("types.SecretMessage",
		slog.Int("ChatID", int(m.ChatID)), slog.Int64("RandomID", m.RandomID), slog.Time("Date", m.Date),
		slog.Duration("TTL", m.TTL), slog.String("Text", m.Text), slog.Int("Entities", len(m.Entities)),
		slog.String("File", file), slog.String("External", kind(m.External)),
		slog.String("Media", kind(m.Media)), slog.String("Action", kind(m.Action)),
		slog.String("Service", service))
}

// String implements fmt.Stringer: the message without its file's key and iv (its media and
// layer show as their kinds).
func (m SecretMessage) String() string { return m.printable().String() }

// Format implements fmt.Formatter: every verb prints String.
func (m SecretMessage) Format(s fmt.State, verb rune) { m.printable().Format(s, verb) }

// LogValue implements slog.LogValuer as String does.
func (m SecretMessage) LogValue() slog.Value { return m.printable().LogValue() }

// MarshalJSON implements json.Marshaler as String does, for a SecretMessage held in a logged struct (slog's
// JSON handler writes those with encoding/json, which would show the key and iv in base64).
func (m SecretMessage) MarshalJSON() ([]byte, error) { return m.printable().MarshalJSON() }

// SecretChatRead says the peer of a secret chat read this side's messages
// (updateEncryptedMessagesRead).
type SecretChatRead struct {
	// ChatID is the secret chat.
	ChatID int32
	// MaxDate: the messages sent up to this date (the server's date of each, the Date the
	// peer's SecretMessage shows) are read.
	MaxDate time.Time
	// Date is when the peer read them.
	Date time.Time
	// RandomIDs are the messages this side sent that the mark newly covers, in the order
	// sent: of those sent since the client started, the last 100 not read before (service
	// messages are not counted).
	RandomIDs []int64
}

// SecretChatTyping says the peer of a secret chat is typing (updateEncryptedChatTyping).
type SecretChatTyping struct {
	// ChatID is the secret chat.
	ChatID int32
	// UserID is the user typing: the chat's other party.
	UserID int64
}

// SecretActionKind says what a secret chat's service message does.
type SecretActionKind uint8

const (
	// SecretActionOther is an action not typed here (SecretMessage.Action has it): a resend
	// request, a typing action, a no-op.
	SecretActionOther SecretActionKind = iota
	// SecretActionTTL: the chat's self-destruct timer is now TTL (0: off).
	SecretActionTTL
	// SecretActionDelete: the peer asks to delete the messages RandomIDs.
	SecretActionDelete
	// SecretActionReadContents: the peer opened the messages RandomIDs (self-destructing
	// media viewed).
	SecretActionReadContents
	// SecretActionScreenshot: the peer took a screenshot showing the messages RandomIDs.
	SecretActionScreenshot
	// SecretActionClearHistory: the peer asks to delete the whole history.
	SecretActionClearHistory
	// SecretActionLayer: the peer announced the layer it speaks, Layer
	// (decryptedMessageActionNotifyLayer).
	SecretActionLayer
)

var secretActionNames = [...]string{
	SecretActionOther: "other", SecretActionTTL: "ttl", SecretActionDelete: "delete",
	SecretActionReadContents: "read contents", SecretActionScreenshot: "screenshot",
	SecretActionClearHistory: "clear history", SecretActionLayer: "layer",
}

// String returns the kind's name.
func (k SecretActionKind) String() string {
	if int(k) < len(secretActionNames) {
		return secretActionNames[k]
	}
	return "unknown"
}

// SecretAction is a secret chat's service action, typed.
type SecretAction struct {
	Kind SecretActionKind
	// TTL is the timer of SecretActionTTL (a negative one reads as 0).
	TTL time.Duration
	// RandomIDs name the messages of SecretActionDelete, ReadContents and Screenshot.
	RandomIDs []int64
	// Layer is the secret chat layer the peer announced with SecretActionLayer (0 for a
	// number below 1, which announces nothing). It may exceed the layer this client speaks:
	// messages to the peer are written in the lower of the two (SecretChat.Layer).
	Layer int
}
