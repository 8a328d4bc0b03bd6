package mtgo

import (
	"context"
	"fmt"
	"math"

	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl/e2e"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// secretExternalThumb is the thumbnail an external document carries: none, as Telegram's
// clients send stickers (the peer fetches the document's own thumbnails by its id).
const secretExternalThumb = "t"

// SendSecretSticker sends a document Telegram's servers already hold (a sticker, a GIF or
// any other document: what a received message's Media or a SecretMessage's External holds)
// to a ready chat by reference (decryptedMessageMediaExternalDocument: its id, access hash,
// data center, MIME type, size and attributes; nothing is uploaded) and returns the
// message's random_id. doc is a *types.Sticker, *types.Animation, *types.Document or
// another document kind; its Raw document, when set, gives the attributes (a sticker's
// emoji and set, by short name only; an animation's size), else it goes with its file
// name. Of opts, Caption (the message's text), TTL, ReplyTo and GroupedID apply; the others
// describe uploads. A document without a file, or of 2 GiB or more (the layer's size is 32
// bits), is ErrSecretMedia.
func (c *Client) SendSecretSticker(ctx context.Context, chatID int32, doc types.Media, opts *SecretFileOptions) (int64, error) {
	if opts == nil {
		opts = &SecretFileOptions{}
	}
	md, err := secretExternal(doc)
	if err != nil {
		return 0, err
	}
	msg, err := opts.message(md)
	if err != nil {
		return 0, err
	}
	if _, err := c.secrets().send(ctx, chatID, msg.RandomID, msg, nil); err != nil {
		return 0, err
	}
	return msg.RandomID, nil
}

// secretExternal describes the document m as an external document, checked as the peer will
// check it; other media is ErrSecretMedia naming its type.
func secretExternal(m types.Media) (*e2e.DecryptedMessageMediaExternalDocument, error) {
	doc := types.DocumentOf(m)
	switch {
	case m == nil:
		return nil, fmt.Errorf("%w: no media", ErrSecretMedia)
	case doc == nil:
		return nil, fmt.Errorf("%w: a %T is not a document (SendSecretFile sends photos, SendSecretLocation places)", ErrSecretMedia, m)
	}
	d := doc.Raw
	if d == nil {
		loc, ok := doc.FileLocation()
		if !ok {
			return nil, fmt.Errorf("%w: the document has no file", ErrSecretMedia)
		}
		d = &tg.Document{ID: loc.ID, AccessHash: loc.AccessHash, DCID: int32(loc.DC), MimeType: doc.MimeType, Size: doc.FileSize}
		if !doc.Date.IsZero() {
			d.Date = wire32(doc.Date.Unix())
		}
		if doc.FileName != "" {
			d.Attributes = []tg.DocumentAttributeClass{&tg.DocumentAttributeFilename{FileName: doc.FileName}}
		}
	}
	if d.Size > math.MaxInt32 {
		return nil, fmt.Errorf("%w: a document of %d bytes, over the secret layer's 32 bits", ErrSecretMedia, d.Size)
	}
	md := &e2e.DecryptedMessageMediaExternalDocument{
		ID: d.ID, AccessHash: d.AccessHash, Date: d.Date, MimeType: d.MimeType, Size: int32(d.Size),
		Thumb: &e2e.PhotoSizeEmpty{Type: secretExternalThumb}, DCID: d.DCID,
		Attributes: convertAll(d.Attributes, secretAttribute),
	}
	if _, err := plainDocument(md); err != nil {
		return nil, err
	}
	return md, nil
}

// plainDocument is the document a peer's external document names, in the main API's form (no
// file reference: the secret layer has none). The peer wrote every field: a negative size, a
// data center below 1, and numbers out of describeSecretMedia's bounds in any attribute or the
// thumbnail are ErrSecretMedia. Each attribute is checked on its own (checkAttributes), not
// only the ones describeSecretMedia's summary keeps: the typed media reads the last of each
// kind, and Raw keeps them all.
func plainDocument(d *e2e.DecryptedMessageMediaExternalDocument) (*tg.Document, error) {
	if err := checkAttributes(d.Attributes); err != nil {
		return nil, err
	}
	var sf types.SecretFile
	sh := secretMediaShape{size: int64(d.Size)}
	documentAttributes(&sf, &sh, d.Attributes)
	doc := &tg.Document{ID: d.ID, AccessHash: d.AccessHash, Date: d.Date, MimeType: d.MimeType, Size: int64(d.Size), DCID: d.DCID,
		Attributes: convertAll(d.Attributes, plainAttribute)}
	switch t := d.Thumb.(type) {
	case *e2e.PhotoSize:
		if err := (secretMediaShape{size: int64(t.Size), w: int64(t.W), h: int64(t.H)}).check(); err != nil {
			return nil, fmt.Errorf("thumbnail: %w", err)
		}
		doc.Thumbs = []tg.PhotoSizeClass{&tg.PhotoSize{Type: t.Type, W: t.W, H: t.H, Size: t.Size}}
	case *e2e.PhotoCachedSize:
		sh.thumb, sh.thumbW, sh.thumbH = t.Bytes, t.W, t.H
		doc.Thumbs = []tg.PhotoSizeClass{&tg.PhotoCachedSize{Type: t.Type, W: t.W, H: t.H, Bytes: t.Bytes}}
	}
	if err := sh.checkFile(&sf); err != nil {
		return nil, err
	}
	if d.DCID < 1 {
		return nil, fmt.Errorf("%w: data center %d", ErrSecretMedia, d.DCID)
	}
	return doc, nil
}

// checkAttributes checks the numbers of each of a peer's document attributes on its own:
// sizes and durations not negative, dimensions at most maxSecretDimension, a waveform at most
// maxSecretWaveform bytes.
func checkAttributes(attrs []e2e.DocumentAttributeClass) error {
	for _, a := range attrs {
		var (
			sh       secretMediaShape
			waveform []byte
		)
		switch a := a.(type) {
		case *e2e.DocumentAttributeImageSize:
			sh.w, sh.h = int64(a.W), int64(a.H)
		case *e2e.DocumentAttributeVideo:
			sh.w, sh.h, sh.duration = int64(a.W), int64(a.H), int64(a.Duration)
		case *e2e.DocumentAttributeAudio:
			sh.duration, waveform = int64(a.Duration), a.Waveform.Value
		}
		if err := sh.checkFile(&types.SecretFile{Waveform: waveform}); err != nil {
			return fmt.Errorf("%s: %w", a.TypeName(), err)
		}
	}
	return nil
}

// secretLinkedOf types the external document or web page a peer sent into sm (other media
// leave it as it is); an external document failing plainDocument's checks is not typed.
func secretLinkedOf(sm *types.SecretMessage, md e2e.DecryptedMessageMediaClass) error {
	switch d := md.(type) {
	case *e2e.DecryptedMessageMediaExternalDocument:
		doc, err := plainDocument(d)
		if err != nil {
			return err
		}
		sm.External = types.NewDocumentMedia(doc)
	case *e2e.DecryptedMessageMediaWebPage:
		sm.WebPage = &types.WebPage{URL: d.URL}
	}
	return nil
}
