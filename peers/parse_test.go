package peers

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseQuery(t *testing.T) {
	user := func(name string) Query { return Query{Kind: QueryUsername, Username: name} }
	key := func(k Key) Query { return Query{Kind: QueryKey, Key: k} }
	phone := func(p string) Query { return Query{Kind: QueryPhone, Phone: p} }
	invite := func(h string) Query { return Query{Kind: QueryInvite, Invite: h} }
	tests := []struct {
		in   string
		want Query
	}{
		{"me", Query{Kind: QuerySelf}},
		{" Self ", Query{Kind: QuerySelf}},
		{"durov", user("durov")},
		{"@Durov", user("durov")},
		{"  @durov\n", user("durov")},
		{"bot_name_bot", user("bot_name_bot")},
		{"123456", key(UserKey(123456))},
		{"-123", key(ChatKey(123))},
		{"-1001234567890", key(ChannelKey(1234567890))},
		{"+1 (555) 010-00.00", phone("15550100000")},
		{"+79991234567", phone("79991234567")},
		{"t.me/durov", user("durov")},
		{"https://t.me/durov", user("durov")},
		{"HTTP://WWW.T.ME/Durov", user("durov")},
		{"https://telegram.me/durov/", user("durov")},
		{"https://telegram.dog/durov?start=x", user("durov")},
		{"https://t.me/durov/123", user("durov")},
		{"https://t.me/durov/123?single#frag", user("durov")},
		{"https://t.me/s/durov", user("durov")},
		{"https://t.me/boost/durov", user("durov")},
		{"durov.t.me", user("durov")},
		{"https://durov.t.me/", user("durov")},
		{"https://t.me/c/1234567890/55", key(ChannelKey(1234567890))},
		{"t.me/c/1234567890", key(ChannelKey(1234567890))},
		{"https://t.me/+79991234567", phone("79991234567")},
		{"https://t.me/+AbCdEf_-12", invite("AbCdEf_-12")},
		{"https://t.me/joinchat/AbCdEf", invite("AbCdEf")},
		{"tg://resolve?domain=durov&post=1", user("durov")},
		{"TG://resolve?phone=%2B79991234567", phone("79991234567")},
		{"tg://user?id=42", key(UserKey(42))},
		{"tg://openmessage?user_id=42", key(UserKey(42))},
		{"tg://openmessage?chat_id=42", key(ChatKey(42))},
		{"tg://privatepost?channel=77&post=3", key(ChannelKey(77))},
		{"tg://join?invite=XyZ", invite("XyZ")},
	}
	for _, tt := range tests {
		got, err := ParseQuery(tt.in)
		if err != nil {
			t.Errorf("ParseQuery(%q): %v", tt.in, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("ParseQuery(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestParseQueryErrors(t *testing.T) {
	tests := []struct {
		in   string
		kind error
	}{
		{"", ErrInvalidQuery},
		{"   ", ErrInvalidQuery},
		{"@", ErrInvalidQuery},
		{"@abc", ErrInvalidQuery},   // too short
		{"1abcde", ErrInvalidQuery}, // not an id, not a username
		{"_abcde", ErrInvalidQuery}, // must start with a letter
		{"abcde!", ErrInvalidQuery}, // bad character
		{strings.Repeat("a", 33), ErrInvalidQuery},
		{"0", ErrInvalidQuery},
		{"-1000000000000", ErrInvalidQuery},
		{"99999999999999999999", ErrInvalidQuery},
		{"+12", ErrInvalidQuery},
		{"+1abc", ErrInvalidQuery},
		{"https://example.com/durov", ErrInvalidQuery},
		{"example.com", ErrInvalidQuery},
		{"https://t.me/", ErrUnsupportedLink},
		{"https://t.me/addstickers/Animals", ErrUnsupportedLink},
		{"https://t.me/proxy?server=x", ErrUnsupportedLink},
		{"https://t.me/s", ErrUnsupportedLink},
		{"https://t.me/joinchat", ErrInvalidQuery},
		{"https://t.me/joinchat/bad!hash", ErrInvalidQuery},
		{"https://t.me/+", ErrInvalidQuery},
		{"https://t.me/c/", ErrInvalidQuery},
		{"https://t.me/c/-5/1", ErrInvalidQuery},
		{"https://t.me/c/abc", ErrInvalidQuery},
		{"https://a.b.t.me", ErrInvalidQuery},
		{"tg://resolve", ErrInvalidQuery},
		{"tg://resolve?domain=ab", ErrInvalidQuery},
		{"tg://resolve?%zz", ErrInvalidQuery},
		{"tg://user?id=x", ErrInvalidQuery},
		{"tg://openmessage", ErrInvalidQuery},
		{"tg://openmessage?chat_id=-1", ErrInvalidQuery},
		{"tg://join", ErrInvalidQuery},
		{"tg://addstickers?set=x", ErrUnsupportedLink},
		{strings.Repeat("x", maxQuery+1), ErrInvalidQuery},
	}
	for _, tt := range tests {
		q, err := ParseQuery(tt.in)
		if !errors.Is(err, tt.kind) || !errors.Is(err, ErrPeerNotFound) {
			t.Errorf("ParseQuery(%q) = %+v, %v; want %v and ErrPeerNotFound", tt.in, q, err, tt.kind)
		}
	}
}

func TestNormalizePhone(t *testing.T) {
	tests := map[string]string{
		"+1 555 0100":           "15550100",
		"79991234567":           "79991234567",
		"(49) 151-123.45":       "4915112345",
		"1234":                  "",
		"+":                     "",
		"123456789012345678901": "",
		"12345x":                "",
	}
	for in, want := range tests {
		if got := NormalizePhone(in); got != want {
			t.Errorf("NormalizePhone(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestValidUsername(t *testing.T) {
	for in, want := range map[string]bool{
		"abcd": true, "@abcd": true, "a123_": true, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef": true,
		"abc": false, "1abc": false, "ab cd": false, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefg": false, "": false,
		"abcdé": false,
	} {
		if got := ValidUsername(in); got != want {
			t.Errorf("ValidUsername(%q) = %v, want %v", in, got, want)
		}
	}
}

func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{
		"me", "@durov", "-1001234567890", "+1 555 0100", "https://t.me/c/123/4", "t.me/+abc",
		"tg://resolve?domain=durov", "tg://privatepost?channel=1", "https://x.t.me", "t.me/joinchat/x",
		"tg://openmessage?chat_id=5", "https://t.me/s/durov", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := ParseQuery(s)
		if err != nil {
			if !errors.Is(err, ErrPeerNotFound) || !errors.Is(err, ErrInvalidQuery) && !errors.Is(err, ErrUnsupportedLink) {
				t.Fatalf("ParseQuery(%q) error %v lacks its sentinels", s, err)
			}
			if q != (Query{}) {
				t.Fatalf("ParseQuery(%q) failed but returned %+v", s, q)
			}
			return
		}
		switch q.Kind {
		case QuerySelf:
		case QueryKey:
			if !q.Key.Valid() {
				t.Fatalf("ParseQuery(%q) = invalid key %v", s, q.Key)
			}
		case QueryUsername:
			if !ValidUsername(q.Username) || q.Username != NormalizeUsername(q.Username) {
				t.Fatalf("ParseQuery(%q) = bad username %q", s, q.Username)
			}
			// A parsed username parses again to itself.
			again, err := ParseQuery("@" + q.Username)
			if err != nil || again != q {
				t.Fatalf("ParseQuery(@%s) = %+v, %v", q.Username, again, err)
			}
		case QueryPhone:
			if NormalizePhone(q.Phone) != q.Phone {
				t.Fatalf("ParseQuery(%q) = unnormalized phone %q", s, q.Phone)
			}
		case QueryInvite:
			if q.Invite == "" {
				t.Fatalf("ParseQuery(%q) = empty invite", s)
			}
		default:
			t.Fatalf("ParseQuery(%q) = kind %v", s, q.Kind)
		}
	})
}
