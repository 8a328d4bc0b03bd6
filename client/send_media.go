package mtgo

import (
	"context"
	"errors"
	"fmt"
	"mime"
	"os"
	"path/filepath"

	"github.com/mtgo-labs/mtgo/client/option"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

var (
	// ErrMediaKind reports a media kind that cannot be uploaded (only photo, video, video
	// note, animation, audio, voice, sticker and document can).
	ErrMediaKind = errors.New("mtgo: media kind cannot be uploaded")
	// ErrMediaArgument reports a media argument of a type the sending methods do not take.
	ErrMediaArgument = errors.New("mtgo: unsupported media argument")
	// ErrMediaNoCaption reports a caption given for a kind that has none (sticker, video note).
	ErrMediaNoCaption = errors.New("mtgo: media kind takes no caption")
)

// mediaSpec is how one kind of media is uploaded: as a photo, or as a document with a MIME
// type (used when the file name's extension tells none) and the attributes that make it that kind.
type mediaSpec struct {
	photo     bool
	mime      string
	attrs     func() []tg.DocumentAttributeClass
	nosound   bool // an animation: a silent video
	forceFile bool // a plain document, never shown as a photo or video
	noCaption bool
}

// mediaSpecs is the one table of uploadable kinds.
var mediaSpecs = map[types.MediaKind]mediaSpec{
	types.KindPhoto:    {photo: true},
	types.KindDocument: {mime: "application/octet-stream", forceFile: true},
	types.KindVideo: {mime: "video/mp4", attrs: func() []tg.DocumentAttributeClass {
		return []tg.DocumentAttributeClass{&tg.DocumentAttributeVideo{SupportsStreaming: true}}
	}},
	types.KindAnimation: {mime: "video/mp4", nosound: true, attrs: func() []tg.DocumentAttributeClass {
		return []tg.DocumentAttributeClass{&tg.DocumentAttributeAnimated{}, &tg.DocumentAttributeVideo{}}
	}},
	types.KindAudio: {mime: "audio/mpeg", attrs: func() []tg.DocumentAttributeClass {
		return []tg.DocumentAttributeClass{&tg.DocumentAttributeAudio{}}
	}},
	types.KindVoice: {mime: "audio/ogg", attrs: func() []tg.DocumentAttributeClass {
		return []tg.DocumentAttributeClass{&tg.DocumentAttributeAudio{Voice: true}}
	}},
	types.KindSticker: {mime: "image/webp", noCaption: true, attrs: func() []tg.DocumentAttributeClass {
		return []tg.DocumentAttributeClass{&tg.DocumentAttributeSticker{Stickerset: &tg.InputStickerSetEmpty{}}}
	}},
	types.KindVideoNote: {mime: "video/mp4", noCaption: true, attrs: func() []tg.DocumentAttributeClass {
		return []tg.DocumentAttributeClass{&tg.DocumentAttributeVideo{RoundMessage: true}}
	}},
}

// uploadedMedia returns the input media that sends the uploaded file f under name as kind.
func uploadedMedia(kind types.MediaKind, f tg.InputFileClass, name string) (tg.InputMediaClass, error) {
	spec, ok := mediaSpecs[kind]
	if !ok {
		return nil, fmt.Errorf("%w: %v", ErrMediaKind, kind)
	}
	if spec.photo {
		return &tg.InputMediaUploadedPhoto{File: f}, nil
	}
	attrs := []tg.DocumentAttributeClass{}
	if spec.attrs != nil {
		attrs = spec.attrs()
	}
	mimeType := spec.mime
	if name != "" {
		attrs = append(attrs, &tg.DocumentAttributeFilename{FileName: name})
		if t := mime.TypeByExtension(filepath.Ext(name)); t != "" {
			mimeType = t
		}
	}
	return &tg.InputMediaUploadedDocument{
		File: f, MimeType: mimeType, Attributes: attrs, NosoundVideo: spec.nosound, ForceFile: spec.forceFile,
	}, nil
}

// inputMedia turns a media argument into input media of kind: a local path or a
// types.InputFile is uploaded; an uploaded tg.InputFileClass is used as it is; a
// tg.InputMediaClass is sent as it is; a message, its media or a types.MediaFile is resent
// by reference.
func (c *Client) inputMedia(ctx context.Context, kind types.MediaKind, m any) (tg.InputMediaClass, error) {
	switch v := m.(type) {
	case tg.InputMediaClass:
		return v, nil
	case tg.MessageMediaClass:
		return inputMediaOf(v)
	case *types.Message:
		if v == nil || v.Media == nil {
			return nil, ErrContextNoMedia
		}
		return inputMediaOf(v.Media)
	case types.MediaFile:
		return c.inputMedia(ctx, v.Kind, v.File)
	case tg.InputFileClass:
		return uploadedMedia(kind, v, inputFileName(v))
	case types.InputFile:
		return c.uploadMedia(ctx, kind, v)
	case *types.InputFile:
		if v == nil {
			break
		}
		return c.uploadMedia(ctx, kind, *v)
	case string:
		f, err := os.Open(v)
		if err != nil {
			return nil, fmt.Errorf("mtgo: media file: %w", err)
		}
		defer func() { _ = f.Close() }()
		st, err := f.Stat()
		if err != nil {
			return nil, fmt.Errorf("mtgo: media file: %w", err)
		}
		return c.uploadMedia(ctx, kind, types.InputFile{Reader: f, Name: filepath.Base(v), Size: st.Size()})
	}
	return nil, fmt.Errorf("%w: %T", ErrMediaArgument, m)
}

// uploadMedia uploads f and returns the input media that sends it as kind.
func (c *Client) uploadMedia(ctx context.Context, kind types.MediaKind, f types.InputFile) (tg.InputMediaClass, error) {
	if _, ok := mediaSpecs[kind]; !ok { // before the upload, which would be wasted
		return nil, fmt.Errorf("%w: %v", ErrMediaKind, kind)
	}
	if f.Reader == nil {
		return nil, fmt.Errorf("%w: InputFile without a reader", ErrMediaArgument)
	}
	size := f.Size
	if size <= 0 {
		size = -1
	}
	in, err := c.Upload(ctx, f.Reader, size, f.Name)
	if err != nil {
		return nil, fmt.Errorf("mtgo: upload %v: %w", kind, err)
	}
	return uploadedMedia(kind, in, f.Name)
}

// inputFileName returns the name an uploaded file was given.
func inputFileName(f tg.InputFileClass) string {
	switch f := f.(type) {
	case *tg.InputFile:
		return f.Name
	case *tg.InputFileBig:
		return f.Name
	}
	return ""
}

// SendMedia sends media of kind to chat (anything ResolvePeer accepts) and returns the sent
// message; SendPhoto, SendDocument and the other named methods call it with their kind. media
// is a local file path, a types.InputFile (a reader with a name), an uploaded
// tg.InputFileClass, a tg.InputMediaClass sent as it is, or a message or its media to send
// again by reference. WithCaption gives the caption, read with the parse mode like a text;
// every other SendOption applies as for SendMessage.
func (c *Client) SendMedia(ctx context.Context, chat any, kind types.MediaKind, media any, opts ...SendOption) (*types.Message, error) {
	p := option.CollectSend(opts)
	if spec := mediaSpecs[kind]; spec.noCaption && p.CaptionSet {
		return nil, fmt.Errorf("%w: %v", ErrMediaNoCaption, kind)
	}
	ip, err := c.ResolvePeer(ctx, chat)
	if err != nil {
		return nil, err
	}
	caption, ents, err := c.messageText(ctx, p.Caption, p.Text)
	if err != nil {
		return nil, err
	}
	out, err := c.resolveSend(ctx, p)
	if err != nil {
		return nil, err
	}
	in, err := c.inputMedia(ctx, kind, media)
	if err != nil {
		return nil, err
	}
	req := &tg.MessagesSendMediaRequest{Peer: ip, Media: in, Message: caption, Entities: ents, RandomID: randomID()}
	out.toMedia(req)
	return c.postSend(ctx, kind.String(), out, req, req.RandomID, ip, caption, ents)
}

// SendPhoto sends a photo; see SendMedia for what photo may be.
func (c *Client) SendPhoto(ctx context.Context, chat, photo any, opts ...SendOption) (*types.Message, error) {
	return c.SendMedia(ctx, chat, types.KindPhoto, photo, opts...)
}

// SendDocument sends a file as a plain document; see SendMedia.
func (c *Client) SendDocument(ctx context.Context, chat, document any, opts ...SendOption) (*types.Message, error) {
	return c.SendMedia(ctx, chat, types.KindDocument, document, opts...)
}

// SendVideo sends a video (streamable); see SendMedia.
func (c *Client) SendVideo(ctx context.Context, chat, video any, opts ...SendOption) (*types.Message, error) {
	return c.SendMedia(ctx, chat, types.KindVideo, video, opts...)
}

// SendAudio sends a music file; see SendMedia.
func (c *Client) SendAudio(ctx context.Context, chat, audio any, opts ...SendOption) (*types.Message, error) {
	return c.SendMedia(ctx, chat, types.KindAudio, audio, opts...)
}

// SendVoice sends a voice message (OGG/Opus); see SendMedia.
func (c *Client) SendVoice(ctx context.Context, chat, voice any, opts ...SendOption) (*types.Message, error) {
	return c.SendMedia(ctx, chat, types.KindVoice, voice, opts...)
}

// SendAnimation sends an animation (a silent MP4 shown as a GIF); see SendMedia.
func (c *Client) SendAnimation(ctx context.Context, chat, animation any, opts ...SendOption) (*types.Message, error) {
	return c.SendMedia(ctx, chat, types.KindAnimation, animation, opts...)
}

// SendSticker sends a sticker (WEBP); it takes no caption. See SendMedia.
func (c *Client) SendSticker(ctx context.Context, chat, sticker any, opts ...SendOption) (*types.Message, error) {
	return c.SendMedia(ctx, chat, types.KindSticker, sticker, opts...)
}

// SendVideoNote sends a round video message; it takes no caption. See SendMedia.
func (c *Client) SendVideoNote(ctx context.Context, chat, videoNote any, opts ...SendOption) (*types.Message, error) {
	return c.SendMedia(ctx, chat, types.KindVideoNote, videoNote, opts...)
}

// EditMessageMedia replaces the media of message messageID in chat and returns the edited
// message. media is what SendMedia takes; a file (path, types.InputFile, uploaded
// tg.InputFileClass) is sent as a document unless wrapped in a types.MediaFile naming its
// kind. The caption stays; the EditOptions apply as for EditMessageText.
func (c *Client) EditMessageMedia(ctx context.Context, chat any, messageID int, media any, opts ...EditOption) (*types.Message, error) {
	in, err := c.inputMedia(ctx, types.KindDocument, media)
	if err != nil {
		return nil, err
	}
	return c.editMessage(ctx, chat, messageID, nil, nil, in, opts)
}

// EditInlineMessageMedia replaces the media of an inline message, like EditMessageMedia (a bare
// file is a document unless wrapped in a types.MediaFile). A file is first uploaded with
// messages.uploadMedia, since an inline message takes media only by reference; the
// EditOptions' reply markup and media position apply.
func (c *Client) EditInlineMessageMedia(ctx context.Context, inlineMessageID string, media any, opts ...EditOption) error {
	id, err := types.ParseInlineMessageID(inlineMessageID)
	if err != nil {
		return err
	}
	return c.editInlineMedia(ctx, id, media, opts)
}

func (c *Client) editInlineMedia(ctx context.Context, id tg.InputBotInlineMessageIDClass, media any, opts []EditOption) error {
	in, err := c.inputMedia(ctx, types.KindDocument, media)
	if err != nil {
		return err
	}
	switch in.(type) {
	case *tg.InputMediaUploadedPhoto, *tg.InputMediaUploadedDocument:
		var res tg.MessageMediaClassBox
		if err := c.call(ctx, &tg.MessagesUploadMediaRequest{Peer: &tg.InputPeerSelf{}, Media: in}, &res); err != nil {
			return fmt.Errorf("mtgo: upload inline media: %w", err)
		}
		if in, err = inputMediaOf(res.MessageMedia); err != nil {
			return err
		}
	}
	p := option.CollectEdit(opts)
	rm, err := c.replyMarkup(ctx, p.ReplyMarkup)
	if err != nil {
		return err
	}
	return c.sendInlineEdit(ctx, &tg.MessagesEditInlineBotMessageRequest{
		ID: id, Media: in, ReplyMarkup: rm, InvertMedia: p.InvertMedia,
	})
}
