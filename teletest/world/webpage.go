package world

import (
	"hash/fnv"
	"net/url"
	"strings"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Link previews sent on purpose: messages.sendMedia with inputMediaWebPage, which carries the
// URL to preview (any, not only one of the text's) and the preferred size of its media. The
// world has no network: the "page" is made from the URL itself, its site name and title the
// host, so a test sees the preview it asked for.

// ErrWebpageFetch answers a preview of a URL that cannot be fetched (not http or https, no
// host), as Telegram does when its fetch fails.
var ErrWebpageFetch = rpcErr(400, "WEBPAGE_CURL_FAILED")

// webPageMedia turns inputMediaWebPage into stored media. An optional preview of a URL that
// cannot be fetched is no media at all (nil, nil): the message goes out as plain text.
func webPageMedia(in *tg.InputMediaWebPage) (*media, error) {
	u, err := url.Parse(in.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		if in.Optional {
			return nil, nil
		}
		return nil, ErrWebpageFetch
	}
	h := fnv.New64a()
	h.Write([]byte(in.URL))
	page := &tg.WebPage{
		ID: int64(h.Sum64() >> 1), URL: in.URL, DisplayURL: u.Host + strings.TrimSuffix(u.EscapedPath(), "/"),
		Type: tl.Some("article"), SiteName: tl.Some(u.Host), Title: tl.Some(u.Host),
	}
	return &media{web: &tg.MessageMediaWebPage{
		Webpage: page, ForceLargeMedia: in.ForceLargeMedia, ForceSmallMedia: in.ForceSmallMedia, Manual: true,
	}}, nil
}
