package mtgo

import (
	"context"
	"fmt"
	"io"
	"math"

	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/media"
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
// emoji and set, by short name: a set named by id, as Telegram's documents name it, is
// looked up with messages.getStickerSet for its short name, which lets the peer download the
// sticker (DownloadSecretExternal); an animation's size), else it goes with its file name. Of opts, Caption (the message's text), TTL, ReplyTo and GroupedID apply; the others
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
	if err := c.nameStickerSet(ctx, doc, md); err != nil {
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

// nameStickerSet writes the short name of the sticker set doc's sticker attribute names by
// id into md's sticker attribute: the secret layer names a set by short name only
// (inputStickerSetShortName), and without one the peer cannot find the document's file
// reference. A set Telegram does not know (STICKERSET_INVALID, or any other refusal) leaves
// the attribute without a set, as before, and is logged; only a cancelled ctx fails the send.
func (c *Client) nameStickerSet(ctx context.Context, doc types.Media, md *e2e.DecryptedMessageMediaExternalDocument) error {
	d := types.DocumentOf(doc)
	if d == nil || d.Raw == nil {
		return nil
	}
	var set *tg.InputStickerSetID
	for _, a := range d.Raw.Attributes {
		if s, ok := a.(*tg.DocumentAttributeSticker); ok {
			set, _ = s.Stickerset.(*tg.InputStickerSetID)
		}
	}
	if set == nil {
		return nil
	}
	res, err := c.api().MessagesGetStickerSet(ctx, &tg.MessagesGetStickerSetRequest{Stickerset: set})
	if ctx.Err() != nil {
		return ctx.Err()
	}
	full, ok := res.(*tg.MessagesStickerSet)
	if err != nil || !ok || full.Set.ShortName == "" {
		c.Log.Warn("secret sticker sent without its set: the set's short name is unknown", "set", set.ID, "err", err)
		return nil
	}
	for _, a := range md.Attributes {
		if s, ok := a.(*e2e.DocumentAttributeSticker); ok {
			s.Stickerset = &e2e.InputStickerSetShortName{ShortName: full.Set.ShortName}
		}
	}
	return nil
}

// DownloadSecretExternal downloads to w the document a peer sent by reference
// (SecretMessage.External: decryptedMessageMediaExternalDocument, what SendSecretSticker
// sends). The secret layer carries the document's id and access hash but no file reference,
// which upload.getFile needs; Telegram's apps find it by the sticker set the document's
// sticker attribute names by short name: messages.getStickerSet, then the document by id in
// the set. This does the same before the download and again whenever the reference expires
// during it (the download's refresher); the location, size and data center are the set's,
// not the peer's. A document that already has a file reference (doc.Raw.FileReference) is
// downloaded with it first. DownloadMedia, DownloadBytes, DownloadMediaToFile and
// StreamMedia do the same for a *types.SecretMessage and for its External.
// Errors: ErrSecretMedia when doc is not a document, or names no sticker set by short name
// (a GIF or another document: the layer gives no way to find its file reference), or by one
// Telegram could not give a set (not 1 to 64 letters, digits and underscores: not looked
// up), or its set does not hold it; the set's own errors (STICKERSET_INVALID) wrapped; the download's.
func (c *Client) DownloadSecretExternal(ctx context.Context, doc types.Media, w io.Writer, opts ...media.Option) (int64, error) {
	loc, opts, err := c.externalLocation(ctx, doc, opts)
	if err != nil {
		return 0, err
	}
	return c.Download(ctx, loc, w, opts...)
}

// externalLocation is the location DownloadSecretExternal downloads doc from, and opts with
// the refresher that finds the document in its set again first.
func (c *Client) externalLocation(ctx context.Context, doc types.Media, opts []media.Option) (media.Location, []media.Option, error) {
	d := types.DocumentOf(doc)
	if d == nil || d.Raw == nil {
		return media.Location{}, nil, fmt.Errorf("%w: %T is not a document a peer sent by reference", ErrSecretMedia, doc)
	}
	raw := d.Raw
	name := stickerSetName(raw.Attributes)
	resolve := func(ctx context.Context) (media.Location, error) {
		switch {
		case name == "":
			return media.Location{}, fmt.Errorf("%w: document %d has no file reference (a secret chat's external document) and names no sticker set, the only way to one", ErrSecretMedia, raw.ID)
		case !stickerSetNameValid(name):
			return media.Location{}, fmt.Errorf("%w: document %d names its sticker set by an invalid short name (%d bytes)", ErrSecretMedia, raw.ID, len(name))
		}
		fresh, err := c.stickerInSet(ctx, name, raw.ID)
		if err != nil {
			return media.Location{}, err
		}
		return media.DocumentLocation(fresh)
	}
	var loc media.Location
	var err error
	if len(raw.FileReference) > 0 {
		loc, err = media.DocumentLocation(raw)
	} else {
		loc, err = resolve(ctx)
	}
	if err != nil {
		return media.Location{}, nil, err
	}
	refresh := media.WithRefresher(func(ctx context.Context, _ tg.InputFileLocationClass) (tg.InputFileLocationClass, error) {
		loc, err := resolve(ctx)
		return loc.Input, err
	})
	return loc, append([]media.Option{refresh}, opts...), nil
}

// errEncryptedDownload is the download methods' answer for a secret chat's encrypted file.
var errEncryptedDownload = fmt.Errorf("%w: a secret chat's encrypted file: DecryptSecretFile downloads and decrypts it", ErrMediaArgument)

// secretLocation is the location the download methods (DownloadMedia, DownloadBytes, ...)
// find for what a secret chat delivers, and ok: a *types.SecretMessage or its External (a
// document without a file reference: DownloadSecretExternal's way to it), and a clear error
// for an encrypted file (DecryptSecretFile's) or a message without either. ok is false for
// anything else, left to the other cases.
func (c *Client) secretLocation(ctx context.Context, m any, opts []media.Option) (loc media.Location, _ []media.Option, ok bool, err error) {
	switch m := m.(type) {
	case *types.SecretMessage:
		switch {
		case m == nil:
			return loc, nil, true, ErrContextNoMessage
		case m.External != nil:
			loc, opts, err = c.externalLocation(ctx, m.External, opts)
			return loc, opts, true, err
		case m.File != nil:
			return loc, nil, true, errEncryptedDownload
		}
		return loc, nil, true, fmt.Errorf("%w: secret message %d", ErrContextNoMedia, m.RandomID)
	case *types.SecretFile:
		return loc, nil, true, errEncryptedDownload
	case types.Media:
		if d := types.DocumentOf(m); d != nil && d.Raw != nil && len(d.Raw.FileReference) == 0 {
			loc, opts, err = c.externalLocation(ctx, m, opts)
			return loc, opts, true, err
		}
	}
	return loc, opts, false, nil
}

// stickerSetName is the short name of the set a document's sticker attribute names, "" when
// none names one by short name.
func stickerSetName(attrs []tg.DocumentAttributeClass) string {
	for _, a := range attrs {
		if s, ok := a.(*tg.DocumentAttributeSticker); ok {
			if n, ok := s.Stickerset.(*tg.InputStickerSetShortName); ok {
				return n.ShortName
			}
		}
	}
	return ""
}

// maxStickerSetName is the longest short name Telegram gives a sticker set.
const maxStickerSetName = 64

// stickerSetNameValid reports a short name Telegram could give a set: 1 to
// maxStickerSetName ASCII letters, digits and underscores. A peer names the set: anything
// else is not sent to Telegram, nor repeated in errors.
func stickerSetNameValid(name string) bool {
	if name == "" || len(name) > maxStickerSetName {
		return false
	}
	for i := range len(name) {
		if c := name[i]; !('a' <= c|0x20 && c|0x20 <= 'z') && !('0' <= c && c <= '9') && c != '_' {
			return false
		}
	}
	return true
}

// stickerInSet fetches sticker set name (messages.getStickerSet) and returns its document id,
// with the file reference the answer carries.
func (c *Client) stickerInSet(ctx context.Context, name string, id int64) (*tg.Document, error) {
	res, err := c.api().MessagesGetStickerSet(ctx, &tg.MessagesGetStickerSetRequest{Stickerset: &tg.InputStickerSetShortName{ShortName: name}})
	if err != nil {
		return nil, fmt.Errorf("mtgo: sticker set %q: %w", name, err)
	}
	set, ok := res.(*tg.MessagesStickerSet)
	if !ok {
		return nil, fmt.Errorf("mtgo: sticker set %q: unexpected %T", name, res)
	}
	for _, dc := range set.Documents {
		if d, ok := dc.(*tg.Document); ok && d.ID == id {
			return d, nil
		}
	}
	return nil, fmt.Errorf("%w: sticker set %q does not hold document %d", ErrSecretMedia, name, id)
}
