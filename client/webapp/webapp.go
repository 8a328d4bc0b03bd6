// Package webapp checks and reads the init data Telegram hands a Mini App (Web App):
// Telegram.WebApp.initData, the query string a Mini App's page forwards to its server.
//
// Two checks, both from Telegram's documentation, and neither needs a client:
//
//   - Validate: the hash field, an HMAC-SHA-256 keyed with the bot's token. The bot's own
//     server uses it.
//   - ValidateThirdParty: the signature field, Telegram's Ed25519 signature over the data and
//     the bot's id, checked with Telegram's public key (ProductionKey, TestKey). Anyone who
//     knows the bot's id can check it without the token.
//
// Both parse the data into InitData once it is proved. Parse reads it without any check, for
// data already trusted.
package webapp

import (
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// MaxInitData is the longest init data read (Telegram's are well under 4 KiB): longer input
// is ErrMalformed before any parsing.
const MaxInitData = 64 << 10

// The errors the checks return; each is wrapped with what failed.
var (
	// ErrMalformed reports init data that is not a query string of distinct fields, or whose
	// fields do not parse (user or chat JSON, numbers).
	ErrMalformed = errors.New("webapp: malformed init data")
	// ErrNoHash reports init data without a hash field.
	ErrNoHash = errors.New("webapp: init data has no hash")
	// ErrHashMismatch reports a hash that the bot token does not produce: the data was
	// changed, or comes for another bot.
	ErrHashMismatch = errors.New("webapp: init data hash does not match")
	// ErrNoSignature reports init data without a signature field.
	ErrNoSignature = errors.New("webapp: init data has no signature")
	// ErrSignatureMismatch reports a signature that the key does not verify for the bot.
	ErrSignatureMismatch = errors.New("webapp: init data signature does not match")
	// ErrExpired reports init data older than the maximum age asked for.
	ErrExpired = errors.New("webapp: init data expired")
	// ErrFuture reports init data whose auth_date is more than MaxClockSkew ahead of the
	// clock, when a maximum age is asked for: such data would stay fresh for as long as it
	// is ahead, so a maximum age would not bound its use.
	ErrFuture = errors.New("webapp: init data dated in the future")
)

// MaxClockSkew is how far ahead of the clock (Options.Now) an auth_date may be when
// Options.MaxAge is set: the clocks of Telegram and of the server checking the data differ
// by a few seconds. Data dated further ahead is ErrFuture.
const MaxClockSkew = time.Minute

// Telegram's Ed25519 public keys for the signature field (core.telegram.org/bots/webapps,
// "Validating data for Third-Party Use").
var (
	// ProductionKey signs the init data of the production environment.
	ProductionKey = mustKey("e7bf03a2fa4602af4580703d88dda5bb59f32ed8b02a56c187fe7d34caed242d")
	// TestKey signs the init data of the test environment.
	TestKey = mustKey("40055058a4ee38156a06562e52eece92a771bcd8346a8c4615cb7376eddf72ec")
)

func mustKey(h string) ed25519.PublicKey {
	k, err := hex.DecodeString(h)
	if err != nil || len(k) != ed25519.PublicKeySize {
		panic("webapp: bad built-in key " + h)
	}
	return k
}

// Options bound the age of the data. The zero value accepts any age.
type Options struct {
	// MaxAge refuses data whose auth_date is older than this (ErrExpired), or more than
	// MaxClockSkew in the future (ErrFuture); 0 for no limit either way.
	MaxAge time.Duration
	// Now is the clock MaxAge is measured against; nil for time.Now.
	Now func() time.Time
}

// User is a user the init data names (WebAppUser).
type User struct {
	ID                    int64  `json:"id"`
	IsBot                 bool   `json:"is_bot,omitempty"`
	FirstName             string `json:"first_name"`
	LastName              string `json:"last_name,omitempty"`
	Username              string `json:"username,omitempty"`
	LanguageCode          string `json:"language_code,omitempty"`
	IsPremium             bool   `json:"is_premium,omitempty"`
	AddedToAttachmentMenu bool   `json:"added_to_attachment_menu,omitempty"`
	AllowsWriteToPM       bool   `json:"allows_write_to_pm,omitempty"`
	PhotoURL              string `json:"photo_url,omitempty"`
}

// Chat is the chat the Mini App was opened in from the attachment menu (WebAppChat).
type Chat struct {
	ID       int64  `json:"id"`
	Type     string `json:"type"`
	Title    string `json:"title"`
	Username string `json:"username,omitempty"`
	PhotoURL string `json:"photo_url,omitempty"`
}

// InitData is the parsed init data (WebAppInitData).
type InitData struct {
	// QueryID identifies the Mini App session, for answering with AnswerWebAppQuery.
	QueryID string
	// User is the user who opened the app; Receiver the other side of a private chat it was
	// opened in from the attachment menu; Chat the group or channel.
	User     *User
	Receiver *User
	Chat     *Chat
	// ChatType is the kind of chat the app was opened from ("sender", "private", "group",
	// "supergroup", "channel"); ChatInstance identifies that chat.
	ChatType     string
	ChatInstance string
	// StartParam is the startapp parameter of the link that opened the app.
	StartParam string
	// CanSendAfter is how long to wait before answering through AnswerWebAppQuery.
	CanSendAfter time.Duration
	// AuthDate is when the app was opened.
	AuthDate time.Time
	// Hash and Signature are the two proofs as they came.
	Hash      string
	Signature string
	// Fields holds every field as it came, the unknown ones too.
	Fields url.Values
}

// Validate checks the hash of initData with botToken, the bot's token, then the age, and
// returns the parsed data.
func Validate(initData, botToken string, o Options) (*InitData, error) {
	v, err := fields(initData)
	if err != nil {
		return nil, err
	}
	got := v.Get("hash")
	if got == "" {
		return nil, ErrNoHash
	}
	want := Hash(v, botToken)
	sum, err := hex.DecodeString(got)
	if err != nil || !hmac.Equal(sum, want) {
		return nil, ErrHashMismatch
	}
	return build(v, o)
}

// ValidateThirdParty checks the signature of initData for the bot botID with key
// (ProductionKey, TestKey), then the age, and returns the parsed data.
func ValidateThirdParty(initData string, botID int64, key ed25519.PublicKey, o Options) (*InitData, error) {
	if len(key) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("webapp: public key of %d bytes, want %d", len(key), ed25519.PublicKeySize)
	}
	v, err := fields(initData)
	if err != nil {
		return nil, err
	}
	s := v.Get("signature")
	if s == "" {
		return nil, ErrNoSignature
	}
	sig, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
	if err != nil || len(sig) != ed25519.SignatureSize ||
		!ed25519.Verify(key, []byte(SignedString(v, botID)), sig) {
		return nil, ErrSignatureMismatch
	}
	return build(v, o)
}

// Parse reads initData without checking it. Use it only on data already proved.
func Parse(initData string) (*InitData, error) {
	v, err := fields(initData)
	if err != nil {
		return nil, err
	}
	return build(v, Options{})
}

// Hash returns the HMAC-SHA-256 the hash field must carry for fields and botToken: keyed
// with HMAC-SHA-256("WebAppData", token), over CheckString(fields, "hash").
func Hash(fields url.Values, botToken string) []byte {
	k := hmac.New(sha256.New, []byte("WebAppData"))
	k.Write([]byte(botToken))
	m := hmac.New(sha256.New, k.Sum(nil))
	m.Write([]byte(CheckString(fields, "hash")))
	return m.Sum(nil)
}

// SignedString returns what Telegram's Ed25519 signature covers for the bot botID:
// "<bot_id>:WebAppData\n" and CheckString(fields, "hash", "signature").
func SignedString(fields url.Values, botID int64) string {
	return strconv.FormatInt(botID, 10) + ":WebAppData\n" + CheckString(fields, "hash", "signature")
}

// CheckString returns the data-check-string of fields: "key=value" for every field but
// those left out, sorted by key, joined by newlines (each field has one value).
func CheckString(fields url.Values, leaveOut ...string) string {
	keys := make([]string, 0, len(fields))
	for k := range fields {
		if !slices.Contains(leaveOut, k) {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(k)
		b.WriteByte('=')
		if vs := fields[k]; len(vs) > 0 {
			b.WriteString(vs[0])
		}
	}
	return b.String()
}

// fields splits initData into its fields, refusing repeated ones: the check string has one
// value per key, so a repeated field would let a value pass unchecked.
func fields(initData string) (url.Values, error) {
	if len(initData) > MaxInitData {
		return nil, fmt.Errorf("%w: %d bytes, at most %d", ErrMalformed, len(initData), MaxInitData)
	}
	v, err := url.ParseQuery(initData)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	for k, vs := range v {
		if len(vs) != 1 {
			return nil, fmt.Errorf("%w: field %q repeated", ErrMalformed, k)
		}
	}
	return v, nil
}

// build parses proved fields and checks their age.
func build(v url.Values, o Options) (*InitData, error) {
	d := &InitData{
		QueryID: v.Get("query_id"), ChatType: v.Get("chat_type"), ChatInstance: v.Get("chat_instance"),
		StartParam: v.Get("start_param"), Hash: v.Get("hash"), Signature: v.Get("signature"), Fields: v,
	}
	var err error
	if d.User, err = jsonField[User](v, "user"); err != nil {
		return nil, err
	}
	if d.Receiver, err = jsonField[User](v, "receiver"); err != nil {
		return nil, err
	}
	if d.Chat, err = jsonField[Chat](v, "chat"); err != nil {
		return nil, err
	}
	secs, err := intField(v, "auth_date")
	if err != nil {
		return nil, err
	}
	if secs != 0 {
		d.AuthDate = time.Unix(secs, 0)
	}
	wait, err := intField(v, "can_send_after")
	if err != nil {
		return nil, err
	}
	d.CanSendAfter = time.Duration(wait) * time.Second
	if o.MaxAge > 0 {
		now := time.Now
		if o.Now != nil {
			now = o.Now
		}
		t := now()
		if d.AuthDate.IsZero() || t.Sub(d.AuthDate) > o.MaxAge {
			return nil, fmt.Errorf("%w: auth_date %d, max age %s", ErrExpired, secs, o.MaxAge)
		}
		if ahead := d.AuthDate.Sub(t); ahead > MaxClockSkew {
			return nil, fmt.Errorf("%w: auth_date %d is %s ahead of the clock, at most %s", ErrFuture, secs, ahead, MaxClockSkew)
		}
	}
	return d, nil
}

func jsonField[T any](v url.Values, key string) (*T, error) {
	s, ok := v[key]
	if !ok {
		return nil, nil
	}
	var out T
	if err := json.Unmarshal([]byte(s[0]), &out); err != nil {
		return nil, fmt.Errorf("%w: field %s: %w", ErrMalformed, key, err)
	}
	return &out, nil
}

// intField reads a decimal field that fits in a Duration of seconds; 0 when absent.
func intField(v url.Values, key string) (int64, error) {
	s, ok := v[key]
	if !ok {
		return 0, nil
	}
	n, err := strconv.ParseInt(s[0], 10, 64)
	if err != nil || n < 0 || n > int64(time.Duration(1<<63-1)/time.Second) {
		return 0, fmt.Errorf("%w: field %s is not a number of seconds", ErrMalformed, key)
	}
	return n, nil
}
