package mtgo

import (
	"testing"

	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

func TestProfileCache(t *testing.T) {
	c := &Client{profiles: newProfileCache()}
	full := &tg.User{ID: 7, FirstName: tl.Some("Ann")}
	c.profiles.add([]tg.UserClass{full, &tg.User{ID: 8, Min: true, FirstName: tl.Some("partial")}, &tg.UserEmpty{ID: 9}})
	if !c.knownUser(7) || c.knownUser(8) || c.knownUser(9) {
		t.Fatalf("known 7/8/9 = %v/%v/%v, want only the full user", c.knownUser(7), c.knownUser(8), c.knownUser(9))
	}
	c.profiles.add([]tg.UserClass{&tg.User{ID: 7, Min: true}}) // a min user never replaces a full one
	e := types.NewEntities(nil, nil)
	c.fillProfiles(e, &tg.Message{PeerID: &tg.PeerUser{UserID: 7}, FromID: &tg.PeerUser{UserID: 8}})
	if e.Users[7] != full || e.Users[8] != nil {
		t.Fatalf("filled users = %v", e.Users)
	}
	c.fillProfiles(types.Entities{}, &tg.Message{PeerID: &tg.PeerUser{UserID: 7}}) // no map: no panic
}
