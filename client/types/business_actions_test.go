package types_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mtgo-labs/mtgo/client/option"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

func (f *fakeAPI) CopyBusinessMessage(_ context.Context, m *types.Message, to any, _ ...option.Send) (*types.Message, error) {
	f.sent = append(f.sent, fmt.Sprintf("copy business %d of %s to %v", m.ID, m.BusinessConnectionID, to))
	return &types.Message{ID: m.ID + 100}, nil
}

// noCopier is an API without CopyBusinessMessage.
type noCopier struct{ types.API }

// TestBusinessMessageActions: Telegram neither forwards nor reacts through a business
// connection, so ForwardTo and React of a business message fail with ErrBusinessUnsupported
// and call nothing (as the bot they would hit the bot's own message with that id); Copy goes
// to the API's BusinessCopier, and fails the same way through an API without one.
func TestBusinessMessageActions(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name  string
		do    func(*types.Message) error
		calls []string
		err   error
	}{
		{"forward", func(m *types.Message) error { _, err := m.ForwardTo(ctx, "@a"); return err }, nil, types.ErrBusinessUnsupported},
		{"react", func(m *types.Message) error { return m.React(ctx, "👍") }, nil, types.ErrBusinessUnsupported},
		{"copy", func(m *types.Message) error { _, err := m.Copy(ctx, "@a"); return err }, []string{"copy business 7 of c1 to @a"}, nil},
	}
	up := &tg.UpdateBotNewBusinessMessage{ConnectionID: "c1", Message: &tg.Message{ID: 7, PeerID: &tg.PeerUser{UserID: 5}, FromID: &tg.PeerUser{UserID: 5}}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := &fakeAPI{}
			err := tt.do(types.NewBusinessMessage(api, up, types.NewEntities(nil, nil)))
			if !errors.Is(err, tt.err) || (tt.err == nil && err != nil) {
				t.Fatalf("err = %v, want %v", err, tt.err)
			}
			if diff := cmp.Diff(tt.calls, api.sent); diff != "" {
				t.Fatalf("calls (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("copy without a copier", func(t *testing.T) {
		api := &fakeAPI{}
		m := types.NewBusinessMessage(noCopier{api}, up, types.NewEntities(nil, nil))
		if _, err := m.Copy(ctx, "@a"); !errors.Is(err, types.ErrBusinessUnsupported) {
			t.Fatalf("err = %v, want ErrBusinessUnsupported", err)
		}
		if len(api.sent) != 0 {
			t.Fatalf("calls %v", api.sent)
		}
	})
}

// deleteRecorder records the deletions asked of it; with business set it is a
// BusinessDeleter too.
type deleteRecorder struct {
	types.API
	calls []string
}

func (d *deleteRecorder) DeleteMessages(_ context.Context, peer tg.InputPeerClass, ids []int) error {
	d.calls = append(d.calls, fmt.Sprintf("delete %v in %d", ids, peer.(*tg.InputPeerUser).UserID))
	return nil
}

type businessDeleteRecorder struct{ *deleteRecorder }

func (d businessDeleteRecorder) DeleteBusinessMessages(_ context.Context, conn string, ids ...int) error {
	d.calls = append(d.calls, fmt.Sprintf("delete business %v of %s", ids, conn))
	return nil
}

// TestDeleteThrough: a business message is deleted through its connection (an API that
// cannot is ErrNoBusinessDelete), any other in its chat; what is missing is named.
func TestDeleteThrough(t *testing.T) {
	e := types.NewEntities(nil, nil)
	plain := types.NewMessage(nil, &tg.Message{ID: 7, PeerID: &tg.PeerUser{UserID: 5}}, e)
	biz := types.NewBusinessMessage(nil, &tg.UpdateBotNewBusinessMessage{ConnectionID: "c1", Message: &tg.Message{ID: 8, PeerID: &tg.PeerUser{UserID: 5}}}, e)
	tests := []struct {
		name     string
		m        *types.Message
		business bool // the API is a BusinessDeleter
		noAPI    bool
		calls    []string
		err      error
	}{
		{name: "plain", m: plain, business: true, calls: []string{"delete [7] in 5"}},
		{name: "business", m: biz, business: true, calls: []string{"delete business [8] of c1"}},
		{name: "business without a deleter", m: biz, err: types.ErrNoBusinessDelete},
		{name: "nil message", err: types.ErrContextNoMessage},
		{name: "no API", m: plain, noAPI: true, err: types.ErrContextNoClient},
		{name: "no chat", m: &types.Message{ID: 9}, business: true, err: types.ErrContextNoChat},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &deleteRecorder{}
			var api types.API = rec
			switch {
			case tt.noAPI:
				api = nil
			case tt.business:
				api = businessDeleteRecorder{rec}
			}
			if err := tt.m.DeleteThrough(context.Background(), api); !errors.Is(err, tt.err) || (tt.err == nil && err != nil) {
				t.Fatalf("err = %v, want %v", err, tt.err)
			}
			if diff := cmp.Diff(tt.calls, rec.calls); diff != "" {
				t.Fatalf("calls (-want +got):\n%s", diff)
			}
		})
	}
}
