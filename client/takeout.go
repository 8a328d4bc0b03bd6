package mtgo

import (
	"context"
	"fmt"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Takeout sessions: exports of the account's data. Calls made through a Takeout run inside
// invokeWithTakeout, which Telegram rate-limits less for exports.

// Takeout is an open export session. It is a tg.Invoker: tg.NewClient(t) gives the typed
// methods, each wrapped in invokeWithTakeout.
type Takeout struct {
	c  *Client
	ID int64
}

// InitTakeout opens an export session (account.initTakeoutSession) of what scope says;
// Finish it when done. (Config.Takeout instead wraps every call of the client.)
func (c *Client) InitTakeout(ctx context.Context, scope TakeoutScope) (*Takeout, error) {
	res, err := result(c.api().AccountInitTakeoutSession(ctx, takeoutRequest(scope)))("init takeout")
	if err != nil {
		return nil, err
	}
	return &Takeout{c: c, ID: res.ID}, nil
}

// takeoutRequest is the account.initTakeoutSession asking for scope (Config.Takeout's
// session can use it too).
func takeoutRequest(sc TakeoutScope) *tg.AccountInitTakeoutSessionRequest {
	req := &tg.AccountInitTakeoutSessionRequest{
		Contacts: sc.Contacts, MessageUsers: sc.MessageUsers, MessageChats: sc.MessageChats,
		MessageMegagroups: sc.MessageMegagroups, MessageChannels: sc.MessageChannels, Files: sc.Files,
	}
	if sc.Files { // files and file_max_size share a flag bit: both or neither
		size := sc.FileMaxSize
		if size <= 0 {
			size = maxTakeoutFile
		}
		req.FileMaxSize = tl.Some(size)
	}
	return req
}

// maxTakeoutFile is the file size limit of a takeout scope with Files and no FileMaxSize:
// Telegram's largest file (4000 MiB).
const maxTakeoutFile = 4000 << 20

// Invoke implements tg.Invoker: the call runs inside invokeWithTakeout, through the client's
// call path (invoker middleware, call policy, peer cache and update engine), as any call.
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
