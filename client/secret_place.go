package mtgo

import (
	"context"
	"fmt"

	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl/e2e"
)

// SendSecretLocation sends a point on the map to a ready secret chat
// (decryptedMessageMediaGeoPoint) and returns the message's random_id; coordinates off the
// map are ErrLocation.
func (c *Client) SendSecretLocation(ctx context.Context, chatID int32, lat, long float64) (int64, error) {
	if _, err := geoPoint(lat, long); err != nil {
		return 0, err
	}
	return c.sendSecretMedia(ctx, chatID, &e2e.DecryptedMessageMediaGeoPoint{Lat: lat, Long: long})
}

// SendSecretVenue sends a place with a title and an address to a ready secret chat
// (decryptedMessageMediaVenue) and returns the message's random_id.
func (c *Client) SendSecretVenue(ctx context.Context, chatID int32, lat, long float64, title, address string) (int64, error) {
	if _, err := geoPoint(lat, long); err != nil {
		return 0, err
	}
	if title == "" || address == "" {
		return 0, fmt.Errorf("%w: venue title and address", ErrEmptyField)
	}
	return c.sendSecretMedia(ctx, chatID, &e2e.DecryptedMessageMediaVenue{Lat: lat, Long: long, Title: title, Address: address})
}

// SendSecretContact shares a phone contact in a ready secret chat
// (decryptedMessageMediaContact; lastName may be empty) and returns the message's random_id.
func (c *Client) SendSecretContact(ctx context.Context, chatID int32, phone, firstName, lastName string) (int64, error) {
	if phone == "" || firstName == "" {
		return 0, fmt.Errorf("%w: contact phone number and first name", ErrEmptyField)
	}
	return c.sendSecretMedia(ctx, chatID, &e2e.DecryptedMessageMediaContact{PhoneNumber: phone, FirstName: firstName, LastName: lastName})
}

// sendSecretMedia sends media without a file as an ordinary message.
func (c *Client) sendSecretMedia(ctx context.Context, chatID int32, md e2e.DecryptedMessageMediaClass) (int64, error) {
	rid := randomID()
	if _, err := c.secrets().send(ctx, chatID, rid, &e2e.DecryptedMessage{RandomID: rid, Media: md}, nil); err != nil {
		return 0, err
	}
	return rid, nil
}

// secretPlaceOf types the geo point, venue or contact a peer sent into sm (other media leave
// it as it is). Coordinates off the map are ErrLocation: nothing is typed.
func secretPlaceOf(sm *types.SecretMessage, md e2e.DecryptedMessageMediaClass) error {
	switch d := md.(type) {
	case *e2e.DecryptedMessageMediaGeoPoint:
		l, err := secretLocation(d.Lat, d.Long)
		sm.Location = l
		return err
	case *e2e.DecryptedMessageMediaVenue:
		l, err := secretLocation(d.Lat, d.Long)
		if err == nil {
			sm.Venue = &types.Venue{Location: *l, Title: d.Title, Address: d.Address, Provider: d.Provider, ID: d.VenueID}
		}
		return err
	case *e2e.DecryptedMessageMediaContact:
		sm.Contact = &types.Contact{PhoneNumber: d.PhoneNumber, FirstName: d.FirstName, LastName: d.LastName, UserID: int64(max(d.UserID, 0))}
	}
	return nil
}

// secretLocation is a peer's point, checked to be on the map.
func secretLocation(lat, long float64) (*types.Location, error) {
	if _, err := geoPoint(lat, long); err != nil {
		return nil, err
	}
	return &types.Location{Latitude: lat, Longitude: long}, nil
}
