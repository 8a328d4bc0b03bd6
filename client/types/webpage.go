package types

import (
	"time"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

// WebPage is the preview of a link in a message's text.
type WebPage struct {
	ID         int64
	URL        string
	DisplayURL string
	// Type is "article", "photo", "video", "telegram_channel", ...; SiteName, Title,
	// Description and Author what the page says about itself.
	Type, SiteName, Title, Description, Author string
	// EmbedURL, EmbedType, EmbedWidth and EmbedHeight describe an embedded player.
	EmbedURL, EmbedType     string
	EmbedWidth, EmbedHeight int
	Duration                time.Duration
	// Photo is the page's picture, Document its file (a typed document kind: *Video,
	// *Audio, *Animation, *Document, ...); nil when absent.
	Photo    *Photo
	Document Media
	// Pending is true while Telegram is still fetching the preview (only ID and URL are
	// known).
	Pending bool
	// ForceLargeMedia, ForceSmallMedia and Manual (set by the sender) are the preview's
	// display options.
	ForceLargeMedia, ForceSmallMedia, Manual bool
	// Raw is the web page object.
	Raw tg.WebPageClass
}

// Kind returns KindWebPage.
func (*WebPage) Kind() MediaKind { return KindWebPage }

func newWebPage(md *tg.MessageMediaWebPage) *WebPage {
	out := &WebPage{ForceLargeMedia: md.ForceLargeMedia, ForceSmallMedia: md.ForceSmallMedia, Manual: md.Manual, Raw: md.Webpage}
	switch w := md.Webpage.(type) {
	case *tg.WebPage:
		out.ID, out.URL, out.DisplayURL = w.ID, w.URL, w.DisplayURL
		out.Type, out.SiteName, out.Title, out.Description = w.Type.Value, w.SiteName.Value, w.Title.Value, w.Description.Value
		out.Author, out.EmbedURL, out.EmbedType = w.Author.Value, w.EmbedURL.Value, w.EmbedType.Value
		out.EmbedWidth, out.EmbedHeight = int(w.EmbedWidth.Value), int(w.EmbedHeight.Value)
		out.Duration = time.Duration(w.Duration.Value) * time.Second
		out.Photo = NewPhoto(w.Photo)
		out.Document = NewDocumentMedia(w.Document)
	case *tg.WebPagePending:
		out.ID, out.URL, out.Pending = w.ID, w.URL.Value, true
	case *tg.WebPageEmpty:
		out.ID, out.URL = w.ID, w.URL.Value
	}
	return out
}
