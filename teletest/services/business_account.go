package services

import (
	"context"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// The business account's side of a connected bot (people): account.getConnectedBots,
// account.toggleConnectedBotPaused and account.disablePeerConnectedBot
// (world/business_account.go); messages.getPeerSettings, whose action bar names the bot in the
// chats it covers (world/business_peer.go).

func (d *Dispatcher) registerBusinessAccount() {
	h := d.handlers
	w := d.w
	h[tg.AccountGetConnectedBotsRequestTypeID] = typed(func(_ context.Context, c *Caller, _ *tg.AccountGetConnectedBotsRequest) (tl.Encoder, error) {
		return answer(w.ConnectedBots(c.AuthKeyID))
	})
	h[tg.AccountToggleConnectedBotPausedRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.AccountToggleConnectedBotPausedRequest) (tl.Encoder, error) {
		return done(w.ToggleConnectedBotPaused(c.AuthKeyID, r.Peer, r.Paused))
	})
	h[tg.AccountDisablePeerConnectedBotRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.AccountDisablePeerConnectedBotRequest) (tl.Encoder, error) {
		return done(w.DisablePeerConnectedBot(c.AuthKeyID, r.Peer))
	})
	h[tg.MessagesGetPeerSettingsRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesGetPeerSettingsRequest) (tl.Encoder, error) {
		return answer(w.PeerSettings(c.AuthKeyID, r.Peer))
	})
}
