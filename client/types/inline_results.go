package types

import (
	"errors"
	"fmt"
	"reflect"

	"github.com/mtgo-labs/mtgo/media/fileid"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// ErrInlineResult reports an inline result Telegram would refuse (no id, an article without a
// message, a file id that names nothing); the error names the result.
var ErrInlineResult = errors.New("mtgo: invalid inline result")

// maxInlineResultID is the longest result id Telegram takes, in bytes.
const maxInlineResultID = 64

// Inline result types, as the result's Type.
const (
	InlineTypeArticle  = "article"
	InlineTypePhoto    = "photo"
	InlineTypeGIF      = "gif"
	InlineTypeMPEG4GIF = "mpeg4_gif"
	InlineTypeVideo    = "video"
	InlineTypeAudio    = "audio"
	InlineTypeVoice    = "voice"
	InlineTypeDocument = "document"
	InlineTypeSticker  = "sticker"
	InlineTypeLocation = "location"
	InlineTypeVenue    = "venue"
	InlineTypeContact  = "contact"
	InlineTypeGame     = "game"
)

// InlineResult is one result of an answer to an inline query. The NewInline... builders fill
// it for each kind; the optional fields (Description, ThumbURL, Caption, Keyboard, ...) are
// set on the value they return. TL turns it into what AnswerInlineQuery takes, InlineResults
// a whole list.
//
//	results, err := types.InlineResults(
//		types.NewInlineArticle("1", "Hello", "Hello, world").WithDescription("says hello"),
//		types.NewInlinePhoto("2", "https://example.com/a.jpg", "https://example.com/a_thumb.jpg"),
//		types.NewInlineCached("3", types.InlineTypeDocument, fileID),
//	)
type InlineResult struct {
	ID   string
	Type string // one of the InlineType... constants
	// Title and Description are shown in the list of results.
	Title, Description string
	// URL is an article's link; ThumbURL the picture shown in the list.
	URL, ThumbURL string
	// ContentURL is the file of a media result given by URL, MimeType its type, Attributes
	// what Telegram cannot guess (durations, sizes, a voice flag).
	ContentURL string
	MimeType   string
	Attributes []tg.DocumentAttributeClass
	// FileID makes a cached result: a file Telegram already holds, as a Bot API file id.
	FileID string
	// GameShortName is a game result's game.
	GameShortName string
	// Message is what sending the result posts. When nil, a media result posts its media with
	// Caption and Entities; the builders of articles, locations, venues and contacts set it.
	Message tg.InputBotInlineMessageClass
	// Caption and Entities caption a media result whose Message is nil.
	Caption  string
	Entities []tg.MessageEntityClass
	// Keyboard is put under the posted message (whatever Message is).
	Keyboard *InlineKeyboard
}

// NewInlineArticle is a result with title that posts text.
func NewInlineArticle(id, title, text string) *InlineResult {
	return &InlineResult{ID: id, Type: InlineTypeArticle, Title: title, Message: &tg.InputBotInlineMessageText{Message: text}}
}

// NewInlinePhoto is a JPEG photo fetched by Telegram from photoURL.
func NewInlinePhoto(id, photoURL, thumbURL string) *InlineResult {
	return &InlineResult{ID: id, Type: InlineTypePhoto, ContentURL: photoURL, MimeType: "image/jpeg", ThumbURL: thumbURL}
}

// NewInlineGIF is an animation from gifURL (a GIF; NewInlineMPEG4GIF for a silent MP4).
func NewInlineGIF(id, gifURL, thumbURL string) *InlineResult {
	return &InlineResult{ID: id, Type: InlineTypeGIF, ContentURL: gifURL, MimeType: "image/gif", ThumbURL: thumbURL}
}

// NewInlineMPEG4GIF is an animation from a silent MP4 at mp4URL.
func NewInlineMPEG4GIF(id, mp4URL, thumbURL string) *InlineResult {
	return &InlineResult{ID: id, Type: InlineTypeMPEG4GIF, ContentURL: mp4URL, MimeType: "video/mp4", ThumbURL: thumbURL}
}

// NewInlineVideo is a video from videoURL of mimeType ("video/mp4", or "text/html" for a page
// embedding the player).
func NewInlineVideo(id, videoURL, mimeType, thumbURL, title string) *InlineResult {
	return &InlineResult{ID: id, Type: InlineTypeVideo, ContentURL: videoURL, MimeType: mimeType, ThumbURL: thumbURL, Title: title}
}

// NewInlineAudio is an MP3 from audioURL.
func NewInlineAudio(id, audioURL, title, performer string) *InlineResult {
	a := &tg.DocumentAttributeAudio{Title: tl.Some(title)}
	if performer != "" {
		a.Performer = tl.Some(performer)
	}
	return &InlineResult{
		ID: id, Type: InlineTypeAudio, ContentURL: audioURL, MimeType: "audio/mpeg", Title: title,
		Attributes: []tg.DocumentAttributeClass{a},
	}
}

// NewInlineVoice is an OGG/Opus voice message from voiceURL.
func NewInlineVoice(id, voiceURL, title string) *InlineResult {
	return &InlineResult{
		ID: id, Type: InlineTypeVoice, ContentURL: voiceURL, MimeType: "audio/ogg", Title: title,
		Attributes: []tg.DocumentAttributeClass{&tg.DocumentAttributeAudio{Voice: true}},
	}
}

// NewInlineDocument is a file from documentURL ("application/pdf" or "application/zip").
func NewInlineDocument(id, documentURL, mimeType, title string) *InlineResult {
	return &InlineResult{ID: id, Type: InlineTypeDocument, ContentURL: documentURL, MimeType: mimeType, Title: title}
}

// NewInlineLocation posts a location.
func NewInlineLocation(id string, lat, long float64, title string) *InlineResult {
	return &InlineResult{
		ID: id, Type: InlineTypeLocation, Title: title,
		Message: &tg.InputBotInlineMessageMediaGeo{GeoPoint: &tg.InputGeoPoint{Lat: lat, Long: long}},
	}
}

// NewInlineVenue posts a venue.
func NewInlineVenue(id string, lat, long float64, title, address string) *InlineResult {
	return &InlineResult{
		ID: id, Type: InlineTypeVenue, Title: title, Description: address,
		Message: &tg.InputBotInlineMessageMediaVenue{GeoPoint: &tg.InputGeoPoint{Lat: lat, Long: long}, Title: title, Address: address},
	}
}

// NewInlineContact posts a contact.
func NewInlineContact(id, phone, firstName, lastName string) *InlineResult {
	return &InlineResult{
		ID: id, Type: InlineTypeContact, Title: firstName,
		Message: &tg.InputBotInlineMessageMediaContact{PhoneNumber: phone, FirstName: firstName, LastName: lastName},
	}
}

// NewInlineGame posts the bot's game shortName.
func NewInlineGame(id, shortName string) *InlineResult {
	return &InlineResult{ID: id, Type: InlineTypeGame, GameShortName: shortName}
}

// NewInlineCached is a result of a file Telegram holds, named by a Bot API file id; typ is the
// kind it is shown as (InlineTypePhoto, InlineTypeSticker, InlineTypeDocument, ...).
func NewInlineCached(id, typ, fileID string) *InlineResult {
	return &InlineResult{ID: id, Type: typ, FileID: fileID}
}

// WithDescription sets the description shown under the title and returns r.
func (r *InlineResult) WithDescription(s string) *InlineResult { r.Description = s; return r }

// WithThumb sets the thumbnail's URL and returns r.
func (r *InlineResult) WithThumb(url string) *InlineResult { r.ThumbURL = url; return r }

// WithCaption captions a media result and returns r.
func (r *InlineResult) WithCaption(caption string, entities ...tg.MessageEntityClass) *InlineResult {
	r.Caption, r.Entities = caption, entities
	return r
}

// WithKeyboard puts kb under the posted message and returns r.
func (r *InlineResult) WithKeyboard(kb *InlineKeyboard) *InlineResult { r.Keyboard = kb; return r }

// InlineResults builds every result with TL, failing on the first that is invalid.
func InlineResults(rs ...*InlineResult) ([]tg.InputBotInlineResultClass, error) {
	out := make([]tg.InputBotInlineResultClass, 0, len(rs))
	for _, r := range rs {
		v, err := r.TL()
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// TL builds the input result messages.setInlineBotResults carries.
func (r *InlineResult) TL() (tg.InputBotInlineResultClass, error) {
	if r == nil {
		return nil, fmt.Errorf("%w: nil", ErrInlineResult)
	}
	if r.ID == "" || len(r.ID) > maxInlineResultID {
		return nil, fmt.Errorf("%w: id %q must have 1 to %d bytes", ErrInlineResult, r.ID, maxInlineResultID)
	}
	msg, err := r.message()
	if err != nil {
		return nil, err
	}
	if r.Type == InlineTypeGame {
		if r.GameShortName == "" {
			return nil, fmt.Errorf("%w: game result %q without a short name", ErrInlineResult, r.ID)
		}
		return &tg.InputBotInlineResultGame{ID: r.ID, ShortName: r.GameShortName, SendMessage: msg}, nil
	}
	if r.FileID != "" {
		return r.cached(msg)
	}
	res := &tg.InputBotInlineResult{ID: r.ID, Type: r.Type, SendMessage: msg}
	setOpt(&res.Title, r.Title)
	setOpt(&res.Description, r.Description)
	setOpt(&res.URL, r.URL)
	if r.ContentURL != "" {
		res.Content = &tg.InputWebDocument{URL: r.ContentURL, MimeType: r.MimeType, Attributes: r.Attributes}
		if res.Content.Attributes == nil {
			res.Content.Attributes = []tg.DocumentAttributeClass{}
		}
	} else if r.mediaPosted() {
		return nil, fmt.Errorf("%w: %s result %q without a file (ContentURL or FileID)", ErrInlineResult, r.Type, r.ID)
	}
	if r.ThumbURL != "" {
		res.Thumb = &tg.InputWebDocument{URL: r.ThumbURL, MimeType: "image/jpeg", Attributes: []tg.DocumentAttributeClass{}}
	}
	return res, nil
}

// mediaPosted reports a result that posts its own media when Message is nil.
func (r *InlineResult) mediaPosted() bool {
	switch r.Type {
	case InlineTypeArticle, InlineTypeLocation, InlineTypeVenue, InlineTypeContact, InlineTypeGame:
		return false
	}
	return r.Message == nil
}

// message returns what the result posts, with the keyboard.
func (r *InlineResult) message() (tg.InputBotInlineMessageClass, error) {
	var markup tg.ReplyMarkupClass
	if r.Keyboard != nil {
		var err error
		if markup, err = r.Keyboard.ToTL(); err != nil {
			return nil, fmt.Errorf("%w: result %q: %w", ErrInlineResult, r.ID, err)
		}
	}
	msg := r.Message
	switch {
	case msg != nil:
	case r.Type == InlineTypeGame:
		msg = &tg.InputBotInlineMessageGame{}
	case r.mediaPosted():
		msg = &tg.InputBotInlineMessageMediaAuto{Message: r.Caption, Entities: r.Entities}
	default:
		return nil, fmt.Errorf("%w: %s result %q has no message", ErrInlineResult, r.Type, r.ID)
	}
	if markup == nil {
		return msg, nil
	}
	return withMarkup(msg, markup), nil
}

// withMarkup returns a copy of msg with its reply_markup set: every inputBotInlineMessage
// constructor has that field, so one reflective copy serves all of them.
func withMarkup(msg tg.InputBotInlineMessageClass, markup tg.ReplyMarkupClass) tg.InputBotInlineMessageClass {
	v := reflect.ValueOf(msg)
	if v.Kind() != reflect.Pointer || v.IsNil() {
		return msg
	}
	c := reflect.New(v.Elem().Type())
	c.Elem().Set(v.Elem())
	f := c.Elem().FieldByName("ReplyMarkup")
	if !f.IsValid() || !f.CanSet() || !reflect.TypeOf(markup).AssignableTo(f.Type()) {
		return msg
	}
	f.Set(reflect.ValueOf(markup))
	return c.Interface().(tg.InputBotInlineMessageClass)
}

// cached builds a result of a file Telegram holds.
func (r *InlineResult) cached(msg tg.InputBotInlineMessageClass) (tg.InputBotInlineResultClass, error) {
	loc, err := fileid.Decode(r.FileID)
	if err != nil {
		return nil, fmt.Errorf("%w: result %q: %w", ErrInlineResult, r.ID, err)
	}
	if r.Type == InlineTypePhoto {
		p, err := loc.InputPhoto()
		if err != nil {
			return nil, fmt.Errorf("%w: result %q: %w", ErrInlineResult, r.ID, err)
		}
		return &tg.InputBotInlineResultPhoto{ID: r.ID, Type: r.Type, Photo: p, SendMessage: msg}, nil
	}
	d, err := loc.InputDocument()
	if err != nil {
		return nil, fmt.Errorf("%w: result %q: %w", ErrInlineResult, r.ID, err)
	}
	res := &tg.InputBotInlineResultDocument{ID: r.ID, Type: r.Type, Document: d, SendMessage: msg}
	setOpt(&res.Title, r.Title)
	setOpt(&res.Description, r.Description)
	return res, nil
}

// setOpt sets o to s when s is not empty.
func setOpt(o *tl.Opt[string], s string) {
	if s != "" {
		*o = tl.Some(s)
	}
}
