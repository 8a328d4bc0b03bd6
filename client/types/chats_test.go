package types_test

import (
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// setEachBool returns one copy of zero per bool field of its type, with that field set.
func setEachBool[T any](zero T) []T {
	var out []T
	v := reflect.ValueOf(zero)
	for i := range v.NumField() {
		if v.Field(i).Kind() != reflect.Bool {
			continue
		}
		c := zero
		reflect.ValueOf(&c).Elem().Field(i).SetBool(true)
		out = append(out, c)
	}
	return out
}

// TestAdminRightsCoverTheSchema: every flag of chatAdminRights survives the round trip
// through AdminRights, alone.
func TestAdminRightsCoverTheSchema(t *testing.T) {
	for _, r := range setEachBool(tg.ChatAdminRights{}) {
		if got := types.AdminRightsFrom(r).TG(); got != r {
			t.Errorf("round trip of %+v = %+v", r, got)
		}
	}
	if n, m := reflect.TypeFor[types.AdminRights]().NumField(), len(setEachBool(tg.ChatAdminRights{})); n != m {
		t.Errorf("AdminRights has %d fields, the schema %d flags", n, m)
	}
}

// TestPermissionsCoverTheSchema: every flag of chatBannedRights but view_messages (a ban)
// survives the round trip through ChatPermissions, and the until date is kept.
func TestPermissionsCoverTheSchema(t *testing.T) {
	until := time.Unix(1_900_000_000, 0)
	for _, r := range setEachBool(tg.ChatBannedRights{}) {
		if r.ViewMessages {
			continue
		}
		r.UntilDate = int32(until.Unix())
		if got := types.PermissionsFromBanned(r).BannedRights(until); got != r {
			t.Errorf("round trip of %+v = %+v", r, got)
		}
	}
	if got := types.AllPermissions().BannedRights(time.Time{}); got != (tg.ChatBannedRights{}) {
		t.Errorf("all permissions forbid %+v", got)
	}
}

// TestBannedRightsForever: an end outside the dates a request carries (1901-12-13 to
// 2038-01-19) is for ever, until_date 0, as the zero time is and as Telegram takes any end
// more than 366 days ahead or already past; cut to 32 bits, 2038-01-19T03:14:08Z was a day
// in 1901 and 1900-01-01 one in 2035, a restriction of about nine years.
func TestBannedRightsForever(t *testing.T) {
	for _, tt := range []struct {
		name  string
		until time.Time
		want  int32
	}{
		{"zero", time.Time{}, 0},
		{"past 2038", time.Date(2038, 1, 19, 3, 14, 8, 0, time.UTC), 0},
		{"year 9999", time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC), 0},
		{"before 1901", time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC), 0},
		{"last date", time.Date(2038, 1, 19, 3, 14, 7, 0, time.UTC), math.MaxInt32},
		{"a date", time.Unix(1_900_000_000, 0), 1_900_000_000},
	} {
		if got := types.AllPermissions().BannedRights(tt.until).UntilDate; got != tt.want {
			t.Errorf("%s: until_date %d, want %d", tt.name, got, tt.want)
		}
	}
}

// TestInviteLinkExpiry: an Expires a request cannot carry is ErrDate from both requests
// (cut to 32 bits, 2038-01-19T03:14:08Z expired the link in 1901), the zero time leaves
// expire_date out, and a date inside goes out as it is.
func TestInviteLinkExpiry(t *testing.T) {
	peer := &tg.InputPeerSelf{}
	for _, tt := range []struct {
		name    string
		expires time.Time
		want    tl.Opt[int32]
		err     error
	}{
		{"not set", time.Time{}, tl.Opt[int32]{}, nil},
		{"a date", time.Unix(1_900_000_000, 0), tl.Some[int32](1_900_000_000), nil},
		{"past 2038", time.Date(2038, 1, 19, 3, 14, 8, 0, time.UTC), tl.Opt[int32]{}, types.ErrDate},
		{"before 1901", time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC), tl.Opt[int32]{}, types.ErrDate},
	} {
		spec := types.InviteLinkSpec{Title: "t", Expires: tt.expires}
		ex, err := spec.ExportRequest(peer)
		if !errors.Is(err, tt.err) || (err == nil && ex.ExpireDate != tt.want) {
			t.Errorf("%s: export %+v, %v; want expire_date %+v, error %v", tt.name, ex, err, tt.want, tt.err)
		}
		ed, err := spec.EditRequest(peer, "https://t.me/+x")
		if !errors.Is(err, tt.err) || (err == nil && ed.ExpireDate != tt.want) {
			t.Errorf("%s: edit %+v, %v; want expire_date %+v, error %v", tt.name, ed, err, tt.want, tt.err)
		}
	}
}

func TestInviteHash(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://t.me/+AbC_d-1", "AbC_d-1"},
		{"t.me/joinchat/XYZ", "XYZ"},
		{"tg://join?invite=q1", "q1"},
		{"+hash", "hash"},
		{"https://t.me/durov", ""},
		{"@durov", ""},
		{"", ""},
		{"https://www.t.me/+AbC/", "AbC"},
		{"HTTPS://Telegram.me/joinchat/XYZ?x", "XYZ"},
		{"tg://join?invite=q1&x=2", "q1"},
		{"https://t.me/+15551234567", ""}, // a phone number
		{"https://t.me/+bad hash", ""},
	}
	for _, tt := range tests {
		if got := types.InviteHash(tt.in); got != tt.want {
			t.Errorf("InviteHash(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// FuzzInviteHash: whatever the text, InviteHash gives "" or a well-formed hash (a tg:// link
// may spell it percent-encoded).
func FuzzInviteHash(f *testing.F) {
	for _, s := range []string{"https://t.me/+AbC_d-1", "t.me/joinchat/XYZ", "tg://join?invite=q1&x=2", "tg://join?invite=%41b", "+hash", "+", "@durov"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		h := types.InviteHash(s)
		if h == "" {
			return
		}
		if len(h) > 64 || strings.Trim(h, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") != "" {
			t.Fatalf("InviteHash(%q) = %q", s, h)
		}
	})
}

func TestNewChatMember(t *testing.T) {
	e := types.NewEntities([]tg.UserClass{&tg.User{ID: 7}}, nil)
	until := int32(1_900_000_000)
	tests := []struct {
		name string
		in   any
		want types.MemberStatus
		perm bool
	}{
		{"creator", &tg.ChannelParticipantCreator{UserID: 7}, types.MemberOwner, false},
		{"admin", &tg.ChannelParticipantAdmin{UserID: 7, AdminRights: tg.ChatAdminRights{BanUsers: true}}, types.MemberAdministrator, false},
		{"member", &tg.ChannelParticipant{UserID: 7}, types.MemberMember, false},
		{"restricted", &tg.ChannelParticipantBanned{Peer: &tg.PeerUser{UserID: 7}, BannedRights: tg.ChatBannedRights{SendMedia: true, UntilDate: until}}, types.MemberRestricted, true},
		{"banned", &tg.ChannelParticipantBanned{Peer: &tg.PeerUser{UserID: 7}, BannedRights: tg.ChatBannedRights{ViewMessages: true}}, types.MemberBanned, false},
		{"left", &tg.ChannelParticipantLeft{Peer: &tg.PeerUser{UserID: 7}}, types.MemberLeft, false},
		{"basic admin", &tg.ChatParticipantAdmin{UserID: 7}, types.MemberAdministrator, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := types.NewChatMember(tt.in, e)
			if m == nil || m.User == nil || m.User.ID != 7 || m.Status != tt.want || (m.Permissions != nil) != tt.perm {
				t.Fatalf("member %+v", m)
			}
			if tt.perm && (m.Permissions.SendMedia || !m.Permissions.SendPlain || m.Until.Unix() != int64(until)) {
				t.Fatalf("permissions %+v until %v", m.Permissions, m.Until)
			}
		})
	}
	if types.NewChatMember(nil, e) != nil {
		t.Fatal("nil participant gave a member")
	}
}

func TestChatFolderRoundTrip(t *testing.T) {
	f := types.ChatFolder{ID: 3, Title: "Work", Emoticon: "💼", Color: 2, HasColor: true, Groups: true, ExcludeMuted: true,
		Included: []tg.InputPeerClass{&tg.InputPeerChat{ChatID: 5}}}
	tgf, err := f.TG()
	if err != nil {
		t.Fatal(err)
	}
	got := types.NewChatFolder(tgf)
	got.Raw = nil
	f.Pinned, f.Excluded = []tg.InputPeerClass{}, []tg.InputPeerClass{}
	if diff := cmp.Diff(&f, got); diff != "" {
		t.Fatalf("folder (-want +got):\n%s", diff)
	}
}

// TestChatFolderTGRange: TG refuses a folder id or a tag colour (when set) that a dialogFilter's
// 32-bit fields cannot carry: cut to them, 1<<32+3 would name folder 3 and 1<<32+2 colour 2.
// Ids 0 and 1 are "All chats" and the archive, no folder to write; colours start at 0.
func TestChatFolderTGRange(t *testing.T) {
	for _, tt := range []struct {
		name   string
		folder types.ChatFolder
		want   error
	}{
		{"id past int32", types.ChatFolder{ID: 1<<32 + 3}, types.ErrFolderID},
		{"id 2^31", types.ChatFolder{ID: math.MaxInt32 + 1}, types.ErrFolderID},
		{"the archive", types.ChatFolder{ID: 1}, types.ErrFolderID},
		{"all chats", types.ChatFolder{}, types.ErrFolderID},
		{"colour past int32", types.ChatFolder{ID: 3, Color: 1<<32 + 2, HasColor: true}, types.ErrFolderColor},
		{"negative colour", types.ChatFolder{ID: 3, Color: -1, HasColor: true}, types.ErrFolderColor},
		{"colour not set", types.ChatFolder{ID: 3, Color: 1<<32 + 2}, nil},
		{"largest", types.ChatFolder{ID: math.MaxInt32, Color: math.MaxInt32, HasColor: true}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f, err := tt.folder.TG()
			if !errors.Is(err, tt.want) || (err == nil) != (f != nil) {
				t.Fatalf("TG() = %v, %v; want error %v", f, err, tt.want)
			}
			if err == nil && (int(f.ID) != tt.folder.ID || f.Color.Set != tt.folder.HasColor) {
				t.Fatalf("TG() = id %d, colour %v; want %d, set %v", f.ID, f.Color, tt.folder.ID, tt.folder.HasColor)
			}
		})
	}
}
