package peers

import "github.com/mtgo-labs/mtgo/tl/tg"

// Entities returns the users and chats an object carries, for Learn: every result and updates
// type of the schema with users or chats lists (messages, dialogs, differences, participants,
// resolved peers, ...), the ones carrying a single user or chat (auth.authorization,
// chatInviteAlready, ...), the Box wrappers of those classes, a Vector<User>, and single
// users, chats or slices of them. Anything else gives nil, nil. A type switch, no reflection;
// TestEntitiesCoversSchema checks that no schema type with a users or chats list is missing.
func Entities(obj any) (users []tg.UserClass, chats []tg.ChatClass) {
	switch x := obj.(type) {
	case nil:
		return nil, nil
	case []tg.UserClass:
		return x, nil
	case []tg.ChatClass:
		return nil, x
	case *tg.User:
		if x != nil {
			return []tg.UserClass{x}, nil
		}
	case *tg.Chat:
		if x != nil {
			return nil, []tg.ChatClass{x}
		}
	case *tg.ChatForbidden:
		if x != nil {
			return nil, []tg.ChatClass{x}
		}
	case *tg.Channel:
		if x != nil {
			return nil, []tg.ChatClass{x}
		}
	case *tg.ChannelForbidden:
		if x != nil {
			return nil, []tg.ChatClass{x}
		}
	case *tg.UserClassVector:
		if x != nil {
			return x.Elems, nil
		}
	case *tg.UserClassBox:
		if x != nil {
			return []tg.UserClass{x.User}, nil
		}
	case *tg.ChatClassBox:
		if x != nil {
			return nil, []tg.ChatClass{x.Chat}
		}
	case *tg.ChatInvite:
		if x != nil {
			return x.Participants, nil
		}
	case *tg.BotsAccessSettings:
		if x != nil {
			return x.AddUsers, nil
		}
	case *tg.AccountAuthorizationForm:
		if x != nil {
			return x.Users, nil
		}
	case *tg.AccountAutoSaveSettings:
		if x != nil {
			return x.Users, x.Chats
		}
	case *tg.AccountBusinessChatLinks:
		if x != nil {
			return x.Users, x.Chats
		}
	case *tg.AccountChatThemes:
		if x != nil {
			return x.Users, x.Chats
		}
	case *tg.AccountConnectedBots:
		if x != nil {
			return x.Users, nil
		}
	case *tg.AccountPrivacyRules:
		if x != nil {
			return x.Users, x.Chats
		}
	case *tg.AccountResolvedBusinessChatLinks:
		if x != nil {
			return x.Users, x.Chats
		}
	case *tg.AccountWebAuthorizations:
		if x != nil {
			return x.Users, nil
		}
	case *tg.AicomposeTones:
		if x != nil {
			return x.Users, nil
		}
	case *tg.AttachMenuBots:
		if x != nil {
			return x.Users, nil
		}
	case *tg.AttachMenuBotsBot:
		if x != nil {
			return x.Users, nil
		}
	case *tg.AuthAuthorization:
		if x != nil {
			return []tg.UserClass{x.User}, nil
		}
	case *tg.BotsPopularAppBots:
		if x != nil {
			return x.Users, nil
		}
	case *tg.ChannelsAdminLogResults:
		if x != nil {
			return x.Users, x.Chats
		}
	case *tg.ChannelsChannelParticipant:
		if x != nil {
			return x.Users, x.Chats
		}
	case *tg.ChannelsChannelParticipants:
		if x != nil {
			return x.Users, x.Chats
		}
	case *tg.ChannelsSendAsPeers:
		if x != nil {
			return x.Users, x.Chats
		}
	case *tg.ChatInviteAlready:
		if x != nil {
			return nil, []tg.ChatClass{x.Chat}
		}
	case *tg.ChatInvitePeek:
		if x != nil {
			return nil, []tg.ChatClass{x.Chat}
		}
	case *tg.ChatlistsChatlistInvite:
		if x != nil {
			return x.Users, x.Chats
		}
	case *tg.ChatlistsChatlistInviteAlready:
		if x != nil {
			return x.Users, x.Chats
		}
	case *tg.ChatlistsChatlistUpdates:
		if x != nil {
			return x.Users, x.Chats
		}
	case *tg.ChatlistsExportedInvites:
		if x != nil {
			return x.Users, x.Chats
		}
	case *tg.CommunitiesParticipantJoinedChats:
		if x != nil {
			return x.Users, x.Chats
		}
	case *tg.CommunitiesPeerLinkRequests:
		if x != nil {
			return x.Users, x.Chats
		}
	case *tg.ContactsBlocked:
		if x != nil {
			return x.Users, x.Chats
		}
	case *tg.ContactsBlockedSlice:
		if x != nil {
			return x.Users, x.Chats
		}
	case *tg.ContactsContactBirthdays:
		if x != nil {
			return x.Users, nil
		}
	case *tg.ContactsContacts:
		if x != nil {
			return x.Users, nil
		}
	case *tg.ContactsFound:
		if x != nil {
			return x.Users, x.Chats
		}
	case *tg.ContactsImportedContacts:
		if x != nil {
			return x.Users, nil
		}
	case *tg.ContactsResolvedPeer:
		if x != nil {
			return x.Users, x.Chats
		}
	case *tg.ContactsSponsoredPeers:
		if x != nil {
			return x.Users, x.Chats
		}
	case *tg.ContactsTopPeers:
		if x != nil {
			return x.Users, x.Chats
		}
	case *tg.HelpPremiumPromo:
		if x != nil {
			return x.Users, nil
		}
	case *tg.HelpPromoData:
		if x != nil {
			return x.Users, x.Chats
		}
	case *tg.HelpRecentMeURLs:
		if x != nil {
			return x.Users, x.Chats
		}
	case *tg.HelpSupport:
		if x != nil {
			return []tg.UserClass{x.User}, nil
		}
	case *tg.MessagesBotResults:
		if x != nil {
			return x.Users, nil
		}
	case *tg.MessagesChannelMessages:
		if x != nil {
			return x.Users, x.Chats
		}
	case *tg.MessagesChatAdminsWithInvites:
		if x != nil {
			return x.Users, nil
		}
	case *tg.MessagesChatFull:
		if x != nil {
			return x.Users, x.Chats
		}
	case *tg.MessagesChatInviteImporters:
		if x != nil {
			return x.Users, nil
		}
	case *tg.MessagesChatInviteJoinResultWebView:
		if x != nil {
			return x.Users, nil
		}
	case *tg.MessagesChats:
		if x != nil {
			return nil, x.Chats
		}
	case *tg.MessagesChatsSlice:
		if x != nil {
			return nil, x.Chats
		}
	case *tg.MessagesDialogs:
		if x != nil {
			return x.Users, x.Chats
		}
	case *tg.MessagesDialogsSlice:
		if x != nil {
			return x.Users, x.Chats
		}
	case *tg.MessagesDiscussionMessage:
		if x != nil {
			return x.Users, x.Chats
		}
	case *tg.MessagesExportedChatInvite:
		if x != nil {
			return x.Users, nil
		}
	case *tg.MessagesExportedChatInviteReplaced:
		if x != nil {
			return x.Users, nil
		}
	case *tg.MessagesExportedChatInvites:
		if x != nil {
			return x.Users, nil
		}
	case *tg.MessagesForumTopics:
		if x != nil {
			return x.Users, x.Chats
		}
	case *tg.MessagesHighScores:
		if x != nil {
			return x.Users, nil
		}
	case *tg.MessagesInactiveChats:
		if x != nil {
			return x.Users, x.Chats
		}
	case *tg.MessagesMessageReactionsList:
		if x != nil {
			return x.Users, x.Chats
		}
	case *tg.MessagesMessageViews:
		if x != nil {
			return x.Users, x.Chats
		}
	case *tg.MessagesMessages:
		if x != nil {
			return x.Users, x.Chats
		}
	case *tg.MessagesMessagesSlice:
		if x != nil {
			return x.Users, x.Chats
		}
	case *tg.MessagesPeerDialogs:
		if x != nil {
			return x.Users, x.Chats
		}
	case *tg.MessagesPeerSettings:
		if x != nil {
			return x.Users, x.Chats
		}
	case *tg.MessagesPreparedInlineMessage:
		if x != nil {
			return x.Users, nil
		}
	case *tg.MessagesQuickReplies:
		if x != nil {
			return x.Users, x.Chats
		}
	case *tg.MessagesSavedDialogs:
		if x != nil {
			return x.Users, x.Chats
		}
	case *tg.MessagesSavedDialogsSlice:
		if x != nil {
			return x.Users, x.Chats
		}
	case *tg.MessagesSearchResultsCalendar:
		if x != nil {
			return x.Users, x.Chats
		}
	case *tg.MessagesSponsoredMessages:
		if x != nil {
			return x.Users, x.Chats
		}
	case *tg.MessagesVotesList:
		if x != nil {
			return x.Users, x.Chats
		}
	case *tg.MessagesWebPage:
		if x != nil {
			return x.Users, x.Chats
		}
	case *tg.MessagesWebPagePreview:
		if x != nil {
			return x.Users, x.Chats
		}
	case *tg.PaymentsCheckedGiftCode:
		if x != nil {
			return x.Users, x.Chats
		}
	case *tg.PaymentsConnectedStarRefBots:
		if x != nil {
			return x.Users, nil
		}
	case *tg.PaymentsPaymentForm:
		if x != nil {
			return x.Users, nil
		}
	case *tg.PaymentsPaymentFormStars:
		if x != nil {
			return x.Users, nil
		}
	case *tg.PaymentsPaymentReceipt:
		if x != nil {
			return x.Users, nil
		}
	case *tg.PaymentsPaymentReceiptStars:
		if x != nil {
			return x.Users, nil
		}
	case *tg.PaymentsResaleStarGifts:
		if x != nil {
			return x.Users, x.Chats
		}
	case *tg.PaymentsSavedStarGifts:
		if x != nil {
			return x.Users, x.Chats
		}
	case *tg.PaymentsStarGiftActiveAuctions:
		if x != nil {
			return x.Users, x.Chats
		}
	case *tg.PaymentsStarGiftAuctionAcquiredGifts:
		if x != nil {
			return x.Users, x.Chats
		}
	case *tg.PaymentsStarGiftAuctionState:
		if x != nil {
			return x.Users, x.Chats
		}
	case *tg.PaymentsStarGifts:
		if x != nil {
			return x.Users, x.Chats
		}
	case *tg.PaymentsStarsStatus:
		if x != nil {
			return x.Users, x.Chats
		}
	case *tg.PaymentsSuggestedStarRefBots:
		if x != nil {
			return x.Users, nil
		}
	case *tg.PaymentsUniqueStarGift:
		if x != nil {
			return x.Users, x.Chats
		}
	case *tg.PhoneGroupCall:
		if x != nil {
			return x.Users, x.Chats
		}
	case *tg.PhoneGroupCallStars:
		if x != nil {
			return x.Users, x.Chats
		}
	case *tg.PhoneGroupParticipants:
		if x != nil {
			return x.Users, x.Chats
		}
	case *tg.PhoneJoinAsPeers:
		if x != nil {
			return x.Users, x.Chats
		}
	case *tg.PhonePhoneCall:
		if x != nil {
			return x.Users, nil
		}
	case *tg.PhotosPhoto:
		if x != nil {
			return x.Users, nil
		}
	case *tg.PhotosPhotos:
		if x != nil {
			return x.Users, nil
		}
	case *tg.PhotosPhotosSlice:
		if x != nil {
			return x.Users, nil
		}
	case *tg.PremiumBoostsList:
		if x != nil {
			return x.Users, nil
		}
	case *tg.PremiumMyBoosts:
		if x != nil {
			return x.Users, x.Chats
		}
	case *tg.StatsMegagroupStats:
		if x != nil {
			return x.Users, nil
		}
	case *tg.StatsPublicForwards:
		if x != nil {
			return x.Users, x.Chats
		}
	case *tg.StoriesAllStories:
		if x != nil {
			return x.Users, x.Chats
		}
	case *tg.StoriesFoundStories:
		if x != nil {
			return x.Users, x.Chats
		}
	case *tg.StoriesPeerStories:
		if x != nil {
			return x.Users, x.Chats
		}
	case *tg.StoriesStories:
		if x != nil {
			return x.Users, x.Chats
		}
	case *tg.StoriesStoryReactionsList:
		if x != nil {
			return x.Users, x.Chats
		}
	case *tg.StoriesStoryViews:
		if x != nil {
			return x.Users, nil
		}
	case *tg.StoriesStoryViewsList:
		if x != nil {
			return x.Users, x.Chats
		}
	case *tg.URLAuthResultRequest:
		if x != nil {
			return []tg.UserClass{x.Bot}, nil
		}
	case *tg.Updates:
		if x != nil {
			return x.Users, x.Chats
		}
	case *tg.UpdatesChannelDifference:
		if x != nil {
			return x.Users, x.Chats
		}
	case *tg.UpdatesChannelDifferenceTooLong:
		if x != nil {
			return x.Users, x.Chats
		}
	case *tg.UpdatesCombined:
		if x != nil {
			return x.Users, x.Chats
		}
	case *tg.UpdatesDifference:
		if x != nil {
			return x.Users, x.Chats
		}
	case *tg.UpdatesDifferenceSlice:
		if x != nil {
			return x.Users, x.Chats
		}
	case *tg.UsersUserFull:
		if x != nil {
			return x.Users, x.Chats
		}
	case *tg.UsersUsers:
		if x != nil {
			return x.Users, nil
		}
	case *tg.UsersUsersSlice:
		if x != nil {
			return x.Users, nil
		}
	case *tg.AccountChatThemesClassBox:
		if x != nil {
			return Entities(x.AccountChatThemes)
		}
	case *tg.AicomposeTonesClassBox:
		if x != nil {
			return Entities(x.AicomposeTones)
		}
	case *tg.AttachMenuBotsClassBox:
		if x != nil {
			return Entities(x.AttachMenuBots)
		}
	case *tg.AuthAuthorizationClassBox:
		if x != nil {
			return Entities(x.AuthAuthorization)
		}
	case *tg.ChannelsChannelParticipantsClassBox:
		if x != nil {
			return Entities(x.ChannelsChannelParticipants)
		}
	case *tg.ChatInviteClassBox:
		if x != nil {
			return Entities(x.ChatInvite)
		}
	case *tg.ChatlistsChatlistInviteClassBox:
		if x != nil {
			return Entities(x.ChatlistsChatlistInvite)
		}
	case *tg.ContactsBlockedClassBox:
		if x != nil {
			return Entities(x.ContactsBlocked)
		}
	case *tg.ContactsContactsClassBox:
		if x != nil {
			return Entities(x.ContactsContacts)
		}
	case *tg.ContactsSponsoredPeersClassBox:
		if x != nil {
			return Entities(x.ContactsSponsoredPeers)
		}
	case *tg.ContactsTopPeersClassBox:
		if x != nil {
			return Entities(x.ContactsTopPeers)
		}
	case *tg.HelpPromoDataClassBox:
		if x != nil {
			return Entities(x.HelpPromoData)
		}
	case *tg.MessagesChatInviteJoinResultClassBox:
		if x != nil {
			return Entities(x.MessagesChatInviteJoinResult)
		}
	case *tg.MessagesChatsClassBox:
		if x != nil {
			return Entities(x.MessagesChats)
		}
	case *tg.MessagesDialogsClassBox:
		if x != nil {
			return Entities(x.MessagesDialogs)
		}
	case *tg.MessagesExportedChatInviteClassBox:
		if x != nil {
			return Entities(x.MessagesExportedChatInvite)
		}
	case *tg.MessagesMessagesClassBox:
		if x != nil {
			return Entities(x.MessagesMessages)
		}
	case *tg.MessagesQuickRepliesClassBox:
		if x != nil {
			return Entities(x.MessagesQuickReplies)
		}
	case *tg.MessagesSavedDialogsClassBox:
		if x != nil {
			return Entities(x.MessagesSavedDialogs)
		}
	case *tg.MessagesSponsoredMessagesClassBox:
		if x != nil {
			return Entities(x.MessagesSponsoredMessages)
		}
	case *tg.PaymentsPaymentFormClassBox:
		if x != nil {
			return Entities(x.PaymentsPaymentForm)
		}
	case *tg.PaymentsPaymentReceiptClassBox:
		if x != nil {
			return Entities(x.PaymentsPaymentReceipt)
		}
	case *tg.PaymentsStarGiftActiveAuctionsClassBox:
		if x != nil {
			return Entities(x.PaymentsStarGiftActiveAuctions)
		}
	case *tg.PaymentsStarGiftsClassBox:
		if x != nil {
			return Entities(x.PaymentsStarGifts)
		}
	case *tg.PhotosPhotosClassBox:
		if x != nil {
			return Entities(x.PhotosPhotos)
		}
	case *tg.StoriesAllStoriesClassBox:
		if x != nil {
			return Entities(x.StoriesAllStories)
		}
	case *tg.URLAuthResultClassBox:
		if x != nil {
			return Entities(x.URLAuthResult)
		}
	case *tg.UpdatesChannelDifferenceClassBox:
		if x != nil {
			return Entities(x.UpdatesChannelDifference)
		}
	case *tg.UpdatesClassBox:
		if x != nil {
			return Entities(x.Updates)
		}
	case *tg.UpdatesDifferenceClassBox:
		if x != nil {
			return Entities(x.UpdatesDifference)
		}
	case *tg.UsersUsersClassBox:
		if x != nil {
			return Entities(x.UsersUsers)
		}
	}
	return nil, nil
}
