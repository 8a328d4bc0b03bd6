package webapp_test

import (
	"bufio"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/mtgo-labs/mtgo/client/webapp"
)

// initCase is one line of testdata/initdata.jsonl, written by testdata/make_initdata.py from
// the documented algorithms, independently of this package.
type initCase struct {
	Name           string `json:"name"`
	InitData       string `json:"init_data"`
	BotToken       string `json:"bot_token"`
	BotID          int64  `json:"bot_id"`
	Now            int64  `json:"now"`
	MaxAge         int64  `json:"max_age"`
	ByToken        string `json:"by_token"`
	BySignature    string `json:"by_signature"`
	PublicKey      string `json:"public_key"`
	OtherPublicKey string `json:"other_public_key"`
}

func loadCases(t *testing.T) (ed25519.PublicKey, []initCase) {
	t.Helper()
	f, err := os.Open("testdata/initdata.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var key ed25519.PublicKey
	var cases []initCase
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var c initCase
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatal(err)
		}
		if c.Name == "_key" {
			if key, err = hex.DecodeString(c.PublicKey); err != nil {
				t.Fatal(err)
			}
			continue
		}
		cases = append(cases, c)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(key) != ed25519.PublicKeySize || len(cases) < 10 {
		t.Fatalf("testdata: key %x, %d cases", key, len(cases))
	}
	return key, cases
}

var kinds = map[string]error{
	"ok": nil, "malformed": webapp.ErrMalformed, "no_hash": webapp.ErrNoHash, "hash": webapp.ErrHashMismatch,
	"no_signature": webapp.ErrNoSignature, "signature": webapp.ErrSignatureMismatch, "expired": webapp.ErrExpired,
}

func TestValidateExamples(t *testing.T) {
	key, cases := loadCases(t)
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			o := webapp.Options{MaxAge: time.Duration(c.MaxAge) * time.Second, Now: func() time.Time { return time.Unix(c.Now, 0) }}
			for _, check := range []struct {
				name string
				want string
				run  func() (*webapp.InitData, error)
			}{
				{"Validate", c.ByToken, func() (*webapp.InitData, error) { return webapp.Validate(c.InitData, c.BotToken, o) }},
				{"ValidateThirdParty", c.BySignature, func() (*webapp.InitData, error) {
					return webapp.ValidateThirdParty(c.InitData, c.BotID, key, o)
				}},
			} {
				want, ok := kinds[check.want]
				if !ok {
					t.Fatalf("unknown outcome %q", check.want)
				}
				d, err := check.run()
				if !errors.Is(err, want) || (want == nil) != (err == nil) {
					t.Fatalf("%s = %v, want %v", check.name, err, want)
				}
				if err == nil && (d == nil || d.AuthDate.IsZero()) {
					t.Fatalf("%s: parsed %+v", check.name, d)
				}
			}
		})
	}
}

func TestValidateParsesFields(t *testing.T) {
	key, cases := loadCases(t)
	byName := map[string]initCase{}
	for _, c := range cases {
		byName[c.Name] = c
	}
	c := byName["good"]
	d, err := webapp.ValidateThirdParty(c.InitData, c.BotID, key, webapp.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := &webapp.InitData{
		QueryID: "AAHdF6IQAAAAAN0XohDhrOrc",
		User: &webapp.User{
			ID: 279058397, FirstName: "Vladislav & Co", LastName: "Kibenko", Username: "vdkfrost", LanguageCode: "ru",
			IsPremium: true, AllowsWriteToPM: true, PhotoURL: "https://t.me/i/userpic/320/x.svg",
		},
		ChatType: "sender", ChatInstance: "-3788475317572404878", StartParam: "ref_42",
		AuthDate: time.Unix(c.Now-60, 0),
	}
	if diff := cmp.Diff(want, d, cmpopts.IgnoreFields(webapp.InitData{}, "Hash", "Signature", "Fields")); diff != "" {
		t.Fatalf("parsed (-want +got):\n%s", diff)
	}
	if d.Hash == "" || d.Signature == "" || d.Fields.Get("start_param") != "ref_42" {
		t.Fatalf("proofs and fields: %+v", d)
	}

	g := byName["good_group"]
	d, err = webapp.Validate(g.InitData, g.BotToken, webapp.Options{})
	if err != nil {
		t.Fatal(err)
	}
	wantChat := &webapp.Chat{ID: -1001234567890, Type: "supergroup", Title: "Ünïcode = fine"}
	if diff := cmp.Diff(wantChat, d.Chat); diff != "" || d.CanSendAfter != 5*time.Second {
		t.Fatalf("group chat (-want +got):\n%s, can send after %s", diff, d.CanSendAfter)
	}
}

func TestValidateInputs(t *testing.T) {
	tests := []struct {
		name string
		run  func() error
		want error
	}{
		{"too long", func() error {
			_, err := webapp.Parse(strings.Repeat("a", webapp.MaxInitData+1))
			return err
		}, webapp.ErrMalformed},
		{"short key", func() error {
			_, err := webapp.ValidateThirdParty("signature=AA", 1, ed25519.PublicKey{1, 2}, webapp.Options{})
			return err
		}, nil},
		{"bad auth_date", func() error { _, err := webapp.Parse("auth_date=-1"); return err }, webapp.ErrMalformed},
		{"max age without auth_date", func() error {
			k := webapp.Hash(nil, "t")
			_, err := webapp.Validate("hash="+hex.EncodeToString(k), "t", webapp.Options{MaxAge: time.Hour})
			return err
		}, webapp.ErrExpired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.run()
			if err == nil || (tt.want != nil && !errors.Is(err, tt.want)) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestBuiltInKeys(t *testing.T) {
	for _, k := range []ed25519.PublicKey{webapp.ProductionKey, webapp.TestKey} {
		if len(k) != ed25519.PublicKeySize {
			t.Fatalf("key %x", k)
		}
	}
}

func FuzzValidate(f *testing.F) {
	f.Add("query_id=1&user=%7B%22id%22%3A1%7D&auth_date=1&hash=00&signature=AA")
	f.Add("%zz")
	f.Fuzz(func(t *testing.T, s string) {
		_, _ = webapp.Validate(s, "token", webapp.Options{MaxAge: time.Minute})
		_, _ = webapp.ValidateThirdParty(s, 1, webapp.TestKey, webapp.Options{})
		_, _ = webapp.Parse(s)
	})
}

// TestValidateAuthDate: with a MaxAge, init data is refused when its auth_date is older
// than MaxAge (ErrExpired) or more than MaxClockSkew ahead of the clock (ErrFuture); without
// one, any date passes. Before, a date in the future passed every MaxAge check, so data
// dated years ahead never expired.
func TestValidateAuthDate(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	const token = "123:token"
	tests := []struct {
		name   string
		offset time.Duration // auth_date - now
		maxAge time.Duration
		want   error
	}{
		{"older than max age", -2 * time.Hour, time.Hour, webapp.ErrExpired},
		{"exactly max age", -time.Hour, time.Hour, nil},
		{"recent", -30 * time.Minute, time.Hour, nil},
		{"now", 0, time.Hour, nil},
		{"within the skew", webapp.MaxClockSkew, time.Hour, nil},
		{"past the skew", webapp.MaxClockSkew + time.Second, time.Hour, webapp.ErrFuture},
		{"a year ahead", 365 * 24 * time.Hour, time.Hour, webapp.ErrFuture},
		{"a year ahead, no max age", 365 * 24 * time.Hour, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := url.Values{"auth_date": {strconv.FormatInt(now.Add(tt.offset).Unix(), 10)}, "query_id": {"q"}}
			v.Set("hash", hex.EncodeToString(webapp.Hash(v, token)))
			d, err := webapp.Validate(v.Encode(), token, webapp.Options{MaxAge: tt.maxAge, Now: func() time.Time { return now }})
			if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if err == nil && !d.AuthDate.Equal(now.Add(tt.offset)) {
				t.Fatalf("AuthDate = %v, want %v", d.AuthDate, now.Add(tt.offset))
			}
		})
	}
}
