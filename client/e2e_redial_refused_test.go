package mtgo_test

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// TestE2ERedialRefusedOneOutage: an idle client loses its home connection and the server
// refuses the next redials (a transport error answering their first packet) before one gets
// through. That is one outage: one OnDisconnect, then one OnConnect and one OnReconnect
// (count 1), and Health counts one reconnection. The session confirms a connection only on
// the server's first answer, which its ping on each new connection asks for at once; before,
// each refused redial counted as a reconnection of its own.
func TestE2ERedialRefusedOneOutage(t *testing.T) {
	tests := []struct {
		code    int32
		refused int
	}{
		{code: -429, refused: 3},
		{code: -404, refused: 2}, // a third -404 in a row would make the session give its key up
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.code), func(t *testing.T) {
			cl := cluster(t)
			c, _ := e2eBot(t, cl, "e2e_redial_refused_bot")
			hooks := make(chan string, 16)
			reconns := make(chan mtgo.ReconnectInfo, 4)
			c.OnConnect(func(*mtgo.Context) { hooks <- "connect" })
			c.OnDisconnect(func(*mtgo.Context) { hooks <- "disconnect" })
			c.OnReconnect(func(_ *mtgo.Context, r mtgo.ReconnectInfo) {
				reconns <- r
				hooks <- "reconnect"
			})
			cl.Faults().RefuseConnections(2, tt.code, tt.refused)
			if n := cl.Faults().DropConnections(c.DC()); n == 0 {
				t.Fatal("no connection dropped")
			}
			var got []string
			for h := ""; h != "reconnect"; {
				h = recv(t, hooks, "the hooks of the outage")
				got = append(got, h)
			}
			if diff := cmp.Diff([]string{"disconnect", "connect", "reconnect"}, got); diff != "" {
				t.Fatalf("hooks (-want +got):\n%s", diff)
			}
			if st := cl.Faults().Stats(); st.Refused != tt.refused {
				t.Fatalf("%d redials refused when the client reconnected, want %d", st.Refused, tt.refused)
			}
			if r := recv(t, reconns, "OnReconnect"); r.Count != 1 {
				t.Fatalf("OnReconnect count %d, want 1", r.Count)
			}
			if _, err := c.Invoke(&tg.HelpGetNearestDCRequest{}, 0, 0); err != nil {
				t.Fatal(err)
			}
			if h := c.Health(); !h.Connected || h.Reconnects != 1 {
				t.Fatalf("health after the outage: connected %v, %d reconnections, want connected after 1", h.Connected, h.Reconnects)
			}
			if n := len(hooks); n != 0 {
				t.Fatalf("%d more hooks after the reconnection, want none", n)
			}
		})
	}
}
