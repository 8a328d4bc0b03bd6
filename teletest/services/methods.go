package services

import (
	"context"

	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// The Telegram API methods. Each handler maps the request onto one world transaction; the
// world checks authorization, access hashes and limits and builds the tg result.

// answer drops the result when err is set, so no typed nil pointer leaks into an interface.
func answer[T tl.Encoder](v T, err error) (tl.Encoder, error) {
	if err != nil {
		return nil, err
	}
	return v, nil
}

// done answers boolTrue for methods returning Bool.
func done(err error) (tl.Encoder, error) {
	if err != nil {
		return nil, err
	}
	return &tg.BoolTrue{}, nil
}

func (d *Dispatcher) registerMethods() {
	h := d.handlers
	w := d.w

	// auth.*, account.getPassword
	h[tg.AuthSendCodeRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.AuthSendCodeRequest) (tl.Encoder, error) {
		return answer(w.SendCode(c.DC, r.PhoneNumber))
	})
	h[tg.AuthSignInRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.AuthSignInRequest) (tl.Encoder, error) {
		return answer(w.SignIn(c.AuthKeyID, c.DC, r.PhoneNumber, r.PhoneCodeHash, r.PhoneCode.Value))
	})
	h[tg.AuthSignUpRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.AuthSignUpRequest) (tl.Encoder, error) {
		return answer(w.SignUp(c.AuthKeyID, c.DC, r.PhoneNumber, r.PhoneCodeHash, r.FirstName, r.LastName))
	})
	h[tg.AccountGetPasswordRequestTypeID] = typed(func(_ context.Context, c *Caller, _ *tg.AccountGetPasswordRequest) (tl.Encoder, error) {
		return answer(w.PasswordChallenge(c.AuthKeyID))
	})
	h[tg.AuthCheckPasswordRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.AuthCheckPasswordRequest) (tl.Encoder, error) {
		in, ok := r.Password.(*tg.InputCheckPasswordSRP)
		if !ok {
			return nil, world.ErrPasswordHashInvalid
		}
		return answer(w.CheckPassword(c.AuthKeyID, in.SRPID, in.A, in.M1))
	})
	h[tg.AuthImportBotAuthorizationRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.AuthImportBotAuthorizationRequest) (tl.Encoder, error) {
		return answer(w.ImportBotAuthorization(c.AuthKeyID, c.DC, r.BotAuthToken))
	})
	h[tg.AuthLogOutRequestTypeID] = typed(func(_ context.Context, c *Caller, _ *tg.AuthLogOutRequest) (tl.Encoder, error) {
		if err := w.LogOut(c.AuthKeyID); err != nil {
			return nil, err
		}
		return &tg.AuthLoggedOut{}, nil
	})
	h[tg.AuthExportAuthorizationRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.AuthExportAuthorizationRequest) (tl.Encoder, error) {
		return answer(w.ExportAuthorization(c.AuthKeyID, d.callerDC(c), int(r.DCID)))
	})
	h[tg.AuthImportAuthorizationRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.AuthImportAuthorizationRequest) (tl.Encoder, error) {
		return answer(w.ImportAuthorization(c.AuthKeyID, c.DC, r.ID, r.Bytes))
	})

	// users.*, contacts.resolveUsername
	h[tg.UsersGetUsersRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.UsersGetUsersRequest) (tl.Encoder, error) {
		us, err := w.Users(c.AuthKeyID, r.ID)
		if err != nil {
			return nil, err
		}
		return &tg.UserClassVector{Elems: us}, nil
	})
	h[tg.UsersGetFullUserRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.UsersGetFullUserRequest) (tl.Encoder, error) {
		return answer(w.FullUser(c.AuthKeyID, r.ID))
	})
	h[tg.ContactsResolveUsernameRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.ContactsResolveUsernameRequest) (tl.Encoder, error) {
		return answer(w.ResolveUsername(c.AuthKeyID, r.Username))
	})
	h[tg.ContactsResolvePhoneRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.ContactsResolvePhoneRequest) (tl.Encoder, error) {
		return answer(w.ResolvePhone(c.AuthKeyID, r.Phone))
	})
	h[tg.ContactsBlockRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.ContactsBlockRequest) (tl.Encoder, error) {
		return done(w.Block(c.AuthKeyID, r.ID))
	})
	h[tg.ContactsUnblockRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.ContactsUnblockRequest) (tl.Encoder, error) {
		return done(w.Unblock(c.AuthKeyID, r.ID))
	})

	// messages.*
	h[tg.MessagesSendMessageRequestTypeID] = typed(func(ctx context.Context, c *Caller, r *tg.MessagesSendMessageRequest) (tl.Encoder, error) {
		return d.sendDraft(ctx, c, r.Peer, world.Draft{
			RandomID: r.RandomID, Text: r.Message, Entities: r.Entities, ReplyTo: replyTo(r.ReplyTo), Silent: r.Silent,
			ReplyMarkup: r.ReplyMarkup,
		})
	})
	h[tg.MessagesSendMediaRequestTypeID] = typed(func(ctx context.Context, c *Caller, r *tg.MessagesSendMediaRequest) (tl.Encoder, error) {
		if r.Media == nil {
			return nil, world.ErrMediaEmpty
		}
		return d.sendDraft(ctx, c, r.Peer, world.Draft{
			RandomID: r.RandomID, Text: r.Message, Entities: r.Entities, ReplyTo: replyTo(r.ReplyTo),
			Silent: r.Silent, Media: r.Media, ReplyMarkup: r.ReplyMarkup,
		})
	})
	h[tg.MessagesUploadMediaRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesUploadMediaRequest) (tl.Encoder, error) {
		return answer(w.UploadMedia(c.AuthKeyID, r.Media))
	})
	h[tg.MessagesGetMessagesRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesGetMessagesRequest) (tl.Encoder, error) {
		return answer(w.Messages(c.AuthKeyID, r.ID))
	})
	h[tg.MessagesGetHistoryRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesGetHistoryRequest) (tl.Encoder, error) {
		return answer(w.History(c.AuthKeyID, r.Peer, world.HistoryQuery{
			OffsetID: r.OffsetID, OffsetDate: r.OffsetDate, AddOffset: r.AddOffset,
			Limit: r.Limit, MaxID: r.MaxID, MinID: r.MinID,
		}))
	})
	h[tg.MessagesGetDialogsRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesGetDialogsRequest) (tl.Encoder, error) {
		return answer(w.Dialogs(c.AuthKeyID, world.DialogsQuery{OffsetDate: r.OffsetDate, OffsetID: r.OffsetID, Limit: r.Limit}))
	})
	h[tg.MessagesEditMessageRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesEditMessageRequest) (tl.Encoder, error) {
		return answer(w.EditMessage(c.AuthKeyID, r.Peer, r.ID, editOf(r)))
	})
	h[tg.MessagesDeleteMessagesRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesDeleteMessagesRequest) (tl.Encoder, error) {
		return answer(w.DeleteMessages(c.AuthKeyID, r.ID, r.Revoke))
	})
	h[tg.MessagesForwardMessagesRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesForwardMessagesRequest) (tl.Encoder, error) {
		return answer(w.ForwardMessages(c.AuthKeyID, world.Forward{
			From: r.FromPeer, IDs: r.ID, RandomIDs: r.RandomID, To: r.ToPeer, Silent: r.Silent, DropAuthor: r.DropAuthor,
			DropCaptions: r.DropMediaCaptions,
		}))
	})

	// channels.*
	h[tg.ChannelsGetMessagesRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.ChannelsGetMessagesRequest) (tl.Encoder, error) {
		return answer(w.ChannelMessages(c.AuthKeyID, r.Channel, r.ID))
	})
	h[tg.ChannelsEditBannedRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.ChannelsEditBannedRequest) (tl.Encoder, error) {
		return answer(w.EditBanned(c.AuthKeyID, r.Channel, r.Participant, r.BannedRights))
	})
	h[tg.ChannelsGetParticipantRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.ChannelsGetParticipantRequest) (tl.Encoder, error) {
		return answer(w.Participant(c.AuthKeyID, r.Channel, r.Participant))
	})
	h[tg.ChannelsDeleteMessagesRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.ChannelsDeleteMessagesRequest) (tl.Encoder, error) {
		return answer(w.DeleteChannelMessages(c.AuthKeyID, r.Channel, r.ID))
	})
	h[tg.ChannelsEditAdminRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.ChannelsEditAdminRequest) (tl.Encoder, error) {
		return answer(w.EditAdmin(c.AuthKeyID, r.Channel, r.UserID, r.AdminRights, r.Rank.Value))
	})
	h[tg.ChannelsLeaveChannelRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.ChannelsLeaveChannelRequest) (tl.Encoder, error) {
		return answer(w.LeaveChannel(c.AuthKeyID, r.Channel))
	})
	h[tg.ChannelsJoinChannelRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.ChannelsJoinChannelRequest) (tl.Encoder, error) {
		return answer(w.JoinChannel(c.AuthKeyID, r.Channel))
	})

	// updates.*
	h[tg.UpdatesGetStateRequestTypeID] = typed(func(_ context.Context, c *Caller, _ *tg.UpdatesGetStateRequest) (tl.Encoder, error) {
		return answer(w.State(c.AuthKeyID))
	})
	h[tg.UpdatesGetDifferenceRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.UpdatesGetDifferenceRequest) (tl.Encoder, error) {
		return answer(w.Difference(c.AuthKeyID, r.Pts, r.Date, r.Qts, r.PtsTotalLimit.Value))
	})
	h[tg.UpdatesGetChannelDifferenceRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.UpdatesGetChannelDifferenceRequest) (tl.Encoder, error) {
		return answer(w.ChannelDifference(c.AuthKeyID, r.Channel, r.Pts, r.Limit))
	})

	// upload.*
	h[tg.UploadSaveFilePartRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.UploadSaveFilePartRequest) (tl.Encoder, error) {
		return done(w.SaveFilePart(c.AuthKeyID, r.FileID, r.FilePart, r.Bytes))
	})
	h[tg.UploadSaveBigFilePartRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.UploadSaveBigFilePartRequest) (tl.Encoder, error) {
		return done(w.SaveBigFilePart(c.AuthKeyID, r.FileID, r.FilePart, r.FileTotalParts, r.Bytes))
	})
	h[tg.UploadGetFileRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.UploadGetFileRequest) (tl.Encoder, error) {
		return answer(w.GetFile(c.AuthKeyID, c.DC, r.Location, r.Offset, r.Limit, r.Precise))
	})

	// stories.*
	h[tg.StoriesSendStoryRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.StoriesSendStoryRequest) (tl.Encoder, error) {
		sd := world.StoryDraft{
			Media: r.Media, Entities: r.Entities, Privacy: r.PrivacyRules, RandomID: r.RandomID,
			Period: r.Period.Value, Pinned: r.Pinned,
		}
		if r.Caption.Set {
			sd.Caption = &r.Caption.Value
		}
		return answer(w.SendStory(c.AuthKeyID, r.Peer, sd))
	})
	h[tg.StoriesEditStoryRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.StoriesEditStoryRequest) (tl.Encoder, error) {
		sd := world.StoryDraft{Media: r.Media, Entities: r.Entities, Privacy: r.PrivacyRules}
		if r.Caption.Set {
			sd.Caption = &r.Caption.Value
		}
		return answer(w.EditStory(c.AuthKeyID, r.Peer, r.ID, sd))
	})
	h[tg.StoriesDeleteStoriesRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.StoriesDeleteStoriesRequest) (tl.Encoder, error) {
		ids, err := w.DeleteStories(c.AuthKeyID, r.Peer, r.ID)
		if err != nil {
			return nil, err
		}
		return &tg.IntVector{Elems: ids}, nil
	})
	h[tg.StoriesGetStoriesByIDRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.StoriesGetStoriesByIDRequest) (tl.Encoder, error) {
		return answer(w.StoriesByID(c.AuthKeyID, r.Peer, r.ID))
	})

	// premium.* (boosts)
	h[tg.PremiumApplyBoostRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.PremiumApplyBoostRequest) (tl.Encoder, error) {
		return answer(w.ApplyBoost(c.AuthKeyID, r.Slots, r.Peer))
	})
	h[tg.PremiumGetMyBoostsRequestTypeID] = typed(func(_ context.Context, c *Caller, _ *tg.PremiumGetMyBoostsRequest) (tl.Encoder, error) {
		return answer(w.MyBoosts(c.AuthKeyID))
	})
	h[tg.PremiumGetBoostsStatusRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.PremiumGetBoostsStatusRequest) (tl.Encoder, error) {
		return answer(w.BoostsStatus(c.AuthKeyID, r.Peer))
	})

	// Routine calls of real clients beyond issue 6's list.
	h[tg.MessagesGetChatsRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesGetChatsRequest) (tl.Encoder, error) {
		return answer(w.Chats(c.AuthKeyID, r.ID))
	})
	h[tg.ChannelsGetChannelsRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.ChannelsGetChannelsRequest) (tl.Encoder, error) {
		return answer(w.Channels(c.AuthKeyID, r.ID))
	})
	h[tg.MessagesSetTypingRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesSetTypingRequest) (tl.Encoder, error) {
		return done(w.SetTyping(c.AuthKeyID, r.Peer, r.Action))
	})
	h[tg.AccountUpdateStatusRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.AccountUpdateStatusRequest) (tl.Encoder, error) {
		return done(w.UpdateStatus(c.AuthKeyID, r.Offline))
	})
	h[tg.MessagesUpdatePinnedMessageRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesUpdatePinnedMessageRequest) (tl.Encoder, error) {
		return answer(w.UpdatePinned(c.AuthKeyID, world.Pin{Peer: r.Peer, ID: r.ID, Unpin: r.Unpin, Silent: r.Silent, PmOneside: r.PmOneside}))
	})
	h[tg.ChannelsEditTitleRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.ChannelsEditTitleRequest) (tl.Encoder, error) {
		in, ok := r.Channel.(*tg.InputChannel)
		if !ok {
			return nil, world.ErrChannelInvalid
		}
		return answer(w.EditTitle(c.AuthKeyID, &tg.InputPeerChannel{ChannelID: in.ChannelID, AccessHash: in.AccessHash}, r.Title))
	})
	h[tg.MessagesAddChatUserRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesAddChatUserRequest) (tl.Encoder, error) {
		return answer(w.AddChatUser(c.AuthKeyID, r.ChatID, r.UserID))
	})
	h[tg.MessagesDeleteChatUserRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesDeleteChatUserRequest) (tl.Encoder, error) {
		return answer(w.DeleteChatUser(c.AuthKeyID, r.ChatID, r.UserID))
	})
	h[tg.MessagesEditChatTitleRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesEditChatTitleRequest) (tl.Encoder, error) {
		return answer(w.EditTitle(c.AuthKeyID, &tg.InputPeerChat{ChatID: r.ChatID}, r.Title))
	})
	h[tg.MessagesReadHistoryRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesReadHistoryRequest) (tl.Encoder, error) {
		return answer(w.ReadHistory(c.AuthKeyID, r.Peer, r.MaxID))
	})
	h[tg.ChannelsReadHistoryRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.ChannelsReadHistoryRequest) (tl.Encoder, error) {
		return done(w.ReadChannelHistory(c.AuthKeyID, r.Channel, r.MaxID))
	})

}

// replyTo extracts the replied message id of an InputReplyTo (0 for none or story replies).
func replyTo(in tg.InputReplyToClass) int32 {
	if r, ok := in.(*tg.InputReplyToMessage); ok {
		return r.ReplyToMsgID
	}
	return 0
}

// editOf is the change a messages.editMessage asks for (the text only when it is set).
func editOf(r *tg.MessagesEditMessageRequest) world.Edit {
	e := world.Edit{Entities: r.Entities, Media: r.Media, Markup: r.ReplyMarkup, ScheduleDate: r.ScheduleDate.Value}
	if r.Message.Set {
		e.Text = &r.Message.Value
	}
	return e
}
