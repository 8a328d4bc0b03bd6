package engine

import (
	"context"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mtgo-labs/mtgo/session"

	"github.com/mtgo-labs/mtgo/client/internal/dcs"
)

// sessionsStore keeps sessions by data center.
type sessionsStore struct {
	mu sync.Mutex
	m  map[int]session.Session
}

func (s *sessionsStore) LoadSession(_ context.Context, dc int) (session.Session, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sess, ok := s.m[dc]
	if !ok {
		return session.Session{}, session.ErrNoSession
	}
	return sess, nil
}

func (s *sessionsStore) SaveSession(_ context.Context, sess session.Session) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[sess.DC] = sess
	return nil
}

func (s *sessionsStore) SetHomeDC(context.Context, int) error { return nil }

// TestReauthorizeKeepsHome: a 401 on a call routed to a data center (CallDC, a media
// connection) re-authorizes it by dropping its authorization record, but the home data
// center's record is the login itself, never imported: it stays. A 401 that refused a
// temporary key's binding on the home data center (routed there by CallDC) cleared the
// stored account of the home session.
func TestReauthorizeKeepsHome(t *testing.T) {
	st := &sessionsStore{m: map[int]session.Session{
		2: {DC: 2, UserID: 7, AuthKey: make([]byte, session.AuthKeySize)},
		4: {DC: 4, UserID: 7, AuthKey: make([]byte, session.AuthKeySize)},
	}}
	e := New(Options{
		HomeDC: 2,
		Table:  dcs.New(false, false, nil),
		Store:  st,
		Dialer: func(bool) session.Dialer { return nil },
	})
	defer e.Close()
	target{e}.Reauthorize(2)
	target{e}.Reauthorize(4)
	got := map[int]int64{}
	for dc, s := range st.m {
		got[dc] = s.UserID
	}
	if diff := cmp.Diff(map[int]int64{2: 7, 4: 0}, got); diff != "" {
		t.Fatalf("stored accounts after Reauthorize of dc 2 (home) and 4 (-want +got):\n%s", diff)
	}
}
