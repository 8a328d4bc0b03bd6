package mtgo

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/mtgo-labs/mtgo/client/broadcast"
	"github.com/mtgo-labs/mtgo/client/internal/engine"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/media"
	"github.com/mtgo-labs/mtgo/peers"
	"github.com/mtgo-labs/mtgo/session"
	"github.com/mtgo-labs/mtgo/transport/mtproxy"
	"github.com/mtgo-labs/mtgo/transport/proxy"
)

// Connection and lifecycle errors.
var (
	// ErrNotConnected reports an operation that needs a connection while the client is
	// disconnected.
	ErrNotConnected = engine.ErrNotConnected
	// ErrAlreadyConnected reports Connect on a client that is already connected.
	ErrAlreadyConnected = engine.ErrAlreadyConnected
	// ErrPeerNotFound reports a peer (user, chat or channel) that cannot be resolved (the
	// peers module's sentinel).
	ErrPeerNotFound = peers.ErrPeerNotFound
	// ErrClientClosed reports an operation on a client stopped with Stop, or a call that was
	// pending when the client stopped or disconnected.
	ErrClientClosed = engine.ErrClosed
	// ErrReconnectFailed reports that the connection could not be re-established within the
	// configured attempts. *ReconnectError matches it with errors.Is. It is the session
	// module's sentinel.
	ErrReconnectFailed = session.ErrReconnectFailed
	// ErrAuthKeyUnknown reports that the home data center no longer knows the client's auth
	// key (it answered -404 to three connections in a row), nor so the authorization made with
	// it: Connect fails with it, or the final OnDisconnect's Reason matches it. The client has
	// dropped the key and counts itself logged out; the next Connect makes a new key, and
	// Login (or Start) logs in again. It is the session module's sentinel.
	ErrAuthKeyUnknown = session.ErrAuthKeyUnknown
	// ErrHealthTimeout reports that the server stopped answering keepalive pings.
	ErrHealthTimeout = session.ErrHealthTimeout
	// ErrMigrationFailed reports a data center migration that failed. *MigrationError matches
	// it with errors.Is.
	ErrMigrationFailed = errors.New("mtgo: migration failed")
	// ErrMigrationUnsafe reports a request that cannot be repeated safely after a migration
	// interrupted it. *UnsafeMigrationError matches it with errors.Is.
	ErrMigrationUnsafe = errors.New("mtgo: request interrupted by migration is not safe to repeat")
	// ErrMigrationUnknown reports a migration to a data center the client has no address for.
	ErrMigrationUnknown = engine.ErrUnknownDC
)

// Initialization and authentication errors.
var (
	// ErrAPIIDRequired reports NewClient with a zero api id.
	ErrAPIIDRequired = errors.New("mtgo: api id is required")
	// ErrAPIHashRequired reports NewClient with an empty api hash.
	ErrAPIHashRequired = errors.New("mtgo: api hash is required")
	// ErrOutOfRange reports a count, size or duration a request's 32-bit field cannot carry,
	// or one without a meaning there (a negative duration), refused before anything is sent
	// and naming the field: NewClient's api id past 2^31-1, types.InviteLinkSpec's UsageLimit
	// and SubscriptionPeriod, SendGiftOffer's duration, WithStoryPeriod, WithDuration,
	// WithDimensions and WithTTL on media, SetAccountTTL, SetBirthday (day 1 to 31, month
	// 1 to 12), SetSecretChatTTL, SetChatTTL, SecretFileOptions.TTL and WithCacheTime (with
	// ErrInvalidConfig). Durations go out in whole seconds, rounded down (types.ErrOutOfRange).
	ErrOutOfRange = types.ErrOutOfRange
	// ErrNoStorage reports a configuration without storage: set Storage, SessionName,
	// SessionString or InMemory.
	ErrNoStorage = errors.New("mtgo: no storage configured (set Storage, SessionName or InMemory)")
	// ErrAlreadyAuthed reports a login attempt on a client that is already authorized.
	ErrAlreadyAuthed = errors.New("mtgo: already authorized")
	// Err2FARequired reports that the account has two-step verification: call CheckPassword.
	Err2FARequired = errors.New("mtgo: two-step verification password required")
	// ErrSignUpRequired reports that the phone number is not registered: call SignUp.
	ErrSignUpRequired = errors.New("mtgo: phone number not registered, sign up required")
	// ErrUnknownParseMode reports a ParseMode that is none of the ParseMode constants.
	ErrUnknownParseMode = errors.New("mtgo: unknown parse mode")
	// ErrInvalidConfig reports a Config field with an impossible value.
	ErrInvalidConfig = errors.New("mtgo: invalid config")
	// ErrNotAuthorized reports an operation that needs a logged-in account.
	ErrNotAuthorized = errors.New("mtgo: not authorized")
	// ErrNoLoginMethod reports a client that must log in but has neither BotToken nor
	// PhoneNumber with a Code callback.
	ErrNoLoginMethod = errors.New("mtgo: not authorized and no login method configured (BotToken, or PhoneNumber with Code)")
	// ErrInvalidBotToken reports a bot token not of the form "<id>:<secret>".
	ErrInvalidBotToken = errors.New("mtgo: invalid bot token")
)

// Context errors, returned by the bound methods of package types.
var (
	// ErrContextNoClient reports a bound method called on a value not created by a client
	// (types.ErrContextNoClient).
	ErrContextNoClient = types.ErrContextNoClient
	// ErrContextNoChat reports a method that needs a chat on a value without one
	// (types.ErrContextNoChat).
	ErrContextNoChat = types.ErrContextNoChat
	// ErrContextNoMessage reports a method that needs a message on a value without one
	// (types.ErrContextNoMessage).
	ErrContextNoMessage = types.ErrContextNoMessage
	// ErrContextNoMedia reports a media operation on a message without media.
	ErrContextNoMedia = errors.New("mtgo: message has no media")
	// ErrContextNoCallback reports a callback operation without a callback query.
	ErrContextNoCallback = errors.New("mtgo: no callback query in context")
	// ErrContextEditInline reports an edit of an inline message by numeric id
	// (types.ErrContextEditInline).
	ErrContextEditInline = types.ErrContextEditInline
	// ErrBusinessUnsupported reports Forward or React of a business message: Telegram takes
	// neither through a business connection (types.ErrBusinessUnsupported).
	ErrBusinessUnsupported = types.ErrBusinessUnsupported
)

// Media and message errors.
var (
	// ErrMediaNil reports a nil media object. It is the media module's error.
	ErrMediaNil = media.ErrMediaNil
	// ErrPhotoNoData reports a photo without its data. It is the media module's error.
	ErrPhotoNoData = media.ErrPhotoNoData
	// ErrPhotoNoSizes reports a photo without downloadable sizes. It is the media module's error.
	ErrPhotoNoSizes = media.ErrPhotoNoSizes
	// ErrNoDownloadableMedia reports a message without downloadable content. It is the media
	// module's error.
	ErrNoDownloadableMedia = media.ErrNoDownloadableMedia
	// ErrNoMessage reports that an expected message was not found.
	ErrNoMessage = errors.New("mtgo: message not found")
	// ErrNoMessageUpdates reports an Updates answer without the expected message.
	ErrNoMessageUpdates = errors.New("mtgo: no message in updates")
	// ErrNoMessageShort reports an UpdateShort answer without the expected message.
	ErrNoMessageShort = errors.New("mtgo: no message in short update")
)

// Story errors.
var (
	// ErrMediaRequired reports a story created or edited without media.
	ErrMediaRequired = errors.New("mtgo: media required")
	// ErrCaptionRequired reports a story operation without its required caption.
	ErrCaptionRequired = errors.New("mtgo: caption required")
	// ErrStoryIDsRequired reports a story method given no story ids.
	ErrStoryIDsRequired = errors.New("mtgo: story ids required")
	// ErrStoryNotInUpdates reports an Updates answer without the expected story.
	ErrStoryNotInUpdates = errors.New("mtgo: story not found in updates")
	// ErrStorySchema reports a story feature the TL schema in use does not have.
	ErrStorySchema = errors.New("mtgo: story feature not supported by the schema")
)

// Chat management errors.
var (
	// ErrGetChatNotChat reports GetChat on a peer that is a user.
	ErrGetChatNotChat = errors.New("mtgo: peer is not a chat")
	// ErrJoinNoInfo reports a join whose answer carried no chat.
	ErrJoinNoInfo = errors.New("mtgo: joined chat but the answer has no chat info")
	// ErrBanSupergroupOnly reports BanChatMember on a peer that is not a channel or supergroup.
	ErrBanSupergroupOnly = errors.New("mtgo: banning needs a channel or supergroup")
	// ErrUnbanSupergroupOnly reports UnbanChatMember on a peer that is not a channel or
	// supergroup.
	ErrUnbanSupergroupOnly = errors.New("mtgo: unbanning needs a channel or supergroup")
	// ErrRestrictSupergroupOnly reports RestrictChatMember on a peer that is not a channel or
	// supergroup.
	ErrRestrictSupergroupOnly = errors.New("mtgo: restricting needs a channel or supergroup")
	// ErrJoinRequiresInvite reports a join with neither a username nor an invite hash.
	ErrJoinRequiresInvite = errors.New("mtgo: joining needs a username or an invite hash")
)

// Proxy and transport errors.
var (
	// ErrMTProxySecretRequired reports an MTProxy without its secret (the transport
	// module's sentinel).
	ErrMTProxySecretRequired = mtproxy.ErrMTProxySecretRequired
	// ErrProxyParamsRequired reports a proxy URL or tg://proxy link missing server, port or
	// secret (the transport module's sentinel).
	ErrProxyParamsRequired = proxy.ErrProxyParamsRequired
	// ErrSocks4Domain reports a SOCKS4 proxy asked to reach a domain name.
	ErrSocks4Domain = proxy.ErrSocks4Domain
	// ErrSocks4IPv6 reports a SOCKS4 proxy asked to reach an IPv6 address.
	ErrSocks4IPv6 = proxy.ErrSocks4IPv6
	// ErrInvalidProxy reports a Proxy or MTProxy setting that cannot be parsed.
	ErrInvalidProxy = errors.New("mtgo: invalid proxy")
)

// Broadcast and streaming errors (package broadcast's sentinels).
var (
	// ErrFFmpegNotFound reports that no ffmpeg binary was found in PATH (or at
	// BroadcastConfig.FFmpegPath). Broadcasting requires ffmpeg.
	ErrFFmpegNotFound = broadcast.ErrFFmpegNotFound
	// ErrAlreadyPlaying reports Play on a stream already playing.
	ErrAlreadyPlaying = broadcast.ErrAlreadyPlaying
	// ErrNotPaused reports Resume on a stream that is not paused.
	ErrNotPaused = broadcast.ErrNotPaused
	// ErrNoRTMPURL reports a stream without an RTMP endpoint: call FetchRTMPURL or
	// SetURL/SetKey.
	ErrNoRTMPURL = broadcast.ErrNoRTMPURL
	// ErrNoInputSource reports Play without an input source.
	ErrNoInputSource = broadcast.ErrNoInputSource
)

// ReconnectError reports that reconnection attempts were exhausted (Attempts, Err). It
// matches ErrReconnectFailed with errors.Is. It is the session module's type.
type ReconnectError = session.ReconnectError

// MigrationError reports a data center migration that failed. It matches ErrMigrationFailed
// with errors.Is.
type MigrationError struct {
	// TargetDC is the data center the server asked to move to.
	TargetDC int
	// Err is why the migration failed.
	Err error
}

// Error implements error.
func (e *MigrationError) Error() string {
	return "mtgo: migration to dc " + strconv.Itoa(e.TargetDC) + " failed: " + errString(e.Err)
}

// Unwrap returns the cause.
func (e *MigrationError) Unwrap() error { return e.Err }

// Is matches ErrMigrationFailed.
func (e *MigrationError) Is(target error) bool { return target == ErrMigrationFailed }

// UnsafeMigrationError reports a request that was in flight when the client moved to another
// data center and that is not safe to repeat (it may have run on the old one). It matches
// ErrMigrationUnsafe with errors.Is.
type UnsafeMigrationError struct {
	// TargetDC is the data center the client moved to.
	TargetDC int
	// Method is the TL name of the interrupted request.
	Method string
}

// Error implements error.
func (e *UnsafeMigrationError) Error() string {
	return fmt.Sprintf("mtgo: %s was interrupted by the migration to dc %d and is not safe to repeat", e.Method, e.TargetDC)
}

// Is matches ErrMigrationUnsafe.
func (e *UnsafeMigrationError) Is(target error) bool { return target == ErrMigrationUnsafe }

// FloodWaitError reports a FLOOD_WAIT (or similar) longer than Config.SleepThreshold: the call
// was not repeated. Err is the server's *rpcerr.Error.
type FloodWaitError struct {
	// Wait is how long the server asked to wait.
	Wait time.Duration
	// Method is the TL name of the request.
	Method string
	// Err is the RPC error.
	Err error
}

// Error implements error.
func (e *FloodWaitError) Error() string {
	return fmt.Sprintf("mtgo: %s: flood wait of %s exceeds the sleep threshold: %v", e.Method, e.Wait, e.Err)
}

// Unwrap returns the RPC error.
func (e *FloodWaitError) Unwrap() error { return e.Err }

func errString(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}
