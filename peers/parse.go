package peers

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// QueryKind says what a parsed identifier asks for.
type QueryKind uint8

// The kinds of query ParseQuery returns.
const (
	// QuerySelf is "me" or "self": the logged-in account.
	QuerySelf QueryKind = iota + 1
	// QueryKey is a numeric id (Bot API form) or a link that names an id (t.me/c/...).
	QueryKey
	// QueryUsername is a username, from "@name", "name" or a link.
	QueryUsername
	// QueryPhone is a phone number, from "+1 555..." or a t.me/+... link.
	QueryPhone
	// QueryInvite is an invite link (t.me/+hash, t.me/joinchat/hash, tg://join?invite=...).
	QueryInvite
)

// String names the query kind.
func (k QueryKind) String() string {
	switch k {
	case QuerySelf:
		return "self"
	case QueryKey:
		return "id"
	case QueryUsername:
		return "username"
	case QueryPhone:
		return "phone"
	case QueryInvite:
		return "invite"
	}
	return "query(" + strconv.Itoa(int(k)) + ")"
}

// Query is a peer identifier parsed from a string. Exactly one of Key, Username, Phone and
// Invite is set, as Kind says.
type Query struct {
	Kind QueryKind
	// Key is set for QueryKey.
	Key Key
	// Username is set for QueryUsername, in its normalized form (lowercase, no "@").
	Username string
	// Phone is set for QueryPhone, digits only.
	Phone string
	// Invite is the invite hash for QueryInvite.
	Invite string
}

// maxQuery bounds the strings ParseQuery looks at; no identifier or link is longer.
const maxQuery = 512

// ParseQuery parses a peer identifier:
//
//   - "me" and "self" (any case);
//   - an id in Bot API form: "12345" (user), "-123" (basic group), "-100123..." (channel);
//   - a username with or without "@": "@durov", "durov";
//   - a phone number starting with "+": "+1 555 010 0000" (spaces, dashes, dots and
//     parentheses are ignored);
//   - a link: t.me, telegram.me and telegram.dog with or without scheme or "www.", name.t.me,
//     t.me/name/123 (a message link names its chat), t.me/s/name, t.me/c/123/45 (a private
//     channel post), t.me/+phone, t.me/+hash and t.me/joinchat/hash (invites), and the tg://
//     forms resolve?domain=, resolve?phone=, user?id=, privatepost?channel= and join?invite=.
//
// Errors match ErrInvalidQuery (malformed) or ErrUnsupportedLink (a valid link to something
// that is not a peer), and ErrPeerNotFound.
func ParseQuery(s string) (Query, error) {
	if len(s) > maxQuery {
		return Query{}, queryError(ErrInvalidQuery, s[:32]+"...", "longer than %d bytes", maxQuery)
	}
	s = strings.TrimSpace(s)
	if s == "" {
		return Query{}, queryError(ErrInvalidQuery, s, "empty")
	}
	switch asciiLower(s) {
	case "me", "self":
		return Query{Kind: QuerySelf}, nil
	}
	switch c := s[0]; {
	case c == '@':
		return usernameQuery(s, s[1:])
	case c == '+':
		return phoneQuery(s, s[1:])
	case c == '-' || isDigit(c):
		return idQuery(s)
	}
	if q, ok, err := parseLink(s); ok {
		return q, err
	}
	return usernameQuery(s, s)
}

func queryError(kind error, s, format string, args ...any) error {
	return fmt.Errorf("%w: %w: %q: %s", ErrPeerNotFound, kind, s, fmt.Sprintf(format, args...))
}

func idQuery(s string) (Query, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return Query{}, queryError(ErrInvalidQuery, s, "not an id")
	}
	k, ok := KeyFromBotAPI(id)
	if !ok {
		return Query{}, queryError(ErrInvalidQuery, s, "id names no peer")
	}
	return Query{Kind: QueryKey, Key: k}, nil
}

func usernameQuery(orig, name string) (Query, error) {
	if !ValidUsername(name) {
		return Query{}, queryError(ErrInvalidQuery, orig, "not a username")
	}
	return Query{Kind: QueryUsername, Username: NormalizeUsername(name)}, nil
}

func phoneQuery(orig, number string) (Query, error) {
	p := NormalizePhone(number)
	if p == "" {
		return Query{}, queryError(ErrInvalidQuery, orig, "not a phone number")
	}
	return Query{Kind: QueryPhone, Phone: p}, nil
}

// ValidUsername reports whether name (with or without a leading "@") has the shape of a
// Telegram username: 4 to 32 ASCII letters, digits and underscores, starting with a letter.
func ValidUsername(name string) bool {
	name = strings.TrimPrefix(name, "@")
	if len(name) < 4 || len(name) > 32 || !isLetter(name[0]) {
		return false
	}
	for i := 1; i < len(name); i++ {
		if c := name[i]; !isLetter(c) && !isDigit(c) && c != '_' {
			return false
		}
	}
	return true
}

// NormalizeUsername returns the form usernames are compared in: without "@", ASCII lowercase.
// Usernames are case-insensitive on Telegram.
func NormalizeUsername(name string) string {
	return asciiLower(strings.TrimPrefix(strings.TrimSpace(name), "@"))
}

// NormalizePhone returns the digits of a phone number, dropping a leading "+" and the
// separators people type (spaces, dashes, dots, parentheses). It returns "" when anything
// else is present or the number has fewer than 5 or more than 20 digits.
func NormalizePhone(s string) string {
	s = strings.TrimPrefix(strings.TrimSpace(s), "+")
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case isDigit(c):
			b.WriteByte(c)
		case c == ' ' || c == '-' || c == '.' || c == '(' || c == ')':
		default:
			return ""
		}
	}
	if b.Len() < 5 || b.Len() > 20 {
		return ""
	}
	return b.String()
}

func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isLetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

// linkHosts are the hosts of Telegram's public links.
var linkHosts = [...]string{"t.me", "telegram.me", "telegram.dog"}

// reservedPaths are first path segments of t.me links that are not usernames.
var reservedPaths = map[string]bool{
	"addemoji": true, "addlist": true, "addstickers": true, "addtheme": true, "auth": true,
	"bg": true, "confirmphone": true, "contact": true, "giftcode": true, "invoice": true,
	"iv": true, "login": true, "m": true, "multibuy": true, "nft": true, "proxy": true,
	"setlanguage": true, "share": true, "socks": true, "stars_topup": true,
}

// parseLink parses s as a Telegram link. ok is false when s is not a link at all (so the
// caller tries it as a username).
func parseLink(s string) (q Query, ok bool, err error) {
	if rest, found := cutPrefixFold(s, "tg://"); found {
		return parseTGLink(s, rest)
	}
	rest, host, segs := splitWebLink(s)
	for _, h := range linkHosts {
		if host == h {
			return parseTMePath(s, segs)
		}
		if sub, found := strings.CutSuffix(host, "."+h); found && !strings.Contains(sub, ".") {
			// name.t.me is the profile of @name.
			q, err := usernameQuery(s, sub)
			return q, true, err
		}
	}
	if rest != s || strings.Contains(s, "/") || strings.Contains(s, ".") {
		return Query{}, true, queryError(ErrInvalidQuery, s, "not a Telegram link")
	}
	return Query{}, false, nil
}

// splitWebLink splits s, a link with or without an http(s) scheme, into what follows the
// scheme, its host (ASCII lowercase, without "www.") and the non-empty segments of its path;
// the query and fragment are dropped.
func splitWebLink(s string) (rest, host string, segs []string) {
	rest = s
	for _, scheme := range [...]string{"https://", "http://"} {
		if r, found := cutPrefixFold(s, scheme); found {
			rest = r
			break
		}
	}
	hostEnd := strings.IndexAny(rest, "/?#")
	if hostEnd < 0 {
		hostEnd = len(rest)
	}
	host = strings.TrimPrefix(asciiLower(rest[:hostEnd]), "www.")
	path := rest[hostEnd:]
	if i := strings.IndexAny(path, "?#"); i >= 0 {
		path = path[:i]
	}
	return rest, host, splitPath(path)
}

// TMePath returns the non-empty path segments of s when s is a link to t.me, telegram.me or
// telegram.dog, read as ParseQuery reads those links: with or without an http(s) scheme or
// "www.", scheme and host in any case, the query and fragment dropped. It is for links to
// what is no peer (invoices, business chat links), which ParseQuery refuses.
func TMePath(s string) ([]string, bool) {
	_, host, segs := splitWebLink(s)
	for _, h := range linkHosts {
		if host == h {
			return segs, true
		}
	}
	return nil, false
}

// TGLink splits s when it is a tg:// link (any case) into its action (ASCII lowercase,
// without a trailing slash) and its query parameters, the fragment dropped; ok is false for
// anything else, and err reports a query string that does not parse.
func TGLink(s string) (action string, params url.Values, ok bool, err error) {
	rest, found := cutPrefixFold(s, "tg://")
	if !found {
		return "", nil, false, nil
	}
	action, params, err = splitTGLink(rest)
	return action, params, true, err
}

// splitTGLink splits what follows "tg://" into the action and query parameters.
func splitTGLink(rest string) (string, url.Values, error) {
	action, rawQuery, _ := strings.Cut(rest, "?")
	if i := strings.IndexByte(rawQuery, '#'); i >= 0 {
		rawQuery = rawQuery[:i]
	}
	params, err := url.ParseQuery(rawQuery)
	return asciiLower(strings.TrimSuffix(action, "/")), params, err
}

// cutPrefixFold is strings.CutPrefix ignoring ASCII case.
func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return s[len(prefix):], true
	}
	return s, false
}

func splitPath(path string) []string {
	var segs []string
	for seg := range strings.SplitSeq(path, "/") {
		if seg != "" {
			segs = append(segs, seg)
		}
	}
	return segs
}

// parseTMePath interprets the path of a t.me link.
func parseTMePath(orig string, segs []string) (Query, bool, error) {
	if len(segs) == 0 {
		return Query{}, true, queryError(ErrUnsupportedLink, orig, "no path")
	}
	first := segs[0]
	switch lf := asciiLower(first); {
	case first[0] == '+':
		if p := NormalizePhone(first[1:]); p != "" && allDigits(first[1:]) {
			return Query{Kind: QueryPhone, Phone: p}, true, nil
		}
		return inviteQuery(orig, first[1:])
	case lf == "joinchat":
		if len(segs) < 2 {
			return Query{}, true, queryError(ErrInvalidQuery, orig, "invite link without hash")
		}
		return inviteQuery(orig, segs[1])
	case lf == "c":
		if len(segs) < 2 {
			return Query{}, true, queryError(ErrInvalidQuery, orig, "private link without channel id")
		}
		return channelIDQuery(orig, segs[1])
	case lf == "s" || lf == "boost":
		if len(segs) < 2 {
			return Query{}, true, queryError(ErrUnsupportedLink, orig, "no username")
		}
		q, err := usernameQuery(orig, segs[1])
		return q, true, err
	case reservedPaths[lf]:
		return Query{}, true, queryError(ErrUnsupportedLink, orig, "%s link", lf)
	}
	q, err := usernameQuery(orig, first)
	return q, true, err
}

func inviteQuery(orig, hash string) (Query, bool, error) {
	if hash == "" || len(hash) > 64 {
		return Query{}, true, queryError(ErrInvalidQuery, orig, "bad invite hash")
	}
	for i := 0; i < len(hash); i++ {
		if c := hash[i]; !isLetter(c) && !isDigit(c) && c != '_' && c != '-' {
			return Query{}, true, queryError(ErrInvalidQuery, orig, "bad invite hash")
		}
	}
	return Query{Kind: QueryInvite, Invite: hash}, true, nil
}

func channelIDQuery(orig, s string) (Query, bool, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return Query{}, true, queryError(ErrInvalidQuery, orig, "bad channel id")
	}
	return Query{Kind: QueryKey, Key: ChannelKey(id)}, true, nil
}

func userIDQuery(orig, s string) (Query, bool, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return Query{}, true, queryError(ErrInvalidQuery, orig, "bad user id")
	}
	return Query{Kind: QueryKey, Key: UserKey(id)}, true, nil
}

// parseTGLink interprets tg://action?params.
func parseTGLink(orig, rest string) (Query, bool, error) {
	action, params, err := splitTGLink(rest)
	if err != nil {
		return Query{}, true, queryError(ErrInvalidQuery, orig, "bad query string")
	}
	switch action {
	case "resolve":
		if d := params.Get("domain"); d != "" {
			q, err := usernameQuery(orig, d)
			return q, true, err
		}
		if p := params.Get("phone"); p != "" {
			q, err := phoneQuery(orig, p)
			return q, true, err
		}
		return Query{}, true, queryError(ErrInvalidQuery, orig, "resolve link without domain or phone")
	case "user":
		return userIDQuery(orig, params.Get("id"))
	case "openmessage":
		if id := params.Get("user_id"); id != "" {
			return userIDQuery(orig, id)
		}
		if id := params.Get("chat_id"); id != "" {
			n, err := strconv.ParseInt(id, 10, 64)
			if err != nil || n <= 0 {
				return Query{}, true, queryError(ErrInvalidQuery, orig, "bad chat id")
			}
			return Query{Kind: QueryKey, Key: ChatKey(n)}, true, nil
		}
		return Query{}, true, queryError(ErrInvalidQuery, orig, "openmessage link without id")
	case "privatepost":
		return channelIDQuery(orig, params.Get("channel"))
	case "join":
		return inviteQuery(orig, params.Get("invite"))
	}
	return Query{}, true, queryError(ErrUnsupportedLink, orig, "tg://%s link", action)
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// asciiLower lowercases ASCII letters only, so the result has the same length as s and byte
// offsets found in it apply to s (strings.ToLower rewrites invalid UTF-8).
func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if c := b[j]; c >= 'A' && c <= 'Z' {
					b[j] = c + 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}
