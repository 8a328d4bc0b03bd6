package services

import (
	"context"

	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// registerAccount adds the methods of users, contacts, profile, privacy, sessions, the login
// extras (QR login, code resend, password management, takeout) and bot settings.
func (d *Dispatcher) registerAccount() {
	h, w := d.handlers, d.w

	// users, contacts
	h[tg.ContactsGetContactsRequestTypeID] = typed(func(_ context.Context, c *Caller, _ *tg.ContactsGetContactsRequest) (tl.Encoder, error) {
		return answer(w.GetContacts(c.AuthKeyID))
	})
	h[tg.ContactsAddContactRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.ContactsAddContactRequest) (tl.Encoder, error) {
		return answer(w.AddContact(c.AuthKeyID, r.ID, r.FirstName, r.LastName, r.AddPhonePrivacyException))
	})
	h[tg.ContactsImportContactsRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.ContactsImportContactsRequest) (tl.Encoder, error) {
		return answer(w.ImportContacts(c.AuthKeyID, r.Contacts))
	})
	h[tg.ContactsDeleteContactsRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.ContactsDeleteContactsRequest) (tl.Encoder, error) {
		return answer(w.DeleteContacts(c.AuthKeyID, r.ID))
	})
	h[tg.ContactsSearchRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.ContactsSearchRequest) (tl.Encoder, error) {
		return answer(w.SearchContacts(c.AuthKeyID, r.Q, r.Limit))
	})
	h[tg.ContactsGetBlockedRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.ContactsGetBlockedRequest) (tl.Encoder, error) {
		return answer(w.GetBlocked(c.AuthKeyID, r.Offset, r.Limit))
	})
	h[tg.ContactsGetTopPeersRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.ContactsGetTopPeersRequest) (tl.Encoder, error) {
		return answer(w.GetTopPeers(c.AuthKeyID, r))
	})
	h[tg.MessagesGetCommonChatsRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.MessagesGetCommonChatsRequest) (tl.Encoder, error) {
		return answer(w.CommonChats(c.AuthKeyID, r.UserID, r.MaxID, r.Limit))
	})

	// profile
	h[tg.AccountUpdateProfileRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.AccountUpdateProfileRequest) (tl.Encoder, error) {
		return answer(w.UpdateProfile(c.AuthKeyID, r.FirstName, r.LastName, r.About))
	})
	h[tg.AccountUpdateUsernameRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.AccountUpdateUsernameRequest) (tl.Encoder, error) {
		return answer(w.UpdateUsername(c.AuthKeyID, r.Username))
	})
	h[tg.AccountUpdateEmojiStatusRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.AccountUpdateEmojiStatusRequest) (tl.Encoder, error) {
		return done(w.UpdateEmojiStatus(c.AuthKeyID, r.EmojiStatus))
	})
	h[tg.PhotosUploadProfilePhotoRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.PhotosUploadProfilePhotoRequest) (tl.Encoder, error) {
		return answer(w.UploadProfilePhoto(c.AuthKeyID, r.File, r.Video))
	})
	h[tg.PhotosUpdateProfilePhotoRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.PhotosUpdateProfilePhotoRequest) (tl.Encoder, error) {
		return answer(w.UpdateProfilePhoto(c.AuthKeyID, r.ID))
	})
	h[tg.PhotosGetUserPhotosRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.PhotosGetUserPhotosRequest) (tl.Encoder, error) {
		return answer(w.GetUserPhotos(c.AuthKeyID, r.UserID, r.Offset, r.Limit))
	})
	h[tg.PhotosDeletePhotosRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.PhotosDeletePhotosRequest) (tl.Encoder, error) {
		ids, err := w.DeletePhotos(c.AuthKeyID, r.ID)
		if err != nil {
			return nil, err
		}
		return &tg.LongVector{Elems: ids}, nil
	})

	h[tg.AccountUpdateBirthdayRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.AccountUpdateBirthdayRequest) (tl.Encoder, error) {
		return done(w.UpdateBirthday(c.AuthKeyID, r.Birthday))
	})
	h[tg.AccountUpdatePersonalChannelRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.AccountUpdatePersonalChannelRequest) (tl.Encoder, error) {
		return done(w.UpdatePersonalChannel(c.AuthKeyID, r.Channel))
	})

	// privacy
	h[tg.AccountGetPrivacyRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.AccountGetPrivacyRequest) (tl.Encoder, error) {
		return answer(w.GetPrivacy(c.AuthKeyID, r.Key))
	})
	h[tg.AccountSetPrivacyRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.AccountSetPrivacyRequest) (tl.Encoder, error) {
		return answer(w.SetPrivacy(c.AuthKeyID, r.Key, r.Rules))
	})
	h[tg.AccountGetGlobalPrivacySettingsRequestTypeID] = typed(func(_ context.Context, c *Caller, _ *tg.AccountGetGlobalPrivacySettingsRequest) (tl.Encoder, error) {
		return answer(w.GetGlobalPrivacySettings(c.AuthKeyID))
	})
	h[tg.AccountSetGlobalPrivacySettingsRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.AccountSetGlobalPrivacySettingsRequest) (tl.Encoder, error) {
		return answer(w.SetGlobalPrivacySettings(c.AuthKeyID, r.Settings))
	})
	h[tg.AccountGetAccountTTLRequestTypeID] = typed(func(_ context.Context, c *Caller, _ *tg.AccountGetAccountTTLRequest) (tl.Encoder, error) {
		return answer(w.GetAccountTTL(c.AuthKeyID))
	})
	h[tg.AccountSetAccountTTLRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.AccountSetAccountTTLRequest) (tl.Encoder, error) {
		return done(w.SetAccountTTL(c.AuthKeyID, r.TTL.Days))
	})

	// sessions
	h[tg.AccountGetAuthorizationsRequestTypeID] = typed(func(_ context.Context, c *Caller, _ *tg.AccountGetAuthorizationsRequest) (tl.Encoder, error) {
		info, _ := c.Conn()
		return answer(w.Authorizations(c.AuthKeyID, world.SessionInfo{
			APIID: info.APIID, DeviceModel: info.DeviceModel, SystemVersion: info.SystemVersion, AppVersion: info.AppVersion,
		}))
	})
	h[tg.AccountResetAuthorizationRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.AccountResetAuthorizationRequest) (tl.Encoder, error) {
		return done(w.ResetAuthorization(c.AuthKeyID, r.Hash))
	})
	h[tg.AuthResetAuthorizationsRequestTypeID] = typed(func(_ context.Context, c *Caller, _ *tg.AuthResetAuthorizationsRequest) (tl.Encoder, error) {
		return done(w.ResetAuthorizations(c.AuthKeyID))
	})
	h[tg.AccountGetWebAuthorizationsRequestTypeID] = typed(func(_ context.Context, c *Caller, _ *tg.AccountGetWebAuthorizationsRequest) (tl.Encoder, error) {
		return answer(w.WebAuthorizations(c.AuthKeyID))
	})
	h[tg.AccountResetWebAuthorizationRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.AccountResetWebAuthorizationRequest) (tl.Encoder, error) {
		if r.Hash == 0 {
			return nil, errHashZero
		}
		return done(w.ResetWebAuthorization(c.AuthKeyID, r.Hash))
	})
	h[tg.AccountResetWebAuthorizationsRequestTypeID] = typed(func(_ context.Context, c *Caller, _ *tg.AccountResetWebAuthorizationsRequest) (tl.Encoder, error) {
		return done(w.ResetWebAuthorization(c.AuthKeyID, 0))
	})

	// login extras
	h[tg.AuthResendCodeRequestTypeID] = typed(func(_ context.Context, _ *Caller, r *tg.AuthResendCodeRequest) (tl.Encoder, error) {
		return answer(w.ResendCode(r.PhoneNumber, r.PhoneCodeHash))
	})
	h[tg.AuthCancelCodeRequestTypeID] = typed(func(_ context.Context, _ *Caller, r *tg.AuthCancelCodeRequest) (tl.Encoder, error) {
		return done(w.CancelCode(r.PhoneNumber, r.PhoneCodeHash))
	})
	h[tg.AuthExportLoginTokenRequestTypeID] = typed(func(_ context.Context, c *Caller, _ *tg.AuthExportLoginTokenRequest) (tl.Encoder, error) {
		return answer(w.ExportLoginToken(c.AuthKeyID, d.callerDC(c)))
	})
	h[tg.AuthImportLoginTokenRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.AuthImportLoginTokenRequest) (tl.Encoder, error) {
		return answer(w.ImportLoginToken(c.AuthKeyID, c.DC, r.Token))
	})
	h[tg.AuthAcceptLoginTokenRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.AuthAcceptLoginTokenRequest) (tl.Encoder, error) {
		return answer(w.AcceptLoginToken(c.AuthKeyID, r.Token))
	})
	h[tg.AccountUpdatePasswordSettingsRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.AccountUpdatePasswordSettingsRequest) (tl.Encoder, error) {
		return done(w.UpdatePasswordSettings(c.AuthKeyID, r.Password, r.NewSettings))
	})
	h[tg.AccountGetPasswordSettingsRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.AccountGetPasswordSettingsRequest) (tl.Encoder, error) {
		return answer(w.GetPasswordSettings(c.AuthKeyID, r.Password))
	})
	h[tg.AuthRequestPasswordRecoveryRequestTypeID] = typed(func(_ context.Context, c *Caller, _ *tg.AuthRequestPasswordRecoveryRequest) (tl.Encoder, error) {
		return answer(w.RequestPasswordRecovery(c.AuthKeyID))
	})
	h[tg.AuthRecoverPasswordRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.AuthRecoverPasswordRequest) (tl.Encoder, error) {
		return answer(w.RecoverPassword(c.AuthKeyID, r.Code, r.NewSettings))
	})
	h[tg.AccountInitTakeoutSessionRequestTypeID] = typed(func(_ context.Context, c *Caller, _ *tg.AccountInitTakeoutSessionRequest) (tl.Encoder, error) {
		return answer(w.InitTakeout(c.AuthKeyID))
	})
	h[tg.AccountFinishTakeoutSessionRequestTypeID] = typed(func(ctx context.Context, c *Caller, _ *tg.AccountFinishTakeoutSessionRequest) (tl.Encoder, error) {
		id, _ := ctx.Value(takeoutKey{}).(int64)
		return done(w.FinishTakeout(c.AuthKeyID, id))
	})
	h[tg.InvokeWithTakeoutRequestTypeID] = typed(func(ctx context.Context, c *Caller, r *tg.InvokeWithTakeoutRequest) (tl.Encoder, error) {
		if err := w.CheckTakeout(c.AuthKeyID, r.TakeoutID); err != nil {
			return nil, err
		}
		return d.inner(context.WithValue(ctx, takeoutKey{}, r.TakeoutID), c, r.Query)
	})

	// bot settings
	h[tg.BotsSetBotCommandsRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.BotsSetBotCommandsRequest) (tl.Encoder, error) {
		return done(w.SetBotCommands(c.AuthKeyID, r.Scope, r.LangCode, r.Commands))
	})
	h[tg.BotsGetBotCommandsRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.BotsGetBotCommandsRequest) (tl.Encoder, error) {
		cmds, err := w.GetBotCommands(c.AuthKeyID, r.Scope, r.LangCode)
		if err != nil {
			return nil, err
		}
		return &tg.BotCommandVector{Elems: cmds}, nil
	})
	h[tg.BotsResetBotCommandsRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.BotsResetBotCommandsRequest) (tl.Encoder, error) {
		return done(w.ResetBotCommands(c.AuthKeyID, r.Scope, r.LangCode))
	})
	h[tg.BotsSetBotInfoRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.BotsSetBotInfoRequest) (tl.Encoder, error) {
		return done(w.SetBotInfo(c.AuthKeyID, r.Bot, r.LangCode, r.Name, r.About, r.Description))
	})
	h[tg.BotsGetBotInfoRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.BotsGetBotInfoRequest) (tl.Encoder, error) {
		return answer(w.GetBotInfo(c.AuthKeyID, r.Bot, r.LangCode))
	})
	h[tg.BotsSetBotMenuButtonRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.BotsSetBotMenuButtonRequest) (tl.Encoder, error) {
		return done(w.SetBotMenuButton(c.AuthKeyID, r.UserID, r.Button))
	})
	h[tg.BotsGetBotMenuButtonRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.BotsGetBotMenuButtonRequest) (tl.Encoder, error) {
		return answer(w.GetBotMenuButton(c.AuthKeyID, r.UserID))
	})
	h[tg.BotsSetBotGroupDefaultAdminRightsRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.BotsSetBotGroupDefaultAdminRightsRequest) (tl.Encoder, error) {
		return done(w.SetBotDefaultAdminRights(c.AuthKeyID, false, r.AdminRights))
	})
	h[tg.BotsSetBotBroadcastDefaultAdminRightsRequestTypeID] = typed(func(_ context.Context, c *Caller, r *tg.BotsSetBotBroadcastDefaultAdminRightsRequest) (tl.Encoder, error) {
		return done(w.SetBotDefaultAdminRights(c.AuthKeyID, true, r.AdminRights))
	})
}

// errHashZero answers account.resetWebAuthorization without a hash.
var errHashZero = &world.RPCError{Code: 400, Message: "HASH_INVALID"}

// takeoutKey is the context key of the takeout id of invokeWithTakeout.
type takeoutKey struct{}
