package world

import (
	"math"
	"net/url"
	"path"
	"strings"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// The media without an uploaded file: locations (static and live), venues, contacts, dice,
// and photos or documents given by URL.

// Live location periods Telegram accepts (seconds); LiveForever never ends.
const (
	minLivePeriod = 60
	maxLivePeriod = 86400
	LiveForever   = math.MaxInt32
)

// place is a location: a point, a live location (period > 0) or a venue (title set).
type place struct {
	lat, long float64
	accuracy  int32
	// live location; stopped once StopMessageLiveLocation ended it early
	period, heading, proximity int32
	stopped                    bool
	// venue
	title, address, provider, venueID, venueType string
}

// diceFaces is how many values each dice emoji has.
var diceFaces = map[string]int64{"🎲": 6, "🎯": 6, "🎳": 6, "🏀": 5, "⚽": 5, "🎰": 64}

// MaxContactName is the longest first or last name of a shared contact.
const MaxContactName = 64

func geoPoint(in tg.InputGeoPointClass) (place, bool) {
	p, ok := in.(*tg.InputGeoPoint)
	if !ok || p == nil || math.IsNaN(p.Lat) || math.IsNaN(p.Long) || p.Lat < -90 || p.Lat > 90 || p.Long < -180 || p.Long > 180 {
		return place{}, false
	}
	return place{lat: p.Lat, long: p.Long, accuracy: p.AccuracyRadius.Value}, true
}

// otherMedia stores the media kinds inputMedia does not handle itself (under w.mu).
func (w *World) otherMedia(a *account, in tg.InputMediaClass) (*media, error) {
	switch in := in.(type) {
	case *tg.InputMediaGeoPoint:
		pl, ok := geoPoint(in.GeoPoint)
		if !ok {
			return nil, rpcErr(400, "GEO_POINT_INVALID")
		}
		return &media{place: &pl}, nil
	case *tg.InputMediaGeoLive:
		return liveMedia(in)
	case *tg.InputMediaVenue:
		pl, ok := geoPoint(in.GeoPoint)
		if !ok {
			return nil, rpcErr(400, "GEO_POINT_INVALID")
		}
		if in.Title == "" || in.Address == "" {
			return nil, rpcErr(400, "VENUE_INVALID")
		}
		pl.title, pl.address, pl.provider, pl.venueID, pl.venueType = in.Title, in.Address, in.Provider, in.VenueID, in.VenueType
		return &media{place: &pl}, nil
	case *tg.InputMediaContact:
		if in.PhoneNumber == "" || in.FirstName == "" || len([]rune(in.FirstName)) > MaxContactName || len([]rune(in.LastName)) > MaxContactName {
			return nil, rpcErr(400, "CONTACT_INVALID")
		}
		c := &tg.MessageMediaContact{PhoneNumber: in.PhoneNumber, FirstName: in.FirstName, LastName: in.LastName, Vcard: in.Vcard}
		if id, ok := w.byPhone[strings.TrimPrefix(in.PhoneNumber, "+")]; ok {
			c.UserID = id
		}
		return &media{contact: c}, nil
	case *tg.InputMediaDice:
		faces, ok := diceFaces[in.Emoticon]
		if !ok {
			return nil, rpcErr(400, "EMOTICON_INVALID")
		}
		return &media{dice: &tg.MessageMediaDice{Emoticon: in.Emoticon, Value: int32(w.randomInt64()%faces) + 1}}, nil
	case *tg.InputMediaPhotoExternal:
		return w.externalMedia(a, in.URL, true, in.Spoiler, in.TTLSeconds.Value)
	case *tg.InputMediaDocumentExternal:
		return w.externalMedia(a, in.URL, false, in.Spoiler, in.TTLSeconds.Value)
	case *tg.InputMediaStory:
		return w.storyMedia(a, in)
	case *tg.InputMediaWebPage:
		m, err := webPageMedia(in)
		if err == nil && m == nil { // an edit to a preview that cannot be made
			err = ErrWebpageFetch
		}
		return m, err
	}
	return nil, ErrMediaInvalid
}

// liveMedia checks a live location. Stopping one may omit the point (inputGeoPointEmpty):
// the edit keeps the message's (mergeMedia).
func liveMedia(in *tg.InputMediaGeoLive) (*media, error) {
	pl, ok := geoPoint(in.GeoPoint)
	if !ok {
		if _, empty := in.GeoPoint.(*tg.InputGeoPointEmpty); !empty || !in.Stopped {
			return nil, rpcErr(400, "GEO_POINT_INVALID")
		}
		pl.lat = math.NaN() // "keep the point"
	}
	pl.period = in.Period.Value
	if in.Stopped {
		pl.period = -1 // ends the live period at the edit (mergeMedia)
	} else if pl.period != 0 && pl.period != LiveForever && (pl.period < minLivePeriod || pl.period > maxLivePeriod) {
		return nil, rpcErr(400, "PERIOD_INVALID")
	}
	if h := in.Heading.Value; in.Heading.Set && (h < 1 || h > 360) {
		return nil, rpcErr(400, "HEADING_INVALID")
	}
	if r := in.ProximityNotificationRadius.Value; r < 0 || r > 100000 {
		return nil, rpcErr(400, "PROXIMITY_INVALID")
	}
	pl.heading, pl.proximity = in.Heading.Value, in.ProximityNotificationRadius.Value
	if pl.period == 0 {
		pl.period = minLivePeriod
	}
	return &media{place: &pl}, nil
}

// externalMedia stores a photo or document "downloaded" from a URL. The world has no network:
// the stored file's bytes are the URL itself, its MIME type guessed from the extension.
func (w *World) externalMedia(a *account, raw string, photo, spoiler bool, ttl int32) (*media, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, rpcErr(400, "EXTERNAL_URL_INVALID")
	}
	mime := "image/jpeg"
	var attrs []tg.DocumentAttributeClass
	if !photo {
		mime = mimeOfName(u.Path)
		if name := path.Base(u.Path); name != "." && name != "/" {
			attrs = append(attrs, &tg.DocumentAttributeFilename{FileName: name})
		}
	}
	f, err := w.newFile(a.dc, []byte(raw), photo, mime, attrs)
	if err != nil {
		return nil, err
	}
	return &media{file: f, spoiler: spoiler, ttl: ttl}, nil
}

// mimeOfName guesses the MIME type of a file name, without the system's tables (the world
// must behave the same on every machine).
func mimeOfName(name string) string {
	switch strings.ToLower(path.Ext(name)) {
	case ".jpg", ".jpeg":
		return "image/jpeg"
	case ".png":
		return "image/png"
	case ".gif":
		return "image/gif"
	case ".mp4":
		return "video/mp4"
	case ".mp3":
		return "audio/mpeg"
	case ".ogg":
		return "audio/ogg"
	case ".pdf":
		return "application/pdf"
	case ".txt":
		return "text/plain"
	}
	return "application/octet-stream"
}

// renderOther renders the media without a file; nil for photos and documents.
func (m *media) renderOther() tg.MessageMediaClass {
	switch {
	case m.contact != nil:
		c := *m.contact
		return &c
	case m.dice != nil:
		d := *m.dice
		return &d
	case m.story != nil:
		st := *m.story
		return &st
	case m.game != nil:
		g := *m.game
		return &g
	case m.web != nil:
		wp := *m.web
		return &wp
	case m.place == nil:
		return nil
	}
	p := m.place
	geo := &tg.GeoPoint{Lat: p.lat, Long: p.long, AccessHash: GeoAccessHash(p.lat, p.long)}
	if p.accuracy != 0 {
		geo.AccuracyRadius = tl.Some(p.accuracy)
	}
	switch {
	case p.title != "":
		return &tg.MessageMediaVenue{Geo: geo, Title: p.title, Address: p.address, Provider: p.provider, VenueID: p.venueID, VenueType: p.venueType}
	case p.period != 0:
		out := &tg.MessageMediaGeoLive{Geo: geo, Period: p.period}
		if p.heading != 0 {
			out.Heading = tl.Some(p.heading)
		}
		if p.proximity != 0 {
			out.ProximityNotificationRadius = tl.Some(p.proximity)
		}
		return out
	}
	return &tg.MessageMediaGeo{Geo: geo}
}

// mergeMedia is the media of a message whose media old an edit replaces with next: a live
// location edit moves the point (or keeps it when stopping without one) and keeps the period,
// which a stop ends at the edit's date (seconds since sent); anything else replaces old.
func mergeMedia(old, next *media, sent, now int32) *media {
	if old == nil || old.place == nil || old.place.period == 0 || next.place == nil || next.place.period == 0 {
		return next
	}
	pl := *next.place
	if math.IsNaN(pl.lat) {
		pl.lat, pl.long, pl.accuracy = old.place.lat, old.place.long, old.place.accuracy
	}
	pl.period = old.place.period
	pl.stopped = old.place.stopped
	if next.place.period == -1 {
		pl.period, pl.stopped = max(now-sent, 1), true
	}
	return &media{place: &pl}
}

// liveEditError reports why next cannot edit a message with media old: a live location edit
// on a message without one, or on one whose live period is over (MESSAGE_NOT_MODIFIED as
// Telegram answers); nil for every other edit.
func liveEditError(old, next *media, sent, now int32) error {
	if next == nil || next.place == nil || next.place.period == 0 || next.place.title != "" {
		return nil
	}
	if old == nil || old.place == nil || old.place.period == 0 {
		return ErrMediaInvalid
	}
	if old.place.stopped || (old.place.period != LiveForever && now-sent >= old.place.period) {
		return ErrMessageNotModified
	}
	return nil
}
