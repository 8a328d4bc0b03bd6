package services

import (
	"testing"

	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/mt"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// fuzzSeeds are valid requests of every implemented method, bare and wrapped, so the fuzzer
// starts from bytes that reach deep into the handlers.
func fuzzSeeds() []tl.Encoder {
	peer := &tg.InputPeerSelf{}
	file := &tg.InputFile{ID: 1, Parts: 1, Name: "a"}
	seeds := []tl.Encoder{
		&mt.PingRequest{PingID: 1},
		&tg.HelpGetConfigRequest{},
		&tg.HelpGetNearestDCRequest{},
		&tg.AuthSendCodeRequest{PhoneNumber: "79990000001", Settings: tg.CodeSettings{}},
		&tg.AuthSignInRequest{PhoneNumber: "79990000001", PhoneCodeHash: "x", PhoneCode: tl.Some("12345")},
		&tg.AuthSignUpRequest{PhoneNumber: "79990000001", PhoneCodeHash: "x", FirstName: "F"},
		&tg.AuthCheckPasswordRequest{Password: &tg.InputCheckPasswordSRP{SRPID: 1, A: []byte{1}, M1: []byte{2}}},
		&tg.AccountGetPasswordRequest{},
		&tg.AuthImportBotAuthorizationRequest{BotAuthToken: "1:2"},
		&tg.AuthExportAuthorizationRequest{DCID: 3},
		&tg.AuthImportAuthorizationRequest{ID: 1, Bytes: []byte{1}},
		&tg.UsersGetUsersRequest{ID: []tg.InputUserClass{&tg.InputUserSelf{}, &tg.InputUser{UserID: 1000001}}},
		&tg.UsersGetFullUserRequest{ID: &tg.InputUserSelf{}},
		&tg.ContactsResolveUsernameRequest{Username: "fuzzy_bot"},
		&tg.MessagesSendMessageRequest{Peer: peer, Message: "x", RandomID: 1},
		&tg.MessagesSendMessageRequest{Peer: &tg.InputPeerChat{ChatID: 1001}, Message: "x", RandomID: 2},
		&tg.MessagesSendMediaRequest{Peer: peer, Media: &tg.InputMediaUploadedDocument{File: file, MimeType: "a/b", Attributes: []tg.DocumentAttributeClass{}}, RandomID: 3},
		&tg.MessagesUploadMediaRequest{Peer: peer, Media: &tg.InputMediaUploadedPhoto{File: file}},
		&tg.MessagesGetMessagesRequest{ID: []tg.InputMessageClass{&tg.InputMessageID{ID: 1}, &tg.InputMessageReplyTo{ID: 1}}},
		&tg.MessagesGetHistoryRequest{Peer: peer, Limit: 10, AddOffset: -3, OffsetID: 2},
		&tg.MessagesGetDialogsRequest{OffsetPeer: &tg.InputPeerEmpty{}, Limit: 5, OffsetDate: 1},
		&tg.MessagesEditMessageRequest{Peer: peer, ID: 1, Message: tl.Some("y")},
		&tg.MessagesDeleteMessagesRequest{ID: []int32{1, 2}, Revoke: true},
		&tg.MessagesForwardMessagesRequest{FromPeer: peer, ID: []int32{1}, RandomID: []int64{9}, ToPeer: peer},
		&tg.ChannelsGetMessagesRequest{Channel: &tg.InputChannel{ChannelID: 1000000001}, ID: []tg.InputMessageClass{&tg.InputMessageID{ID: 1}}},
		&tg.ChannelsEditBannedRequest{Channel: &tg.InputChannel{ChannelID: 1000000001}, Participant: peer},
		&tg.ChannelsGetParticipantRequest{Channel: &tg.InputChannel{ChannelID: 1000000001}, Participant: peer},
		&tg.ChannelsJoinChannelRequest{Channel: &tg.InputChannel{ChannelID: 1000000001}},
		&tg.UpdatesGetStateRequest{},
		&tg.UpdatesGetDifferenceRequest{Pts: 1},
		&tg.UpdatesGetChannelDifferenceRequest{Channel: &tg.InputChannel{ChannelID: 1000000001}, Filter: &tg.ChannelMessagesFilterEmpty{}, Pts: 1, Limit: 5},
		&tg.UploadSaveFilePartRequest{FileID: 1, Bytes: []byte("abc")},
		&tg.UploadSaveBigFilePartRequest{FileID: 2, FileTotalParts: 2, Bytes: []byte("abc")},
		&tg.UploadGetFileRequest{Location: &tg.InputDocumentFileLocation{ID: 5000000001}, Limit: 4096},
		&tg.StoriesSendStoryRequest{Peer: peer, Media: &tg.InputMediaUploadedPhoto{File: file}, PrivacyRules: []tg.InputPrivacyRuleClass{}},
		&tg.StoriesEditStoryRequest{Peer: peer, ID: 1, Caption: tl.Some("c"), Entities: []tg.MessageEntityClass{}},
		&tg.StoriesDeleteStoriesRequest{Peer: peer, ID: []int32{1}},
		&tg.StoriesGetStoriesByIDRequest{Peer: peer, ID: []int32{1}},
		&tg.PhoneGetGroupCallStreamRTMPURLRequest{Peer: peer, Revoke: true},
		&tg.MessagesGetBotCallbackAnswerRequest{Peer: peer, MsgID: 1, Data: tl.Some([]byte("a"))},
		&tg.MessagesSetBotCallbackAnswerRequest{QueryID: 1, Message: tl.Some("m"), URL: tl.Some("https://t.me/x")},
		&tg.MessagesGetInlineBotResultsRequest{Bot: &tg.InputUserSelf{}, Peer: peer, Query: "q"},
		&tg.MessagesSetInlineBotResultsRequest{QueryID: 1, Results: []tg.InputBotInlineResultClass{
			&tg.InputBotInlineResult{ID: "1", Type: "article", Title: tl.Some("t"), SendMessage: &tg.InputBotInlineMessageText{Message: "m"}},
		}},
		&tg.MessagesSendInlineBotResultRequest{Peer: peer, RandomID: 4, QueryID: 1, ID: "1"},
		&tg.MessagesEditInlineBotMessageRequest{ID: &tg.InputBotInlineMessageID{DCID: 2, ID: 1, AccessHash: 2}, Message: tl.Some("e")},
		&tg.MessagesSendReactionRequest{Peer: peer, MsgID: 1, Reaction: []tg.ReactionClass{&tg.ReactionEmoji{Emoticon: "x"}}},
		&tg.MessagesExportChatInviteRequest{Peer: &tg.InputPeerChannel{ChannelID: 1000000001}, RequestNeeded: true},
		&tg.MessagesImportChatInviteRequest{Hash: "00112233aabbccdd"},
		&tg.MessagesHideChatJoinRequestRequest{Approved: true, Peer: &tg.InputPeerChannel{ChannelID: 1000000001}, UserID: &tg.InputUserSelf{}},
		&tg.ChannelsEditAdminRequest{Channel: &tg.InputChannel{ChannelID: 1000000001}, UserID: &tg.InputUserSelf{}, AdminRights: tg.ChatAdminRights{PinMessages: true}},
		&tg.ChannelsLeaveChannelRequest{Channel: &tg.InputChannel{ChannelID: 1000000001}},
		&tg.MessagesSendMediaRequest{Peer: peer, RandomID: 7, Media: &tg.InputMediaPoll{Poll: tg.Poll{
			Question: tg.TextWithEntities{Text: "q", Entities: []tg.MessageEntityClass{}},
			Answers: []tg.PollAnswerClass{
				&tg.InputPollAnswer{Text: tg.TextWithEntities{Text: "a", Entities: []tg.MessageEntityClass{}}},
				&tg.PollAnswer{Text: tg.TextWithEntities{Text: "b", Entities: []tg.MessageEntityClass{}}, Option: []byte("1")},
			},
		}}},
		&tg.MessagesSendVoteRequest{Peer: peer, MsgID: 1, Options: [][]byte{[]byte("0")}},
		&tg.ChannelsDeleteMessagesRequest{Channel: &tg.InputChannel{ChannelID: 1000000001}, ID: []int32{1, 2}},
		&tg.ContactsResolvePhoneRequest{Phone: "+79990009001"},
		&tg.MessagesCheckChatInviteRequest{Hash: "00112233aabbccdd"},
		&tg.MessagesUpdatePinnedMessageRequest{Peer: peer, ID: 1},
		&tg.ChannelsEditTitleRequest{Channel: &tg.InputChannel{ChannelID: 1000000001}, Title: "t"},
		&tg.MessagesEditChatTitleRequest{ChatID: 1001, Title: "t"},
		&tg.AccountUpdateStatusRequest{Offline: true},
		&tg.MessagesAddChatUserRequest{ChatID: 1001, UserID: &tg.InputUserSelf{}},
		&tg.MessagesDeleteChatUserRequest{ChatID: 1001, UserID: &tg.InputUserSelf{}},
		&tg.PaymentsGetPaymentFormRequest{Invoice: &tg.InputInvoiceMessage{Peer: peer, MsgID: 1}},
		&tg.PaymentsSendPaymentFormRequest{FormID: 1, Invoice: &tg.InputInvoiceMessage{Peer: peer, MsgID: 1}, Credentials: &tg.InputPaymentCredentialsSaved{ID: "x", TmpPassword: []byte{1}}},
		&tg.MessagesSetBotPrecheckoutResultsRequest{Success: true, QueryID: 1},
		&tg.PaymentsValidateRequestedInfoRequest{Invoice: &tg.InputInvoiceMessage{Peer: peer, MsgID: 1}, Info: tg.PaymentRequestedInfo{Name: tl.Some("n")}},
		&tg.MessagesSetBotShippingResultsRequest{QueryID: 1, ShippingOptions: []tg.ShippingOption{{ID: "a", Title: "A", Prices: []tg.LabeledPrice{{Label: "l", Amount: 1}}}}},
		&tg.AuthLogOutRequest{},
	}
	for _, s := range seeds[:len(seeds)-1] {
		seeds = append(seeds, wrapped(s))
	}
	return seeds
}

// FuzzHandleBytes feeds arbitrary request bodies to an authorized connection of a populated
// world: whatever decodes is handled, and nothing may panic or answer without either a
// result that encodes or an rpc_error.
func FuzzHandleBytes(f *testing.F) {
	for _, s := range fuzzSeeds() {
		f.Add(encode(f, s))
	}
	f.Add([]byte{})
	f.Add([]byte{0xef, 0xbe, 0xad, 0xde})
	h := newHarness(f)
	a := h.user("Fuzz", "79990009001")
	bot := h.bot("fuzzy_bot")
	if _, err := h.w.CreateChat(a.id, "g", bot.id); err != nil {
		f.Fatal(err)
	}
	if _, err := h.w.CreateChannel(a.id, world.ChannelSpec{Title: "c", Username: "fuzz_chan", Megagroup: true, Members: []int64{bot.id}}); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		res, err := h.d.HandleBytes(ctx(), a.c.caller, body)
		if err != nil {
			if AsRPCError(err, nil) == ErrInternal {
				t.Fatalf("non-Telegram error: %v", err)
			}
			return
		}
		if res == nil {
			t.Fatal("nil result without error")
		}
		var b tl.Buffer
		if err := res.Encode(&b); err != nil {
			t.Fatalf("result %T does not encode: %v", res, err)
		}
		// Keep the account signed in so later inputs still reach the handlers.
		if err := h.w.Authorize(a.c.caller.AuthKeyID, a.id); err != nil {
			t.Fatal(err)
		}
	})
}

// TestZeroRequests hands every registered method its zero value (nil interfaces, empty
// vectors), which decoding never produces but a Go caller of Handle can: each must answer a
// result or an rpc_error, never panic.
func TestZeroRequests(t *testing.T) {
	h := newHarness(t)
	a := h.user("Zero", "79990009101")
	for _, id := range h.d.Methods() {
		req := tg.NewObject(id)
		if req == nil {
			t.Fatalf("%#x has a handler but no constructor", id)
		}
		t.Run(req.TypeName(), func(t *testing.T) {
			res, err := h.d.Handle(ctx(), a.c.caller, req)
			if err == nil && res == nil {
				t.Fatal("nil result without error")
			}
			if err != nil && AsRPCError(err, nil) == ErrInternal {
				t.Fatalf("non-Telegram error: %v", err)
			}
		})
		if err := h.w.Authorize(a.c.caller.AuthKeyID, a.id); err != nil {
			t.Fatal(err)
		}
	}
}
