package world

import (
	"errors"
	"fmt"
	"strconv"
)

// RPCError is a Telegram rpc_error: the request reached the server and failed there. Every
// failure a client can cause is reported as one; services re-exports it as
// services.RPCError and the network layer encodes it as rpc_error.
type RPCError struct {
	// Code is the error code: 303 (see other DC), 400, 401, 403, 406, 420 (flood), 500.
	Code int
	// Message is Telegram's error string, such as PEER_ID_INVALID or FLOOD_WAIT_5.
	Message string
}

// Error implements error.
func (e *RPCError) Error() string { return fmt.Sprintf("rpc error %d: %s", e.Code, e.Message) }

// Is matches another *RPCError with the same code and message, so tests can write
// errors.Is(err, world.ErrPeerIDInvalid).
func (e *RPCError) Is(target error) bool {
	var t *RPCError
	if !errors.As(target, &t) {
		return false
	}
	return t.Code == e.Code && t.Message == e.Message
}

func rpcErr(code int, msg string) *RPCError { return &RPCError{Code: code, Message: msg} }

// Errors the world answers with. They compare with errors.Is.
var (
	ErrAuthKeyUnregistered        = rpcErr(401, "AUTH_KEY_UNREGISTERED")
	ErrSessionPasswordNeeded      = rpcErr(401, "SESSION_PASSWORD_NEEDED")
	ErrPasswordHashInvalid        = rpcErr(400, "PASSWORD_HASH_INVALID")
	ErrSRPIDInvalid               = rpcErr(400, "SRP_ID_INVALID")
	ErrPasswordEmpty              = rpcErr(400, "PASSWORD_EMPTY")
	ErrAccessTokenInvalid         = rpcErr(400, "ACCESS_TOKEN_INVALID")
	ErrPhoneNumberInvalid         = rpcErr(400, "PHONE_NUMBER_INVALID")
	ErrPhoneNumberOccupied        = rpcErr(400, "PHONE_NUMBER_OCCUPIED")
	ErrPhoneCodeInvalid           = rpcErr(400, "PHONE_CODE_INVALID")
	ErrPhoneCodeEmpty             = rpcErr(400, "PHONE_CODE_EMPTY")
	ErrPhoneCodeExpired           = rpcErr(400, "PHONE_CODE_EXPIRED")
	ErrPhoneCodeHashEmpty         = rpcErr(400, "PHONE_CODE_HASH_EMPTY")
	ErrFirstNameInvalid           = rpcErr(400, "FIRSTNAME_INVALID")
	ErrAuthBytesInvalid           = rpcErr(400, "AUTH_BYTES_INVALID")
	ErrDCIDInvalid                = rpcErr(400, "DC_ID_INVALID")
	ErrUserIDInvalid              = rpcErr(400, "USER_ID_INVALID")
	ErrPeerIDInvalid              = rpcErr(400, "PEER_ID_INVALID")
	ErrContactIDInvalid           = rpcErr(400, "CONTACT_ID_INVALID")
	ErrEntityMentionUserInvalid   = rpcErr(400, "ENTITY_MENTION_USER_INVALID")
	ErrChannelInvalid             = rpcErr(400, "CHANNEL_INVALID")
	ErrChannelPrivate             = rpcErr(406, "CHANNEL_PRIVATE")
	ErrChatIDInvalid              = rpcErr(400, "CHAT_ID_INVALID")
	ErrChatWriteForbidden         = rpcErr(403, "CHAT_WRITE_FORBIDDEN")
	ErrChatAdminRequired          = rpcErr(400, "CHAT_ADMIN_REQUIRED")
	ErrRightForbidden             = rpcErr(403, "RIGHT_FORBIDDEN")
	ErrUserBannedInChannel        = rpcErr(400, "USER_BANNED_IN_CHANNEL")
	ErrUserNotParticipant         = rpcErr(400, "USER_NOT_PARTICIPANT")
	ErrUserAlreadyParticipant     = rpcErr(400, "USER_ALREADY_PARTICIPANT")
	ErrUsernameInvalid            = rpcErr(400, "USERNAME_INVALID")
	ErrUsernameNotOccupied        = rpcErr(400, "USERNAME_NOT_OCCUPIED")
	ErrUsernameOccupied           = rpcErr(400, "USERNAME_OCCUPIED")
	ErrMessageEmpty               = rpcErr(400, "MESSAGE_EMPTY")
	ErrMessageTooLong             = rpcErr(400, "MESSAGE_TOO_LONG")
	ErrMessageIDInvalid           = rpcErr(400, "MESSAGE_ID_INVALID")
	ErrMessageNotModified         = rpcErr(400, "MESSAGE_NOT_MODIFIED")
	ErrMessageAuthorRequired      = rpcErr(403, "MESSAGE_AUTHOR_REQUIRED")
	ErrRandomIDDuplicate          = rpcErr(500, "RANDOM_ID_DUPLICATE")
	ErrMediaEmpty                 = rpcErr(400, "MEDIA_EMPTY")
	ErrMediaInvalid               = rpcErr(400, "MEDIA_INVALID")
	ErrPersistentTimestampInvalid = rpcErr(400, "PERSISTENT_TIMESTAMP_INVALID")
	ErrFilePartInvalid            = rpcErr(400, "FILE_PART_INVALID")
	ErrFilePartEmpty              = rpcErr(400, "FILE_PART_EMPTY")
	ErrFilePartTooBig             = rpcErr(400, "FILE_PART_TOO_BIG")
	ErrFilePartSizeInvalid        = rpcErr(400, "FILE_PART_SIZE_INVALID")
	ErrFilePartsInvalid           = rpcErr(400, "FILE_PARTS_INVALID")
	ErrFileIDInvalid              = rpcErr(400, "FILE_ID_INVALID")
	ErrMD5ChecksumInvalid         = rpcErr(400, "MD5_CHECKSUM_INVALID")
	ErrFileReferenceExpired       = rpcErr(400, "FILE_REFERENCE_EXPIRED")
	ErrLocationInvalid            = rpcErr(400, "LOCATION_INVALID")
	ErrLimitInvalid               = rpcErr(400, "LIMIT_INVALID")
	ErrOffsetInvalid              = rpcErr(400, "OFFSET_INVALID")
	ErrStoryIDInvalid             = rpcErr(400, "STORY_ID_INVALID")
	ErrBotMethodInvalid           = rpcErr(400, "BOT_METHOD_INVALID")
	ErrUserBotRequired            = rpcErr(400, "USER_BOT_REQUIRED")
	ErrBotResponseTimeout         = rpcErr(400, "BOT_RESPONSE_TIMEOUT")
	ErrTimeout                    = rpcErr(500, "TIMEOUT")
	ErrBotInlineDisabled          = rpcErr(400, "BOT_INLINE_DISABLED")
	ErrBotInvalid                 = rpcErr(400, "BOT_INVALID")
	ErrDataInvalid                = rpcErr(400, "DATA_INVALID")
	ErrQueryIDInvalid             = rpcErr(400, "QUERY_ID_INVALID")
	ErrQueryIDEmpty               = rpcErr(400, "QUERY_ID_EMPTY")
	ErrURLInvalid                 = rpcErr(400, "URL_INVALID")
	ErrButtonDataInvalid          = rpcErr(400, "BUTTON_DATA_INVALID")
	ErrReplyMarkupInvalid         = rpcErr(400, "REPLY_MARKUP_INVALID")
	ErrResultIDEmpty              = rpcErr(400, "RESULT_ID_EMPTY")
	ErrResultIDDuplicate          = rpcErr(400, "RESULT_ID_DUPLICATE")
	ErrResultTypeInvalid          = rpcErr(400, "RESULT_TYPE_INVALID")
	ErrSendMessageTypeInvalid     = rpcErr(400, "SEND_MESSAGE_TYPE_INVALID")
	ErrArticleTitleEmpty          = rpcErr(400, "ARTICLE_TITLE_EMPTY")
	ErrInlineResultExpired        = rpcErr(400, "INLINE_RESULT_EXPIRED")
	ErrNextOffsetInvalid          = rpcErr(400, "NEXT_OFFSET_INVALID")
)

// FilePartMissing returns FILE_PART_<n>_MISSING.
func FilePartMissing(n int) *RPCError {
	return rpcErr(400, "FILE_PART_"+strconv.Itoa(n)+"_MISSING")
}

// Migrate returns the 303 error telling the client to repeat the call on dc, with kind one of
// PHONE, USER, FILE, NETWORK or STATS (PHONE_MIGRATE_4 and so on).
func Migrate(kind string, dc int) *RPCError {
	return rpcErr(303, kind+"_MIGRATE_"+strconv.Itoa(dc))
}

// FloodWait returns the 420 error FLOOD_WAIT_<seconds>.
func FloodWait(seconds int) *RPCError {
	return rpcErr(420, "FLOOD_WAIT_"+strconv.Itoa(seconds))
}
