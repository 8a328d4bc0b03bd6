package services

import (
	"testing"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

// TestHistoryFamilyOverTheWire calls every method of registerHistory in a private chat through
// the wire: each is routed, its answer encodes and decodes, and the rules Telegram documents
// hold (people only, channels only, no empty global search).
func TestHistoryFamilyOverTheWire(t *testing.T) {
	h := newHarness(t)
	alice := h.named("Alice", "alice_history", "79990000101")
	bob := h.named("Bob", "bob_history", "79990000102")
	bot := h.bot("history_family_bot")
	toBob := alice.peerOf(bob)
	for i := range 3 {
		h.send(alice, toBob, "hello "+string(rune('a'+i)))
	}
	tests := []struct {
		name string
		call func() error
		want *RPCError // nil: success
	}{
		{"search", func() error {
			res, err := alice.api.MessagesSearch(ctx(), &tg.MessagesSearchRequest{Peer: toBob, Q: "hello", Filter: &tg.InputMessagesFilterEmpty{}, Limit: 2})
			if err == nil {
				if s, ok := res.(*tg.MessagesMessagesSlice); !ok || s.Count != 3 || len(s.Messages) != 2 {
					t.Errorf("search = %#v", res)
				}
			}
			return err
		}, nil},
		{"search by a bot", func() error {
			_, err := bot.api.MessagesSearch(ctx(), &tg.MessagesSearchRequest{Peer: bot.peerOf(alice), Filter: &tg.InputMessagesFilterEmpty{}})
			return err
		}, &RPCError{Code: 400, Message: "BOT_METHOD_INVALID"}},
		{"global search", func() error {
			res, err := alice.api.MessagesSearchGlobal(ctx(), &tg.MessagesSearchGlobalRequest{Q: "hello", Filter: &tg.InputMessagesFilterEmpty{}, OffsetPeer: &tg.InputPeerEmpty{}, Limit: 10})
			if err == nil && len(res.(*tg.MessagesMessagesSlice).Messages) != 3 {
				t.Errorf("global search = %#v", res)
			}
			return err
		}, nil},
		{"empty global search", func() error {
			_, err := alice.api.MessagesSearchGlobal(ctx(), &tg.MessagesSearchGlobalRequest{Filter: &tg.InputMessagesFilterEmpty{}, OffsetPeer: &tg.InputPeerEmpty{}})
			return err
		}, &RPCError{Code: 400, Message: "SEARCH_QUERY_EMPTY"}},
		{"replies outside channels", func() error {
			_, err := alice.api.MessagesGetReplies(ctx(), &tg.MessagesGetRepliesRequest{Peer: toBob, MsgID: 1})
			return err
		}, &RPCError{Code: 400, Message: "PEER_ID_INVALID"}},
		{"discussion outside channels", func() error {
			_, err := alice.api.MessagesGetDiscussionMessage(ctx(), &tg.MessagesGetDiscussionMessageRequest{Peer: toBob, MsgID: 1})
			return err
		}, &RPCError{Code: 400, Message: "PEER_ID_INVALID"}},
		{"views outside channels are zero", func() error {
			res, err := alice.api.MessagesGetMessagesViews(ctx(), &tg.MessagesGetMessagesViewsRequest{Peer: toBob, ID: []int32{1, 2}})
			if err == nil && len(res.Views) != 2 {
				t.Errorf("views = %#v", res)
			}
			return err
		}, nil},
		{"link outside channels", func() error {
			_, err := alice.api.ChannelsExportMessageLink(ctx(), &tg.ChannelsExportMessageLinkRequest{Channel: &tg.InputChannel{ChannelID: 1}, ID: 1})
			return err
		}, &RPCError{Code: 400, Message: "CHANNEL_INVALID"}},
		{"read mentions", func() error {
			_, err := alice.api.MessagesReadMentions(ctx(), &tg.MessagesReadMentionsRequest{Peer: toBob})
			return err
		}, nil},
		{"read reactions", func() error {
			_, err := alice.api.MessagesReadReactions(ctx(), &tg.MessagesReadReactionsRequest{Peer: toBob})
			return err
		}, nil},
		{"unpin all with nothing pinned", func() error {
			_, err := alice.api.MessagesUnpinAllMessages(ctx(), &tg.MessagesUnpinAllMessagesRequest{Peer: toBob})
			return err
		}, nil},
		{"reactors of a message without reactions", func() error {
			res, err := alice.api.MessagesGetMessageReactionsList(ctx(), &tg.MessagesGetMessageReactionsListRequest{Peer: toBob, ID: 1, Limit: 10})
			if err == nil && (res.Count != 0 || len(res.Reactions) != 0) {
				t.Errorf("reactors = %#v", res)
			}
			return err
		}, nil},
		{"paid reaction outside channels", func() error {
			_, err := alice.api.MessagesSendPaidReaction(ctx(), &tg.MessagesSendPaidReactionRequest{Peer: toBob, MsgID: 1, Count: 1, RandomID: 1})
			return err
		}, &RPCError{Code: 400, Message: "REACTION_INVALID"}},
		{"delete history", func() error {
			res, err := alice.api.MessagesDeleteHistory(ctx(), &tg.MessagesDeleteHistoryRequest{Peer: toBob, Revoke: true})
			if err == nil && res.PtsCount != 3 {
				t.Errorf("deleteHistory = %#v", res)
			}
			return err
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			if tt.want != nil {
				wantRPC(t, err, tt.want)
			} else if err != nil {
				t.Fatal(err)
			}
		})
	}
}
