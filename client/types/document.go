package types

import (
	"time"

	"github.com/mtgo-labs/mtgo/media/fileid"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Document is a file sent as a document, and the common part of the other kinds of files
// (Video, Audio, Voice, VideoNote, Animation, Sticker embed it).
type Document struct {
	File
	// ID is the document's id.
	ID int64
	// FileName is the name the sender gave the file, "" if none.
	FileName string
	// MimeType is the file's MIME type.
	MimeType string
	// Date is when the file was uploaded.
	Date time.Time
	// Thumbs are the document's thumbnails.
	Thumbs []Thumbnail
	// HasSpoiler is true for media hidden under a spoiler.
	HasSpoiler bool
	// TTLSeconds is the self-destruct timer of media in a private chat, 0 if none.
	TTLSeconds int
	// Raw is the document object; nil when the message carried none.
	Raw *tg.Document
}

// Kind returns KindDocument.
func (*Document) Kind() MediaKind { return KindDocument }

// Video is a video file.
type Video struct {
	Document
	// Width and Height are in pixels.
	Width, Height int
	// Duration is the video's length.
	Duration time.Duration
	// SupportsStreaming is true when the video can be played while it downloads.
	SupportsStreaming bool
	// Cover is the video's cover photo, nil if none.
	Cover *Photo
	// StartTimestamp is where playback starts, 0 from the beginning.
	StartTimestamp time.Duration
}

// Kind returns KindVideo.
func (*Video) Kind() MediaKind { return KindVideo }

// Animation is a GIF or a silent H.264 video played in a loop.
type Animation struct {
	Document
	Width, Height int
	Duration      time.Duration
}

// Kind returns KindAnimation.
func (*Animation) Kind() MediaKind { return KindAnimation }

// Audio is a music file.
type Audio struct {
	Document
	Duration time.Duration
	// Performer and Title are the audio's tags, "" when absent.
	Performer, Title string
}

// Kind returns KindAudio.
func (*Audio) Kind() MediaKind { return KindAudio }

// Voice is a voice message.
type Voice struct {
	Document
	Duration time.Duration
	// Waveform is the 5-bit waveform Telegram shows, nil if none.
	Waveform []byte
}

// Kind returns KindVoice.
func (*Voice) Kind() MediaKind { return KindVoice }

// VideoNote is a round video message.
type VideoNote struct {
	Document
	// Length is the video's width and height (it is square), in pixels.
	Length   int
	Duration time.Duration
}

// Kind returns KindVideoNote.
func (*VideoNote) Kind() MediaKind { return KindVideoNote }

// docAttrs gathers the attributes of a document that the kinds read.
type docAttrs struct {
	fileName string
	video    *tg.DocumentAttributeVideo
	audio    *tg.DocumentAttributeAudio
	sticker  *tg.DocumentAttributeSticker
	emoji    *tg.DocumentAttributeCustomEmoji
	image    *tg.DocumentAttributeImageSize
	animated bool
}

func attrsOf(d *tg.Document) docAttrs {
	var a docAttrs
	if d == nil {
		return a
	}
	for _, at := range d.Attributes {
		switch at := at.(type) {
		case *tg.DocumentAttributeFilename:
			a.fileName = at.FileName
		case *tg.DocumentAttributeVideo:
			a.video = at
		case *tg.DocumentAttributeAudio:
			a.audio = at
		case *tg.DocumentAttributeSticker:
			a.sticker = at
		case *tg.DocumentAttributeCustomEmoji:
			a.emoji = at
		case *tg.DocumentAttributeImageSize:
			a.image = at
		case *tg.DocumentAttributeAnimated:
			a.animated = true
		}
	}
	return a
}

// kindOf tells the kinds of document apart by the media's flags (round, voice, video) and the
// document's attributes, as the Bot API does.
func (a *docAttrs) kindOf(round, voice, video bool) MediaKind {
	switch {
	case round || (a.video != nil && a.video.RoundMessage):
		return KindVideoNote
	case voice || (a.audio != nil && a.audio.Voice):
		return KindVoice
	case a.sticker != nil || a.emoji != nil:
		return KindSticker
	case a.animated:
		return KindAnimation
	case a.video != nil || video:
		return KindVideo
	case a.audio != nil:
		return KindAudio
	}
	return KindDocument
}

// fileTypes are the file id types of the document kinds.
var fileTypes = [...]fileid.Type{
	KindVideo: fileid.TypeVideo, KindVideoNote: fileid.TypeVideoNote, KindAnimation: fileid.TypeAnimation,
	KindAudio: fileid.TypeAudio, KindVoice: fileid.TypeVoice, KindSticker: fileid.TypeSticker,
	KindDocument: fileid.TypeDocument,
}

// newDocument builds the common part of a document of kind k; d may be nil.
func newDocument(d *tg.Document, k MediaKind, a *docAttrs) Document {
	if d == nil {
		return Document{}
	}
	out := Document{
		File: NewFile(fileid.FromDocument(d, fileTypes[k]), d.Size),
		ID:   d.ID, FileName: a.fileName, MimeType: d.MimeType, Date: unix(d.Date), Raw: d,
	}
	if len(d.Thumbs) > 0 {
		out.Thumbs = newThumbnails(d.Thumbs, func(size string) fileid.Location { return fileid.FromDocumentThumb(d, size) })
	}
	return out
}

// NewDocumentMedia builds the typed media of document d: a *Video, *Audio, *Voice,
// *VideoNote, *Animation, *Sticker or *Document, told apart by its attributes. It returns nil
// for nil input and documentEmpty.
func NewDocumentMedia(d tg.DocumentClass) Media {
	doc, ok := d.(*tg.Document)
	if !ok || doc == nil {
		return nil
	}
	return newDocumentMedia(doc, false, false, false)
}

// newDocumentMedia builds the typed media of a document (nil: an empty one) with the
// message media's flags.
func newDocumentMedia(d *tg.Document, round, voice, video bool) Media {
	a := attrsOf(d)
	k := a.kindOf(round, voice, video)
	base := newDocument(d, k, &a)
	switch k {
	case KindVideoNote:
		v := &VideoNote{Document: base}
		if a.video != nil {
			v.Length, v.Duration = int(a.video.W), secondsF(a.video.Duration)
		}
		return v
	case KindVoice:
		v := &Voice{Document: base}
		if a.audio != nil {
			v.Duration, v.Waveform = time.Duration(a.audio.Duration)*time.Second, a.audio.Waveform.Value
		}
		return v
	case KindSticker:
		return newSticker(base, &a)
	case KindAnimation:
		v := &Animation{Document: base}
		v.Width, v.Height, v.Duration = a.size()
		return v
	case KindVideo:
		v := &Video{Document: base}
		v.Width, v.Height, v.Duration = a.size()
		if a.video != nil {
			v.SupportsStreaming = a.video.SupportsStreaming
		}
		return v
	case KindAudio:
		return &Audio{Document: base, Duration: time.Duration(a.audio.Duration) * time.Second,
			Performer: a.audio.Performer.Value, Title: a.audio.Title.Value}
	}
	doc := base
	return &doc
}

// size returns the width, height and duration of a video or image document.
func (a *docAttrs) size() (w, h int, d time.Duration) {
	switch {
	case a.video != nil:
		return int(a.video.W), int(a.video.H), secondsF(a.video.Duration)
	case a.image != nil:
		return int(a.image.W), int(a.image.H), 0
	}
	return 0, 0, 0
}

func secondsF(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// newDocumentMessageMedia builds the typed media of messageMediaDocument.
func newDocumentMessageMedia(md *tg.MessageMediaDocument) Media {
	doc, _ := md.Document.(*tg.Document)
	m := newDocumentMedia(doc, md.Round, md.Voice, md.Video)
	base := documentOf(m)
	base.HasSpoiler = md.Spoiler
	base.TTLSeconds = int(md.TTLSeconds.Value)
	if v, ok := m.(*Video); ok {
		v.Cover = NewPhoto(md.VideoCover)
		v.StartTimestamp = time.Duration(md.VideoTimestamp.Value) * time.Second
	}
	return m
}

// documentOf returns the Document part of a document kind.
func documentOf(m Media) *Document {
	switch m := m.(type) {
	case *Document:
		return m
	case *Video:
		return &m.Document
	case *Animation:
		return &m.Document
	case *Audio:
		return &m.Document
	case *Voice:
		return &m.Document
	case *VideoNote:
		return &m.Document
	case *Sticker:
		return &m.Document
	}
	return nil
}
