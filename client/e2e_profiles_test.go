package mtgo_test

import (
	"testing"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/teletest/world"
)

// TestE2ESenderNamedFromProfiles checks that every message a bot gets names its sender in
// full, the later ones included, whose updates carry no user: the client keeps the profiles
// it has seen, not only the access hashes.
func TestE2ESenderNamedFromProfiles(t *testing.T) {
	cl := cluster(t)
	b, _ := e2eBot(t, cl, "e2e_names_bot")
	got := make(chan *types.Message, 4)
	b.OnMessage(func(_ *mtgo.Context, m *types.Message) error { got <- m; return nil })
	u, user := e2eUser(t, cl, world.UserSpec{FirstName: "Nina", LastName: "Simone", Username: "nina_s", Phone: "15551130"})
	for _, text := range []string{"one", "two", "three"} {
		if _, err := u.SendMessage(ctxT(t), "@e2e_names_bot", text); err != nil {
			t.Fatal(err)
		}
		m := recv(t, got, "message "+text)
		if m.From == nil || m.From.ID != user.ID || m.From.FirstName != "Nina" || m.From.LastName != "Simone" || m.From.Username != "nina_s" {
			t.Fatalf("message %q: From = %+v, want Nina Simone (@nina_s)", text, m.From)
		}
	}
}
