package types

import "github.com/mtgo-labs/mtgo/tl/tg"

// Location is a point on the map, or a live location.
type Location struct {
	Latitude, Longitude float64
	// AccuracyRadius is the uncertainty in meters, 0 when unknown.
	AccuracyRadius int
	// LivePeriod is how long a live location is updated, in seconds (0 for a static
	// location; 0x7fffffff for an indefinite one).
	LivePeriod int
	// Heading is the direction of a live location's movement in degrees (1-360), 0 if
	// unknown.
	Heading int
	// ProximityAlertRadius is the distance in meters that triggers proximity alerts, 0 if
	// none.
	ProximityAlertRadius int
}

// Kind returns KindLocation.
func (*Location) Kind() MediaKind { return KindLocation }

// IsLive reports a live location.
func (l *Location) IsLive() bool { return l.LivePeriod > 0 }

func newLocation(g tg.GeoPointClass) Location {
	if p, ok := g.(*tg.GeoPoint); ok && p != nil {
		return Location{Latitude: p.Lat, Longitude: p.Long, AccuracyRadius: int(p.AccuracyRadius.Value)}
	}
	return Location{}
}

// Venue is a place: a location with a name and an address.
type Venue struct {
	Location Location
	Title    string
	Address  string
	// Provider is the venue database ("foursquare", "gplaces"), ID and Type the venue's
	// identifier and type there.
	Provider, ID, Type string
}

// Kind returns KindVenue.
func (*Venue) Kind() MediaKind { return KindVenue }

// Contact is a phone contact.
type Contact struct {
	PhoneNumber, FirstName, LastName string
	// UserID is the contact's Telegram user, 0 if unknown.
	UserID int64
	// VCard is additional data in vCard format.
	VCard string
}

// Kind returns KindContact.
func (*Contact) Kind() MediaKind { return KindContact }

// Dice is an animated emoji with a random value.
type Dice struct {
	// Emoji is the dice's emoji (🎲, 🎯, 🏀, ⚽, 🎳, 🎰).
	Emoji string
	// Value is the result: 1-6 for dice, darts and bowling, 1-5 for basketball and
	// football, 1-64 for the slot machine.
	Value int
}

// Kind returns KindDice.
func (*Dice) Kind() MediaKind { return KindDice }
