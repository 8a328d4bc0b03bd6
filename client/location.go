package mtgo

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/mtgo-labs/mtgo/client/option"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Messages without a file: locations (static and live), venues, contacts and dice.

// Live location periods (SendLiveLocation).
const (
	// MinLivePeriod and MaxLivePeriod bound a live location's period.
	MinLivePeriod = time.Minute
	MaxLivePeriod = 24 * time.Hour
	// LiveForever shares a live location until it is stopped.
	LiveForever = time.Duration(math.MaxInt32) * time.Second
)

var (
	// ErrLocation reports coordinates outside the globe (latitude -90..90, longitude
	// -180..180) or not numbers.
	ErrLocation = errors.New("mtgo: invalid location")
	// ErrLivePeriod reports a live period outside MinLivePeriod..MaxLivePeriod that is not
	// LiveForever.
	ErrLivePeriod = errors.New("mtgo: invalid live location period")
	// ErrEmptyField reports a required text argument left empty (a venue's title, a
	// contact's phone number, ...).
	ErrEmptyField = errors.New("mtgo: required field is empty")
)

// geoPoint checks and converts coordinates.
func geoPoint(lat, long float64) (*tg.InputGeoPoint, error) {
	if math.IsNaN(lat) || math.IsNaN(long) || lat < -90 || lat > 90 || long < -180 || long > 180 {
		return nil, fmt.Errorf("%w: %v, %v", ErrLocation, lat, long)
	}
	return &tg.InputGeoPoint{Lat: lat, Long: long}, nil
}

// sendValue sends media that has no file and takes no caption (a location, a poll, ...):
// every SendOption but WithCaption applies as for SendMessage; what names the kind in errors.
func (c *Client) sendValue(ctx context.Context, what string, chat any, in tg.InputMediaClass, opts []SendOption) (*types.Message, error) {
	p := option.CollectSend(opts)
	if p.CaptionSet {
		return nil, fmt.Errorf("%w: %s", ErrMediaNoCaption, what)
	}
	return c.sendMedia(ctx, chat, what, p, func() (tg.InputMediaClass, error) { return in, nil })
}

// SendLocation sends a point on the map to chat (anything ResolvePeer accepts).
func (c *Client) SendLocation(ctx context.Context, chat any, lat, long float64, opts ...SendOption) (*types.Message, error) {
	pt, err := geoPoint(lat, long)
	if err != nil {
		return nil, err
	}
	return c.sendValue(ctx, "location", chat, &tg.InputMediaGeoPoint{GeoPoint: pt}, opts)
}

// SendLiveLocation sends a live location, updated for period (MinLivePeriod to
// MaxLivePeriod, or LiveForever) with EditMessageLiveLocation and ended early with
// StopMessageLiveLocation. WithHeading and WithProximityAlert add the direction of travel
// and an alert for the chat's members who come close.
func (c *Client) SendLiveLocation(ctx context.Context, chat any, lat, long float64, period time.Duration, opts ...SendOption) (*types.Message, error) {
	pt, err := geoPoint(lat, long)
	if err != nil {
		return nil, err
	}
	if period != LiveForever && (period < MinLivePeriod || period > MaxLivePeriod) {
		return nil, fmt.Errorf("%w: %v", ErrLivePeriod, period)
	}
	in := &tg.InputMediaGeoLive{GeoPoint: pt, Period: tl.Some(int32(period / time.Second))}
	if err := setLive(in, option.CollectSend(opts).Live); err != nil {
		return nil, err
	}
	return c.sendValue(ctx, "live location", chat, in, opts)
}

// setLive checks a live location's heading and proximity alert and sets them on in.
func setLive(in *tg.InputMediaGeoLive, l option.Live) error {
	if l.Heading != 0 {
		if l.Heading < 1 || l.Heading > 360 {
			return fmt.Errorf("%w: heading %d (1 to 360)", ErrLocation, l.Heading)
		}
		in.Heading = tl.Some(int32(l.Heading))
	}
	if l.ProximityRadius != 0 {
		if l.ProximityRadius < 0 || l.ProximityRadius > 100000 {
			return fmt.Errorf("%w: proximity alert radius %d (up to 100000)", ErrLocation, l.ProximityRadius)
		}
		in.ProximityNotificationRadius = tl.Some(int32(l.ProximityRadius))
	}
	return nil
}

// EditMessageLiveLocation moves the live location of message messageID in chat to lat, long
// and returns the edited message; the period stays. WithHeading and WithProximityAlert set
// the direction and the alert; the other EditOptions apply as for EditMessageText (reply
// markup).
func (c *Client) EditMessageLiveLocation(ctx context.Context, chat any, messageID int, lat, long float64, opts ...EditOption) (*types.Message, error) {
	pt, err := geoPoint(lat, long)
	if err != nil {
		return nil, err
	}
	in := &tg.InputMediaGeoLive{GeoPoint: pt}
	if err := setLive(in, option.CollectEdit(opts).Live); err != nil {
		return nil, err
	}
	return c.editMessage(ctx, chat, messageID, nil, nil, in, opts)
}

// StopMessageLiveLocation ends the live location of message messageID in chat before its
// period is over and returns the edited message.
func (c *Client) StopMessageLiveLocation(ctx context.Context, chat any, messageID int, opts ...EditOption) (*types.Message, error) {
	in := &tg.InputMediaGeoLive{Stopped: true, GeoPoint: &tg.InputGeoPointEmpty{}}
	return c.editMessage(ctx, chat, messageID, nil, nil, in, opts)
}

// SendVenue sends a place with a title and an address. Sending a venue of a provider
// (Foursquare, Google Places) takes a tg.InputMediaVenue through SendMedia.
func (c *Client) SendVenue(ctx context.Context, chat any, lat, long float64, title, address string, opts ...SendOption) (*types.Message, error) {
	pt, err := geoPoint(lat, long)
	if err != nil {
		return nil, err
	}
	if title == "" || address == "" {
		return nil, fmt.Errorf("%w: venue title and address", ErrEmptyField)
	}
	return c.sendValue(ctx, "venue", chat, &tg.InputMediaVenue{GeoPoint: pt, Title: title, Address: address}, opts)
}

// SendContact shares a phone contact; lastName and vcard may be empty.
func (c *Client) SendContact(ctx context.Context, chat any, phone, firstName, lastName, vcard string, opts ...SendOption) (*types.Message, error) {
	if phone == "" || firstName == "" {
		return nil, fmt.Errorf("%w: contact phone number and first name", ErrEmptyField)
	}
	in := &tg.InputMediaContact{PhoneNumber: phone, FirstName: firstName, LastName: lastName, Vcard: vcard}
	return c.sendValue(ctx, "contact", chat, in, opts)
}

// The dice emoji Telegram animates; the value the server draws is in the sent message's
// media (1-6, 1-5 for basketball and football, 1-64 for the slot machine).
const (
	DiceCube       = "🎲"
	DiceDarts      = "🎯"
	DiceBowling    = "🎳"
	DiceBasketball = "🏀"
	DiceFootball   = "⚽"
	DiceSlot       = "🎰"
)

// SendDice sends an animated emoji with a random value the server draws: emoji is one of the
// Dice constants ("" is DiceCube).
func (c *Client) SendDice(ctx context.Context, chat any, emoji string, opts ...SendOption) (*types.Message, error) {
	if emoji == "" {
		emoji = DiceCube
	}
	return c.sendValue(ctx, "dice", chat, &tg.InputMediaDice{Emoticon: emoji}, opts)
}
