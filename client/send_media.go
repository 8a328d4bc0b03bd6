package mtgo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"mime"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mtgo-labs/mtgo/client/internal/wirenum"
	"github.com/mtgo-labs/mtgo/client/option"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/media"
	"github.com/mtgo-labs/mtgo/media/fileid"
	"github.com/mtgo-labs/mtgo/tl"
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
	// ErrMediaNoSize reports an io.Reader given as media that cannot tell its size.
	ErrMediaNoSize = errors.New("mtgo: media reader of unknown size")
	// ErrMediaURL reports a media URL that is not an absolute http or https URL.
	ErrMediaURL = errors.New("mtgo: bad media URL")
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
	return uploadedMediaWith(kind, f, name, option.Media{}, nil)
}

// uploadedMediaWith is uploadedMedia with the attributes of mo and an uploaded thumbnail
// (nil for none).
func uploadedMediaWith(kind types.MediaKind, f tg.InputFileClass, name string, mo option.Media, thumb tg.InputFileClass) (tg.InputMediaClass, error) {
	spec, ok := mediaSpecs[kind]
	if !ok {
		return nil, fmt.Errorf("%w: %v", ErrMediaKind, kind)
	}
	if spec.photo {
		return withMediaFlags(&tg.InputMediaUploadedPhoto{File: f}, mo)
	}
	attrs := []tg.DocumentAttributeClass{}
	if spec.attrs != nil {
		attrs = spec.attrs()
	}
	if err := setAttributes(attrs, mo); err != nil {
		return nil, err
	}
	if mo.FileName != "" {
		name = mo.FileName
	}
	mimeType := spec.mime
	if name != "" {
		attrs = append(attrs, &tg.DocumentAttributeFilename{FileName: name})
		if t := mime.TypeByExtension(filepath.Ext(name)); t != "" {
			mimeType = t
		}
	}
	if mo.MimeType != "" {
		mimeType = mo.MimeType
	}
	return withMediaFlags(&tg.InputMediaUploadedDocument{
		File: f, Thumb: thumb, MimeType: mimeType, Attributes: attrs, NosoundVideo: spec.nosound, ForceFile: spec.forceFile,
	}, mo)
}

// setAttributes writes mo's duration, dimensions, performer and title into the video and
// audio attributes of attrs: ErrOutOfRange for a negative duration or size, or one past
// 2^31-1 (seconds for the duration, which an audio carries rounded down).
func setAttributes(attrs []tg.DocumentAttributeClass, mo option.Media) error {
	secs, err := wirenum.Seconds("duration", mo.Duration, 0, math.MaxInt32)
	if err != nil {
		return err
	}
	for _, a := range attrs {
		switch a := a.(type) {
		case *tg.DocumentAttributeVideo:
			w, err := wirenum.Int("width", mo.Width, 0, math.MaxInt32)
			if err != nil {
				return err
			}
			h, err := wirenum.Int("height", mo.Height, 0, math.MaxInt32)
			if err != nil {
				return err
			}
			a.Duration, a.W, a.H = mo.Duration.Seconds(), w, h
		case *tg.DocumentAttributeAudio:
			a.Duration = secs
			if mo.Title != "" {
				a.Title = tl.Some(mo.Title)
			}
			if mo.Performer != "" {
				a.Performer = tl.Some(mo.Performer)
			}
		}
	}
	return nil
}

// withMediaFlags sets mo's spoiler and self-destruct timer on the photo and document kinds
// of input media; other media are returned as they are. The timer is in whole seconds,
// rounded down but at least 1; ErrOutOfRange past 2^31-1 seconds.
func withMediaFlags(in tg.InputMediaClass, mo option.Media) (tg.InputMediaClass, error) {
	var ttl tl.Opt[int32]
	if mo.TTL > 0 {
		secs, err := wirenum.Seconds("self-destruct timer", max(mo.TTL, time.Second), 1, math.MaxInt32)
		if err != nil {
			return nil, err
		}
		ttl = tl.Some(secs)
	}
	switch m := in.(type) {
	case *tg.InputMediaUploadedPhoto:
		m.Spoiler, m.TTLSeconds = m.Spoiler || mo.Spoiler, orOpt(m.TTLSeconds, ttl)
	case *tg.InputMediaUploadedDocument:
		m.Spoiler, m.TTLSeconds = m.Spoiler || mo.Spoiler, orOpt(m.TTLSeconds, ttl)
	case *tg.InputMediaPhoto:
		m.Spoiler, m.TTLSeconds = m.Spoiler || mo.Spoiler, orOpt(m.TTLSeconds, ttl)
	case *tg.InputMediaDocument:
		m.Spoiler, m.TTLSeconds = m.Spoiler || mo.Spoiler, orOpt(m.TTLSeconds, ttl)
	case *tg.InputMediaPhotoExternal:
		m.Spoiler, m.TTLSeconds = m.Spoiler || mo.Spoiler, orOpt(m.TTLSeconds, ttl)
	case *tg.InputMediaDocumentExternal:
		m.Spoiler, m.TTLSeconds = m.Spoiler || mo.Spoiler, orOpt(m.TTLSeconds, ttl)
	}
	return in, nil
}

// orOpt returns a when it is set, else b.
func orOpt[T any](a, b tl.Opt[T]) tl.Opt[T] {
	if a.Set {
		return a
	}
	return b
}

// inputMedia turns a media argument into input media of kind, with no media options; see
// mediaOf.
func (c *Client) inputMedia(ctx context.Context, kind types.MediaKind, m any) (tg.InputMediaClass, error) {
	return c.mediaOf(ctx, kind, m, option.Media{})
}

// mediaOf turns a media argument into input media of kind, with the attributes of mo: a
// local file (path, bytes, types.InputFile, an io.Reader that knows its size) is uploaded; an
// uploaded tg.InputFileClass is used as it is; an http(s) URL is sent for Telegram to fetch;
// a types.FileID (or a string that names no file but decodes as a file id), a message or its
// media is sent again by reference; a tg.InputMediaClass is sent as it is.
func (c *Client) mediaOf(ctx context.Context, kind types.MediaKind, m any, mo option.Media) (tg.InputMediaClass, error) {
	switch v := m.(type) {
	case nil:
		return nil, fmt.Errorf("%w: nil", ErrMediaArgument)
	case tg.InputMediaClass:
		return v, nil
	case tg.MessageMediaClass:
		in, err := inputMediaOf(v)
		if err != nil {
			return nil, err
		}
		return withMediaFlags(in, mo)
	case *types.Message:
		var md tg.MessageMediaClass
		if v != nil {
			if raw, ok := v.Raw().(*tg.Message); ok && raw != nil {
				md = raw.Media
			}
		}
		if md == nil {
			return nil, ErrContextNoMedia
		}
		return c.mediaOf(ctx, kind, md, mo)
	case types.MediaFile:
		return c.mediaOf(ctx, v.Kind, v.File, mo)
	case types.FileID:
		return fileIDMedia(string(v), mo)
	case string:
		if isURL(v) {
			return urlMedia(kind, v, mo)
		}
		if _, err := os.Stat(v); errors.Is(err, fs.ErrNotExist) {
			if in, err := fileIDMedia(v, mo); err == nil { // not a file, but a file id
				return in, nil
			}
		}
	}
	if _, ok := mediaSpecs[kind]; !ok { // before the upload, which would be wasted
		return nil, fmt.Errorf("%w: %v", ErrMediaKind, kind)
	}
	f, name, err := c.uploadArg(ctx, kind, m, mo.Progress)
	if err != nil {
		return nil, err
	}
	var thumb tg.InputFileClass
	if mo.Thumbnail != nil && kind != types.KindPhoto {
		if thumb, _, err = c.uploadArg(ctx, types.KindPhoto, mo.Thumbnail, nil); err != nil {
			return nil, fmt.Errorf("mtgo: thumbnail: %w", err)
		}
	}
	return uploadedMediaWith(kind, f, name, mo, thumb)
}

// uploadArg uploads a file argument (path, bytes, types.InputFile, a sized io.Reader) or
// returns an uploaded tg.InputFileClass as it is, with the file's name; progress (unless the
// InputFile has its own) follows the upload.
func (c *Client) uploadArg(ctx context.Context, kind types.MediaKind, m any, progress func(done, total int64)) (tg.InputFileClass, string, error) {
	var f types.InputFile
	switch v := m.(type) {
	case tg.InputFileClass:
		return v, inputFileName(v), nil
	case types.InputFile:
		f = v
	case *types.InputFile:
		if v == nil {
			return nil, "", fmt.Errorf("%w: nil *types.InputFile", ErrMediaArgument)
		}
		f = *v
	case []byte:
		f = types.InputFile{Reader: bytes.NewReader(v), Name: defaultFileName(kind), Size: int64(len(v))}
	case string:
		file, err := os.Open(v)
		if err != nil {
			return nil, "", fmt.Errorf("mtgo: media file: %w", err)
		}
		defer func() { _ = file.Close() }()
		st, err := file.Stat()
		if err != nil {
			return nil, "", fmt.Errorf("mtgo: media file: %w", err)
		}
		f = types.InputFile{Reader: file, Name: filepath.Base(v), Size: st.Size()}
	case io.Reader:
		size, ok := readerSize(v)
		if !ok {
			return nil, "", fmt.Errorf("%w: %T does not tell its size; wrap it in types.InputFile with Size (or Size 0 to read to EOF)", ErrMediaNoSize, v)
		}
		f = types.InputFile{Reader: v, Name: defaultFileName(kind), Size: size}
	default:
		return nil, "", fmt.Errorf("%w: %T", ErrMediaArgument, m)
	}
	if f.Reader == nil {
		return nil, "", fmt.Errorf("%w: InputFile without a reader", ErrMediaArgument)
	}
	size := f.Size
	if size <= 0 {
		size = -1
	}
	if f.Progress != nil {
		progress = f.Progress
	}
	var opts []media.Option
	if progress != nil {
		opts = append(opts, media.WithProgress(func(p media.Progress) { progress(p.Done, p.Total) }))
	}
	in, err := c.Upload(ctx, f.Reader, size, f.Name, opts...)
	if err != nil {
		return nil, "", fmt.Errorf("mtgo: upload %v: %w", kind, err)
	}
	return in, f.Name, nil
}

// readerSize returns the bytes left in r when r can tell (bytes and strings readers, files).
func readerSize(r io.Reader) (int64, bool) {
	switch r := r.(type) {
	case interface{ Len() int }:
		return int64(r.Len()), true
	case interface{ Stat() (fs.FileInfo, error) }:
		st, err := r.Stat()
		if err != nil || !st.Mode().IsRegular() {
			return 0, false
		}
		size := st.Size()
		if sk, ok := r.(io.Seeker); ok {
			if pos, err := sk.Seek(0, io.SeekCurrent); err == nil {
				size -= pos
			}
		}
		return size, true
	}
	return 0, false
}

// defaultFileName names a file given as bytes or a reader after its kind.
func defaultFileName(kind types.MediaKind) string {
	switch kind {
	case types.KindPhoto:
		return "photo.jpg"
	case types.KindVideo, types.KindAnimation, types.KindVideoNote:
		return "video.mp4"
	case types.KindAudio:
		return "audio.mp3"
	case types.KindVoice:
		return "voice.ogg"
	case types.KindSticker:
		return "sticker.webp"
	}
	return "file"
}

// isURL reports whether a string media argument is meant as a URL (it has a scheme) rather
// than a local path.
func isURL(s string) bool {
	return strings.Contains(s, "://")
}

// urlMedia returns the media that has Telegram fetch raw: a photo for KindPhoto, a document
// (whose kind Telegram infers) otherwise. Only absolute http and https URLs are taken.
func urlMedia(kind types.MediaKind, raw string, mo option.Media) (tg.InputMediaClass, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMediaURL, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%w: want an http or https URL with a host, got scheme %q host %q", ErrMediaURL, u.Scheme, u.Host)
	}
	if kind == types.KindPhoto {
		return withMediaFlags(&tg.InputMediaPhotoExternal{URL: raw}, mo)
	}
	return withMediaFlags(&tg.InputMediaDocumentExternal{URL: raw}, mo)
}

// fileIDMedia returns the media that sends the file a Bot API file id names.
func fileIDMedia(id string, mo option.Media) (tg.InputMediaClass, error) {
	loc, err := fileid.Decode(id)
	if err != nil {
		return nil, fmt.Errorf("mtgo: file id: %w", err)
	}
	in, err := loc.InputMedia()
	if err != nil {
		return nil, fmt.Errorf("mtgo: file id: %w", err)
	}
	return withMediaFlags(in, mo)
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
	return c.sendMedia(ctx, chat, kind.String(), p, func() (tg.InputMediaClass, error) {
		return c.mediaOf(ctx, kind, media, p.Media)
	})
}

// sendMedia sends the media that media builds (called once the chat and the options are
// resolved, so a bad chat costs no upload) to chat with p's caption and options
// (messages.sendMedia); what names the send in errors.
func (c *Client) sendMedia(ctx context.Context, chat any, what string, p option.SendParams, media func() (tg.InputMediaClass, error)) (*types.Message, error) {
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
	in, err := media()
	if err != nil {
		return nil, err
	}
	req := &tg.MessagesSendMediaRequest{Peer: ip, Media: in, Message: caption, Entities: ents, RandomID: randomID()}
	out.toMedia(req)
	return c.postSend(ctx, what, out, req, req.RandomID, ip, caption, ents)
}

// SendCachedMedia sends again the file a Bot API file id names (the FileID of received
// media, or an id from a bot written with another library), without uploading it; its kind
// is the stored file's. The SendOptions apply as for SendMedia.
func (c *Client) SendCachedMedia(ctx context.Context, chat any, fileID string, opts ...SendOption) (*types.Message, error) {
	p := option.CollectSend(opts)
	in, err := fileIDMedia(fileID, p.Media)
	if err != nil {
		return nil, err
	}
	return c.sendMedia(ctx, chat, "cached media", p, func() (tg.InputMediaClass, error) { return in, nil })
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
