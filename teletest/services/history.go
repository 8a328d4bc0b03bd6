package services

import (
	"context"

	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// registerHistory adds the methods that read and manage messages already sent: search,
// global search, threads, history deletion, read marks, views, links, pins and reactors.
func (d *Dispatcher) registerHistory() {
	h := d.handlers
	w := d.w

	h[tg.MessagesSearchRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesSearchRequest) (tl.Encoder, error) {
		return answer(w.Search(c.AuthKeyID, r.Peer, world.SearchQuery{
			Q: r.Q, From: r.FromID, Filter: r.Filter, MinDate: r.MinDate, MaxDate: r.MaxDate, TopMsgID: r.TopMsgID.Value,
			HistoryQuery: world.HistoryQuery{OffsetID: r.OffsetID, AddOffset: r.AddOffset, Limit: r.Limit, MaxID: r.MaxID, MinID: r.MinID},
		}))
	})
	h[tg.MessagesSearchGlobalRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesSearchGlobalRequest) (tl.Encoder, error) {
		return answer(w.SearchGlobal(c.AuthKeyID, world.SearchGlobalQuery{
			Q: r.Q, Filter: r.Filter, MinDate: r.MinDate, MaxDate: r.MaxDate,
			OffsetRate: r.OffsetRate, OffsetPeer: r.OffsetPeer, OffsetID: r.OffsetID, Limit: r.Limit,
			BroadcastsOnly: r.BroadcastsOnly, GroupsOnly: r.GroupsOnly, UsersOnly: r.UsersOnly,
		}))
	})
	h[tg.MessagesGetRepliesRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesGetRepliesRequest) (tl.Encoder, error) {
		return answer(w.Replies(c.AuthKeyID, r.Peer, r.MsgID, world.HistoryQuery{
			OffsetID: r.OffsetID, OffsetDate: r.OffsetDate, AddOffset: r.AddOffset, Limit: r.Limit, MaxID: r.MaxID, MinID: r.MinID,
		}))
	})
	h[tg.MessagesGetDiscussionMessageRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesGetDiscussionMessageRequest) (tl.Encoder, error) {
		return answer(w.DiscussionMessage(c.AuthKeyID, r.Peer, r.MsgID))
	})
	h[tg.MessagesDeleteHistoryRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesDeleteHistoryRequest) (tl.Encoder, error) {
		return answer(w.DeleteHistory(c.AuthKeyID, world.DeleteHistoryQuery{
			Peer: r.Peer, MaxID: r.MaxID, Revoke: r.Revoke, JustClear: r.JustClear, MinDate: r.MinDate.Value, MaxDate: r.MaxDate.Value,
		}))
	})
	h[tg.ChannelsDeleteHistoryRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.ChannelsDeleteHistoryRequest) (tl.Encoder, error) {
		return answer(w.DeleteChannelHistory(c.AuthKeyID, r.Channel, r.MaxID))
	})
	h[tg.MessagesReadMentionsRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesReadMentionsRequest) (tl.Encoder, error) {
		return answer(w.ReadMentions(c.AuthKeyID, r.Peer))
	})
	h[tg.MessagesReadReactionsRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesReadReactionsRequest) (tl.Encoder, error) {
		return answer(w.ReadReactions(c.AuthKeyID, r.Peer))
	})
	h[tg.MessagesGetMessagesViewsRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesGetMessagesViewsRequest) (tl.Encoder, error) {
		return answer(w.MessagesViews(c.AuthKeyID, r.Peer, r.ID, r.Increment))
	})
	h[tg.ChannelsExportMessageLinkRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.ChannelsExportMessageLinkRequest) (tl.Encoder, error) {
		return answer(w.ExportMessageLink(c.AuthKeyID, r.Channel, r.ID, r.Thread))
	})
	h[tg.MessagesUnpinAllMessagesRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesUnpinAllMessagesRequest) (tl.Encoder, error) {
		return answer(w.UnpinAll(c.AuthKeyID, r.Peer))
	})
	h[tg.MessagesGetMessageReactionsListRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesGetMessageReactionsListRequest) (tl.Encoder, error) {
		return answer(w.ReactionsList(c.AuthKeyID, world.ReactionsListQuery{
			Peer: r.Peer, ID: r.ID, Reaction: r.Reaction, Offset: r.Offset.Value, Limit: r.Limit,
		}))
	})
	h[tg.MessagesGetMessagesReactionsRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesGetMessagesReactionsRequest) (tl.Encoder, error) {
		return answer(w.MessagesReactions(c.AuthKeyID, r.Peer, r.ID))
	})
	h[tg.MessagesSendPaidReactionRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesSendPaidReactionRequest) (tl.Encoder, error) {
		return answer(w.SendPaidReaction(c.AuthKeyID, world.PaidReaction{Peer: r.Peer, MsgID: r.MsgID, Count: r.Count, RandomID: r.RandomID}))
	})
}
