package services

import (
	"context"

	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Chats, channels, members, administration, invite links, forum topics, folders and the
// chat list (the world's chatadmin.go, chatlife.go, invite.go, topics.go, folders.go,
// adminlog.go).
func (d *Dispatcher) registerChats() {
	h := d.handlers
	w := d.w
	// userOnly refuses bots (BOT_METHOD_INVALID) for the methods only people may call
	// (method-usability-errors.csv).
	userOnly := func(next Handler) Handler {
		return func(ctx context.Context, c *Caller, req tl.Object) (tl.Encoder, error) {
			if err := w.RequireUser(c.AuthKeyID); err != nil {
				return nil, err
			}
			return next(ctx, c, req)
		}
	}

	// creation, migration, deletion, full info
	h[tg.ChannelsCreateChannelRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.ChannelsCreateChannelRequest) (tl.Encoder, error) {
		return answer(w.CreateChannelAPI(c.AuthKeyID, world.NewChannelSpec{Title: r.Title, About: r.About, Megagroup: r.Megagroup, Forum: r.Forum, TTL: r.TTLPeriod.Value}))
	})
	h[tg.MessagesCreateChatRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesCreateChatRequest) (tl.Encoder, error) {
		return answer(w.CreateChatAPI(c.AuthKeyID, r.Title, r.Users))
	})
	h[tg.MessagesMigrateChatRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesMigrateChatRequest) (tl.Encoder, error) {
		return answer(w.MigrateChat(c.AuthKeyID, r.ChatID))
	})
	h[tg.ChannelsDeleteChannelRequestTypeID] = userOnly(typed(func(_ context.Context, c *Caller, r *tg.ChannelsDeleteChannelRequest) (tl.Encoder, error) {
		return answer(w.DeleteChannel(c.AuthKeyID, r.Channel))
	}))
	h[tg.MessagesDeleteChatRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesDeleteChatRequest) (tl.Encoder, error) {
		return done(w.DeleteChat(c.AuthKeyID, r.ChatID))
	})
	h[tg.ChannelsGetFullChannelRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.ChannelsGetFullChannelRequest) (tl.Encoder, error) {
		return answer(w.FullChannel(c.AuthKeyID, r.Channel))
	})
	h[tg.MessagesGetFullChatRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesGetFullChatRequest) (tl.Encoder, error) {
		return answer(w.FullChat(c.AuthKeyID, r.ChatID))
	})
	h[tg.MessagesGetOnlinesRequestTypeID] = userOnly(typed(func(_ context.Context, c *Caller, r *tg.MessagesGetOnlinesRequest) (tl.Encoder, error) {
		return answer(w.Onlines(c.AuthKeyID, r.Peer))
	}))

	// settings
	h[tg.MessagesEditChatAboutRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesEditChatAboutRequest) (tl.Encoder, error) {
		return done(w.EditAbout(c.AuthKeyID, r.Peer, r.About))
	})
	h[tg.MessagesEditChatDefaultBannedRightsRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesEditChatDefaultBannedRightsRequest) (tl.Encoder, error) {
		return answer(w.EditDefaultRights(c.AuthKeyID, r.Peer, r.BannedRights))
	})
	h[tg.ChannelsToggleSlowModeRequestTypeID] = userOnly(typed(func(_ context.Context, c *Caller, r *tg.ChannelsToggleSlowModeRequest) (tl.Encoder, error) {
		return answer(w.ToggleSlowMode(c.AuthKeyID, r.Channel, r.Seconds))
	}))
	h[tg.MessagesToggleNoForwardsRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesToggleNoForwardsRequest) (tl.Encoder, error) {
		return answer(w.ToggleNoForwards(c.AuthKeyID, r.Peer, r.Enabled))
	})
	h[tg.ChannelsTogglePreHistoryHiddenRequestTypeID] = userOnly(typed(func(_ context.Context, c *Caller, r *tg.ChannelsTogglePreHistoryHiddenRequest) (tl.Encoder, error) {
		return answer(w.TogglePreHistoryHidden(c.AuthKeyID, r.Channel, r.Enabled))
	}))
	h[tg.ChannelsToggleSignaturesRequestTypeID] = userOnly(typed(func(_ context.Context, c *Caller, r *tg.ChannelsToggleSignaturesRequest) (tl.Encoder, error) {
		return answer(w.ToggleSignatures(c.AuthKeyID, r.Channel, r.SignaturesEnabled))
	}))
	h[tg.MessagesSetHistoryTTLRequestTypeID] = userOnly(typed(func(_ context.Context, c *Caller, r *tg.MessagesSetHistoryTTLRequest) (tl.Encoder, error) {
		return answer(w.SetHistoryTTL(c.AuthKeyID, r.Peer, r.Period))
	}))
	h[tg.MessagesSetChatAvailableReactionsRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesSetChatAvailableReactionsRequest) (tl.Encoder, error) {
		return answer(w.SetReactions(c.AuthKeyID, r.Peer, r.AvailableReactions))
	})
	h[tg.ChannelsEditPhotoRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.ChannelsEditPhotoRequest) (tl.Encoder, error) {
		return answer(w.EditPhoto(c.AuthKeyID, world.ChannelInputPeer(r.Channel), r.Photo))
	})
	h[tg.MessagesEditChatPhotoRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesEditChatPhotoRequest) (tl.Encoder, error) {
		return answer(w.EditPhoto(c.AuthKeyID, &tg.InputPeerChat{ChatID: r.ChatID}, r.Photo))
	})
	h[tg.ChannelsUpdateUsernameRequestTypeID] = userOnly(typed(func(_ context.Context, c *Caller, r *tg.ChannelsUpdateUsernameRequest) (tl.Encoder, error) {
		return done(w.UpdateChannelUsername(c.AuthKeyID, r.Channel, r.Username))
	}))
	h[tg.ChannelsReorderUsernamesRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.ChannelsReorderUsernamesRequest) (tl.Encoder, error) {
		return done(w.ReorderUsernames(c.AuthKeyID, r.Channel, r.Order))
	})
	h[tg.ChannelsToggleUsernameRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.ChannelsToggleUsernameRequest) (tl.Encoder, error) {
		return done(w.ToggleUsername(c.AuthKeyID, r.Channel, r.Username, r.Active))
	})
	h[tg.ChannelsSetDiscussionGroupRequestTypeID] = userOnly(typed(func(_ context.Context, c *Caller, r *tg.ChannelsSetDiscussionGroupRequest) (tl.Encoder, error) {
		return done(w.SetDiscussionGroup(c.AuthKeyID, r.Broadcast, r.Group))
	}))
	h[tg.ChannelsGetGroupsForDiscussionRequestTypeID] = typed(func(_ context.Context, c *Caller, _ *tg.ChannelsGetGroupsForDiscussionRequest) (tl.Encoder, error) {
		return answer(w.GroupsForDiscussion(c.AuthKeyID))
	})
	h[tg.ChannelsGetSendAsRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.ChannelsGetSendAsRequest) (tl.Encoder, error) {
		return answer(w.SendAsPeers(c.AuthKeyID, r.Peer))
	})
	h[tg.MessagesSaveDefaultSendAsRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesSaveDefaultSendAsRequest) (tl.Encoder, error) {
		return done(w.SaveDefaultSendAs(c.AuthKeyID, r.Peer, r.SendAs))
	})

	// members and administration
	h[tg.ChannelsGetParticipantsRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.ChannelsGetParticipantsRequest) (tl.Encoder, error) {
		return answer(w.Participants(c.AuthKeyID, r.Channel, world.ParticipantsQuery{Filter: r.Filter, Offset: r.Offset, Limit: r.Limit}))
	})
	h[tg.ChannelsInviteToChannelRequestTypeID] = userOnly(typed(func(_ context.Context, c *Caller, r *tg.ChannelsInviteToChannelRequest) (tl.Encoder, error) {
		return answer(w.InviteToChannel(c.AuthKeyID, r.Channel, r.Users))
	}))
	h[tg.MessagesEditChatAdminRequestTypeID] = userOnly(typed(func(_ context.Context, c *Caller, r *tg.MessagesEditChatAdminRequest) (tl.Encoder, error) {
		return done(w.EditChatAdmin(c.AuthKeyID, r.ChatID, r.UserID, r.IsAdmin))
	}))
	h[tg.MessagesEditChatCreatorRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesEditChatCreatorRequest) (tl.Encoder, error) {
		return answer(w.EditCreator(c.AuthKeyID, r.Peer, r.UserID, r.Password))
	})
	h[tg.ChannelsDeleteParticipantHistoryRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.ChannelsDeleteParticipantHistoryRequest) (tl.Encoder, error) {
		return answer(w.DeleteParticipantHistory(c.AuthKeyID, r.Channel, r.Participant))
	})
	h[tg.ChannelsReportSpamRequestTypeID] = userOnly(typed(func(_ context.Context, c *Caller, r *tg.ChannelsReportSpamRequest) (tl.Encoder, error) {
		return done(w.ReportSpam(c.AuthKeyID, r.Channel, r.Participant, r.ID))
	}))
	h[tg.ChannelsGetAdminLogRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.ChannelsGetAdminLogRequest) (tl.Encoder, error) {
		return answer(w.AdminLog(c.AuthKeyID, r.Channel, world.AdminLogQuery{
			Q: r.Q, Filter: r.EventsFilter, Admins: r.Admins, MaxID: r.MaxID, MinID: r.MinID, Limit: r.Limit,
		}))
	})

	// invite links and join requests
	h[tg.MessagesExportChatInviteRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesExportChatInviteRequest) (tl.Encoder, error) {
		return answer(w.ExportInvite(c.AuthKeyID, r.Peer, world.InviteSpec{
			RequestNeeded: r.RequestNeeded, ExpireDate: r.ExpireDate.Value, UsageLimit: r.UsageLimit.Value, Title: r.Title.Value,
			LegacyRevokePermanent: r.LegacyRevokePermanent, Pricing: r.SubscriptionPricing,
		}))
	})
	h[tg.MessagesEditExportedChatInviteRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesEditExportedChatInviteRequest) (tl.Encoder, error) {
		e := world.InviteEdit{Revoke: r.Revoked}
		if r.ExpireDate.Set {
			e.ExpireDate = &r.ExpireDate.Value
		}
		if r.UsageLimit.Set {
			e.UsageLimit = &r.UsageLimit.Value
		}
		if r.RequestNeeded.Set {
			e.RequestNeeded = &r.RequestNeeded.Value
		}
		if r.Title.Set {
			e.Title = &r.Title.Value
		}
		return answer(w.EditInvite(c.AuthKeyID, r.Peer, r.Link, e))
	})
	h[tg.MessagesGetExportedChatInviteRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesGetExportedChatInviteRequest) (tl.Encoder, error) {
		return answer(w.InviteInfo(c.AuthKeyID, r.Peer, r.Link))
	})
	h[tg.MessagesGetExportedChatInvitesRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesGetExportedChatInvitesRequest) (tl.Encoder, error) {
		return answer(w.Invites(c.AuthKeyID, r.Peer, world.InvitesQuery{
			Admin: r.AdminID, Revoked: r.Revoked, OffsetDate: r.OffsetDate.Value, OffsetLink: r.OffsetLink.Value, Limit: r.Limit,
		}))
	})
	h[tg.MessagesDeleteExportedChatInviteRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesDeleteExportedChatInviteRequest) (tl.Encoder, error) {
		return done(w.DeleteInvite(c.AuthKeyID, r.Peer, r.Link))
	})
	h[tg.MessagesDeleteRevokedExportedChatInvitesRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesDeleteRevokedExportedChatInvitesRequest) (tl.Encoder, error) {
		return done(w.DeleteRevokedInvites(c.AuthKeyID, r.Peer, r.AdminID))
	})
	h[tg.MessagesGetAdminsWithInvitesRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesGetAdminsWithInvitesRequest) (tl.Encoder, error) {
		return answer(w.AdminsWithInvites(c.AuthKeyID, r.Peer))
	})
	h[tg.MessagesGetChatInviteImportersRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesGetChatInviteImportersRequest) (tl.Encoder, error) {
		q := world.ImportersQuery{Requested: r.Requested, Link: r.Link.Value, Q: r.Q.Value, OffsetDate: r.OffsetDate, Limit: r.Limit}
		if u, ok := r.OffsetUser.(*tg.InputUser); ok {
			q.OffsetUser = u.UserID
		}
		return answer(w.Importers(c.AuthKeyID, r.Peer, q))
	})
	h[tg.MessagesHideAllChatJoinRequestsRequestTypeID] = userOnly(typed(func(_ context.Context, c *Caller, r *tg.MessagesHideAllChatJoinRequestsRequest) (tl.Encoder, error) {
		return answer(w.HideAllJoinRequests(c.AuthKeyID, r.Peer, r.Approved, r.Link.Value))
	}))

	// forum topics
	h[tg.MessagesCreateForumTopicRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesCreateForumTopicRequest) (tl.Encoder, error) {
		return answer(w.CreateTopic(c.AuthKeyID, r.Peer, world.TopicSpec{Title: r.Title, IconColor: r.IconColor.Value, IconEmoji: r.IconEmojiID.Value, RandomID: r.RandomID}))
	})
	h[tg.MessagesEditForumTopicRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesEditForumTopicRequest) (tl.Encoder, error) {
		var e world.TopicEdit
		if r.Title.Set {
			e.Title = &r.Title.Value
		}
		if r.IconEmojiID.Set {
			e.IconEmoji = &r.IconEmojiID.Value
		}
		if r.Closed.Set {
			e.Closed = &r.Closed.Value
		}
		if r.Hidden.Set {
			e.Hidden = &r.Hidden.Value
		}
		return answer(w.EditTopic(c.AuthKeyID, r.Peer, r.TopicID, e))
	})
	h[tg.MessagesUpdatePinnedForumTopicRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesUpdatePinnedForumTopicRequest) (tl.Encoder, error) {
		return answer(w.PinTopic(c.AuthKeyID, r.Peer, r.TopicID, r.Pinned))
	})
	h[tg.MessagesDeleteTopicHistoryRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesDeleteTopicHistoryRequest) (tl.Encoder, error) {
		return answer(w.DeleteTopic(c.AuthKeyID, r.Peer, r.TopMsgID))
	})
	h[tg.MessagesGetForumTopicsRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesGetForumTopicsRequest) (tl.Encoder, error) {
		return answer(w.Topics(c.AuthKeyID, r.Peer, world.TopicsQuery{Q: r.Q.Value, OffsetTopic: r.OffsetTopic, Limit: r.Limit}))
	})
	h[tg.MessagesGetForumTopicsByIDRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesGetForumTopicsByIDRequest) (tl.Encoder, error) {
		return answer(w.TopicsByID(c.AuthKeyID, r.Peer, r.Topics))
	})

	// the chat list and folders
	h[tg.MessagesGetDialogsRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesGetDialogsRequest) (tl.Encoder, error) {
		return answer(w.DialogList(c.AuthKeyID, world.DialogListQuery{
			ExcludePinned: r.ExcludePinned, FolderID: r.FolderID.Value, OffsetDate: r.OffsetDate, OffsetID: r.OffsetID, Limit: r.Limit,
		}))
	})
	h[tg.MessagesToggleDialogPinRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesToggleDialogPinRequest) (tl.Encoder, error) {
		return done(w.TogglePin(c.AuthKeyID, r.Peer, r.Pinned))
	})
	h[tg.MessagesMarkDialogUnreadRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesMarkDialogUnreadRequest) (tl.Encoder, error) {
		return done(w.MarkUnread(c.AuthKeyID, r.Peer, r.Unread))
	})
	h[tg.AccountUpdateNotifySettingsRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.AccountUpdateNotifySettingsRequest) (tl.Encoder, error) {
		return done(w.UpdateNotifySettings(c.AuthKeyID, r.Peer, r.Settings))
	})
	h[tg.FoldersEditPeerFoldersRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.FoldersEditPeerFoldersRequest) (tl.Encoder, error) {
		return answer(w.EditPeerFolders(c.AuthKeyID, r.FolderPeers))
	})
	h[tg.MessagesGetDialogFiltersRequestTypeID] = typed(func(_ context.Context, c *Caller, _ *tg.MessagesGetDialogFiltersRequest) (tl.Encoder, error) {
		return answer(w.Folders(c.AuthKeyID))
	})
	h[tg.MessagesUpdateDialogFilterRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesUpdateDialogFilterRequest) (tl.Encoder, error) {
		return done(w.UpdateFolder(c.AuthKeyID, r.ID, r.Filter))
	})
	h[tg.MessagesUpdateDialogFiltersOrderRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesUpdateDialogFiltersOrderRequest) (tl.Encoder, error) {
		return done(w.OrderFolders(c.AuthKeyID, r.Order))
	})
}
