package types_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mtgo-labs/mtgo/client/option"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

func (f *fakeAPI) ForwardMessage(_ context.Context, to any, _ tg.InputPeerClass, id int, drop bool, _ ...option.Send) (*types.Message, error) {
	f.sent = append(f.sent, fmt.Sprintf("forward %d to %v drop=%v", id, to, drop))
	return &types.Message{ID: id + 100}, nil
}

func (f *fakeAPI) Pin(_ context.Context, _ tg.InputPeerClass, id int, unpin bool, opts ...option.Pin) error {
	f.sent = append(f.sent, fmt.Sprintf("pin %d unpin=%v silent=%v", id, unpin, option.CollectPin(opts).Silent))
	return nil
}

func (f *fakeAPI) React(_ context.Context, _ tg.InputPeerClass, id int, emoji ...string) error {
	f.sent = append(f.sent, fmt.Sprintf("react %d %s", id, strings.Join(emoji, ",")))
	return nil
}

func (f *fakeAPI) EditCaption(_ context.Context, _ tg.InputPeerClass, id int, caption string, _ ...option.Edit) (*types.Message, error) {
	f.sent = append(f.sent, fmt.Sprintf("caption %d %s", id, caption))
	return &types.Message{ID: id, Text: caption}, nil
}

func (f *fakeAPI) EditReplyMarkup(_ context.Context, _ tg.InputPeerClass, id int, markup tg.ReplyMarkupClass, _ ...option.Edit) (*types.Message, error) {
	f.sent = append(f.sent, fmt.Sprintf("markup %d %T", id, markup))
	return &types.Message{ID: id, ReplyMarkup: types.ParseReplyMarkup(markup)}, nil
}

// TestMessageActions checks that each bound action reaches the API with the message's id, and
// that unbound or chatless messages fail with the sentinels.
func TestMessageActions(t *testing.T) {
	ctx := context.Background()
	actions := []struct {
		name string
		do   func(*types.Message) error
		want string
	}{
		{"forward", func(m *types.Message) error { _, err := m.ForwardTo(ctx, "@a"); return err }, "forward 7 to @a drop=false"},
		{"copy", func(m *types.Message) error { _, err := m.Copy(ctx, "@a"); return err }, "forward 7 to @a drop=true"},
		{"pin", func(m *types.Message) error { return m.Pin(ctx, option.Silent{}) }, "pin 7 unpin=false silent=true"},
		{"unpin", func(m *types.Message) error { return m.Unpin(ctx) }, "pin 7 unpin=true silent=false"},
		{"react", func(m *types.Message) error { return m.React(ctx, "👍", "🔥") }, "react 7 👍,🔥"},
		{"caption", func(m *types.Message) error { _, err := m.EditCaption(ctx, "c"); return err }, "caption 7 c"},
		{"markup", func(m *types.Message) error {
			_, err := m.EditReplyMarkup(ctx, &tg.ReplyInlineMarkup{})
			return err
		}, "markup 7 *tg.ReplyInlineMarkup"},
	}
	e := types.NewEntities(nil, nil)
	for _, a := range actions {
		t.Run(a.name, func(t *testing.T) {
			api := &fakeAPI{}
			if err := a.do(types.NewMessage(api, &tg.Message{ID: 7, PeerID: &tg.PeerUser{UserID: 1}}, e)); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]string{a.want}, api.sent); diff != "" {
				t.Fatalf("calls (-want +got):\n%s", diff)
			}
			if err := a.do(types.NewMessage(nil, &tg.Message{ID: 7, PeerID: &tg.PeerUser{UserID: 1}}, e)); !errors.Is(err, types.ErrContextNoClient) {
				t.Fatalf("unbound: err = %v, want ErrContextNoClient", err)
			}
			if err := a.do(types.NewMessage(api, &tg.Message{ID: 7}, e)); !errors.Is(err, types.ErrContextNoChat) {
				t.Fatalf("no chat: err = %v, want ErrContextNoChat", err)
			}
		})
	}
}
