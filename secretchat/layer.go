package secretchat

import (
	"errors"
	"fmt"
	"math"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/e2e"
)

// Layer is the secret chat layer this package speaks (tl/e2e's schema).
const Layer = 144

// ErrNotLayer reports decrypted bytes that hold another object than decryptedMessageLayer.
var ErrNotLayer = errors.New("secretchat: decrypted object is not a decryptedMessageLayer")

// MinRandomBytes is the shortest random_bytes a decryptedMessageLayer may carry
// (core.telegram.org/constructor/decryptedMessageLayer: messages with fewer are ignored).
const MinRandomBytes = 15

// ErrRandomBytes reports a decryptedMessageLayer with fewer than MinRandomBytes random bytes.
var ErrRandomBytes = errors.New("secretchat: random_bytes shorter than 15 bytes")

// EncodeLayer appends the TL bytes of m to dst, ready for Encrypt.
func EncodeLayer(dst []byte, m *e2e.DecryptedMessageLayer) ([]byte, error) {
	b := tl.Buffer{Buf: dst}
	if err := m.Encode(&b); err != nil {
		return dst, fmt.Errorf("secretchat: encode layer: %w", err)
	}
	return b.Buf, nil
}

// DecodeLayer decodes the bytes Decrypt returned. Trailing bytes are an error, and so is a
// layer with fewer than MinRandomBytes random bytes (ErrRandomBytes): the docs have such
// messages ignored.
func DecodeLayer(data []byte) (*e2e.DecryptedMessageLayer, error) {
	b := tl.Buffer{Buf: data}
	obj, err := e2e.DecodeObject(&b)
	if err != nil {
		return nil, fmt.Errorf("secretchat: decode layer: %w", err)
	}
	m, ok := obj.(*e2e.DecryptedMessageLayer)
	if !ok {
		return nil, fmt.Errorf("secretchat: decode layer: %w (%s)", ErrNotLayer, obj.TypeName())
	}
	if b.Len() != 0 {
		return nil, fmt.Errorf("secretchat: decode layer: %d trailing bytes", b.Len())
	}
	if len(m.RandomBytes) < MinRandomBytes {
		return nil, fmt.Errorf("secretchat: decode layer: %w (%d)", ErrRandomBytes, len(m.RandomBytes))
	}
	return m, nil
}

// MinLayer is the oldest layer a message is written in: decryptedMessage#91cc4674 (the only
// decryptedMessage tl/e2e has) and MTProto 2.0 encryption came with layer 73, so a peer that
// announced an older layer cannot read what this package makes.
const MinLayer = 73

// ErrLayer reports a message the peer's layer cannot carry: its media came in a later layer,
// or the peer's layer is older than MinLayer.
var ErrLayer = errors.New("secretchat: not in the peer's layer")

// SendLayer is the layer to write messages in, for a party that speaks ours (at most Layer)
// and a peer that has shown peer: the lower of the two, and MinLayer while the peer has shown
// none (peer <= 0). core.telegram.org/api/end-to-end ("Updating to new layers") has a client
// keep the highest layer the peer is known to support, starting at 46 when the chat is made;
// MinLayer is the oldest this package writes (tdlib starts at 73 too), so a peer on an older
// layer than ours is never sent what it cannot read before it told its own.
func SendLayer(ours, peer int32) int32 {
	if peer <= 0 {
		return min(MinLayer, ours)
	}
	return min(peer, ours)
}

// unpublished is Since's answer for the constructors no layer of the published end-to-end
// schema has: past every layer, so Fit always drops them.
const unpublished = math.MaxInt32

// since lists the constructors of tl/e2e that came after MinLayer, with the layer that brought
// them (core.telegram.org/type/MessageEntity, its end-to-end schema: underline, strike and
// blockquote 101, spoiler and custom emoji 144; tdlib's SecretChatLayer: SupportBigFiles 143),
// and the ones no published layer has (unpublished): mention names, phone numbers, cashtags
// and bank cards are in tl/e2e because tdlib's secret_api.tl copied them from the main API,
// and a peer reading the published schema cannot decode a message holding one (tdlib itself
// never sends them). The others are in every layer from MinLayer on.
var since = map[uint32]int32{
	e2e.MessageEntityUnderlineTypeID:        101,
	e2e.MessageEntityStrikeTypeID:           101,
	e2e.MessageEntityBlockquoteTypeID:       101,
	e2e.DecryptedMessageMediaDocumentTypeID: 143, // size:long; Fit writes decryptedMessageMediaDocument46 before
	e2e.MessageEntitySpoilerTypeID:          144,
	e2e.MessageEntityCustomEmojiTypeID:      144,
	e2e.MessageEntityMentionNameTypeID:      unpublished,
	e2e.MessageEntityPhoneTypeID:            unpublished,
	e2e.MessageEntityCashtagTypeID:          unpublished,
	e2e.MessageEntityBankCardTypeID:         unpublished,
}

// Since returns the layer that brought the tl/e2e constructor id: MinLayer for the ones every
// layer this package writes has, math.MaxInt32 for the ones no published layer has.
func Since(id uint32) int32 {
	if l, ok := since[id]; ok {
		return l
	}
	return MinLayer
}

// Fit makes msg fit layer, the layer it is about to be written in: the entities the layer
// lacks are dropped (the text stays, unformatted there), a document goes as the layer's own
// constructor (decryptedMessageMediaDocument46, size:int, before layer 143; a size past
// int32 is ErrLayer there), and other media the layer lacks is ErrLayer, as is a layer older
// than MinLayer. Service messages need no change: every action tl/e2e has is older than
// MinLayer.
func Fit(msg e2e.DecryptedMessageClass, layer int32) error {
	if layer < MinLayer {
		return fmt.Errorf("%w: the peer speaks layer %d, older than %d", ErrLayer, layer, MinLayer)
	}
	m, ok := msg.(*e2e.DecryptedMessage)
	if !ok {
		return nil
	}
	if d, ok := m.Media.(*e2e.DecryptedMessageMediaDocument); ok && layer < Since(d.TypeID()) {
		old, err := document46(d)
		if err != nil {
			return fmt.Errorf("%w: %w, the peer speaks %d", ErrLayer, err, layer)
		}
		m.Media = old
	}
	if m.Media != nil && Since(m.Media.TypeID()) > layer {
		return fmt.Errorf("%w: %s needs layer %d, the peer speaks %d", ErrLayer, m.Media.TypeName(), Since(m.Media.TypeID()), layer)
	}
	kept := m.Entities[:0]
	for _, e := range m.Entities {
		if e != nil && Since(e.TypeID()) <= layer {
			kept = append(kept, e)
		}
	}
	clear(m.Entities[len(kept):])
	m.Entities = kept
	return nil
}

// document46 is d written as layers 45 to 142 have it (size:int).
func document46(d *e2e.DecryptedMessageMediaDocument) (*e2e.DecryptedMessageMediaDocument46, error) {
	if d.Size != int64(int32(d.Size)) {
		return nil, fmt.Errorf("a document of %d bytes needs layer %d", d.Size, Since(d.TypeID()))
	}
	return &e2e.DecryptedMessageMediaDocument46{Thumb: d.Thumb, ThumbW: d.ThumbW, ThumbH: d.ThumbH, MimeType: d.MimeType,
		Size: int32(d.Size), Key: d.Key, Iv: d.Iv, Attributes: d.Attributes, Caption: d.Caption}, nil
}

// DocumentFrom46 is d, a document a peer wrote in a layer before 143, as the current
// constructor has it: the same fields, the size widened.
func DocumentFrom46(d *e2e.DecryptedMessageMediaDocument46) *e2e.DecryptedMessageMediaDocument {
	return &e2e.DecryptedMessageMediaDocument{Thumb: d.Thumb, ThumbW: d.ThumbW, ThumbH: d.ThumbH, MimeType: d.MimeType,
		Size: int64(d.Size), Key: d.Key, Iv: d.Iv, Attributes: d.Attributes, Caption: d.Caption}
}
