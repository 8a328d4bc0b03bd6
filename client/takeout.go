package mtgo

import (
	"context"
	"fmt"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Takeout sessions: exports of the account's data. Calls made through a Takeout run inside
// invokeWithTakeout, which Telegram rate-limits less for exports.

// TakeoutOptions says what an export will read.
type TakeoutOptions struct {
	Contacts, MessageUsers, MessageChats, MessageMegagroups, MessageChannels bool
	// Files asks for files up to FileMaxSize bytes (0: no limit given).
	Files       bool
	FileMaxSize int64
}

// Takeout is an open export session. It is a tg.Invoker: tg.NewClient(t) gives the typed
// methods, each wrapped in invokeWithTakeout.
type Takeout struct {
	c  *Client
	ID int64
}

// InitTakeout opens an export session (account.initTakeoutSession). Finish it when done.
func (c *Client) InitTakeout(ctx context.Context, o TakeoutOptions) (*Takeout, error) {
	req := &tg.AccountInitTakeoutSessionRequest{
		Contacts: o.Contacts, MessageUsers: o.MessageUsers, MessageChats: o.MessageChats,
		MessageMegagroups: o.MessageMegagroups, MessageChannels: o.MessageChannels, Files: o.Files,
	}
	if o.Files && o.FileMaxSize > 0 {
		req.FileMaxSize = tl.Some(o.FileMaxSize)
	}
	res, err := result(c.api().AccountInitTakeoutSession(ctx, req))("init takeout")
	if err != nil {
		return nil, err
	}
	return &Takeout{c: c, ID: res.ID}, nil
}

// Invoke implements tg.Invoker: the call runs inside invokeWithTakeout.
func (t *Takeout) Invoke(ctx context.Context, in tl.Encoder, out tl.Decoder) error {
	return t.c.invoker().Invoke(ctx, &tg.InvokeWithTakeoutRequest{TakeoutID: t.ID, Query: in}, out)
}

// Finish closes the export session; success tells Telegram whether the export completed.
func (t *Takeout) Finish(ctx context.Context, success bool) error {
	var res tg.BoolBox
	if err := t.Invoke(ctx, &tg.AccountFinishTakeoutSessionRequest{Success: success}, &res); err != nil {
		return fmt.Errorf("mtgo: finish takeout: %w", err)
	}
	return nil
}
