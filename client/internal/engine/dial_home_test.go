package engine

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mtgo-labs/mtgo/session"

	"github.com/mtgo-labs/mtgo/client/internal/conn"
	"github.com/mtgo-labs/mtgo/client/internal/dcs"
)

// TestDialOnlyHomeReportsLink: of the connections the engine dials while a Connect's pushes
// are bound, only the home one (Connect, a migration) is Persistent and reports its losses
// and redials as the link's: a per-DC connection of the pool (neither media nor cdn, but
// not home) breaking must not run the client's OnDisconnect for a home link that is up.
func TestDialOnlyHomeReportsLink(t *testing.T) {
	errNoConn := errors.New("no connection")
	var got []conn.Config
	e := New(Options{
		HomeDC:    2,
		Table:     dcs.New(false, false, nil),
		Dialer:    func(bool) session.Dialer { return nil },
		Reconnect: session.ReconnectPolicy{Persistent: true},
		NewConn: func(cc conn.Config) (conn.Conn, error) {
			got = append(got, cc)
			return nil, errNoConn
		},
	})
	defer e.Close()
	_, _ = e.Connect(t.Context(), &countedBinder{}) // binds the pushes; its dial is recorded
	for _, dc := range []int{4, 2} {
		if _, err := e.open(t.Context(), dc, false, false); !errors.Is(err, errNoConn) {
			t.Fatalf("open dc %d = %v, want %v", dc, err, errNoConn)
		}
	}
	type seen struct {
		DC                        int
		Persistent, Link, Updates bool
	}
	var have []seen
	for _, cc := range got {
		_, link := cc.Dialer.(*conn.RedialNotifier)
		have = append(have, seen{cc.DC, cc.Reconnect.Persistent, link, cc.Updates != nil})
	}
	want := []seen{
		{DC: 2, Persistent: true, Link: true, Updates: true}, // Connect's home connection
		{DC: 4, Updates: true},                               // the pool's: no link events
		{DC: 2, Updates: true},                               // the pool's, even to the home DC
	}
	if diff := cmp.Diff(want, have); diff != "" {
		t.Errorf("connections dialed (-want +got):\n%s", diff)
	}
}
