package mtgo_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/teletest"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl/rpcerr"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// e2eSession logs a new client in to the existing person u (another session of the same
// account), answering the 2FA question with password.
func e2eSession(t *testing.T, cl *teletest.Cluster, u world.User, password string, edit ...func(*mtgo.Config)) *testClient {
	t.Helper()
	c := e2eClient(t, cl, append([]func(*mtgo.Config){func(cfg *mtgo.Config) {
		cfg.PhoneNumber = u.Phone
		cfg.Code = codeFrom(cl.World())
		cfg.Password = func(context.Context, string) (string, error) { return password, nil }
	}}, edit...)...)
	if err := c.Start0(t); err != nil {
		t.Fatal(err)
	}
	return c
}

// ctxTest bounds a whole test of several steps (the SRP steps are slow under -race).
func ctxTest(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// statusOf returns the TL name of the presence viewer sees of user.
func statusOf(t *testing.T, viewer *testClient, user any) string {
	t.Helper()
	u, err := viewer.GetUser(ctxT(t), user)
	if err != nil {
		t.Fatal(err)
	}
	if u.Raw == nil || u.Raw.Status == nil {
		return ""
	}
	return u.Raw.Status.TypeName()
}

// TestE2EContactsPrivacyAndBlocks: three people; contacts and their flags as each side sees
// them, phone import and search, last seen for contacts only, and a block hiding the
// blocker's presence from the blocked person.
func TestE2EContactsPrivacyAndBlocks(t *testing.T) {
	cl := cluster(t)
	ann, a := e2eUser(t, cl, world.UserSpec{FirstName: "Ann", LastName: "Lee", Username: "ann_contacts", Phone: "15552001"})
	bob, b := e2eUser(t, cl, world.UserSpec{FirstName: "Bob", Username: "bob_contacts", Phone: "15552002"})
	cat, c := e2eUser(t, cl, world.UserSpec{FirstName: "Cat", Username: "cat_contacts", Phone: "15552003"})
	ctx := ctxTest(t)

	if got, _ := bob.GetUser(ctx, "@ann_contacts"); got == nil || got.Phone != "" {
		t.Fatalf("Bob sees Ann's phone before she shares it: %+v", got)
	}
	if err := ann.AddContact(ctx, "@bob_contacts", "Bobby", "", "", true); err != nil {
		t.Fatal(err)
	}
	if got, _ := bob.GetUser(ctx, "@ann_contacts"); got == nil || got.Phone != a.Phone {
		t.Fatalf("Bob does not see the phone Ann shared: %+v", got)
	}
	contacts, err := ann.GetContacts(ctx)
	if err != nil || len(contacts) != 1 || contacts[0].ID != b.ID || !contacts[0].IsContact {
		t.Fatalf("Ann's contacts = %+v, %v; want Bob", contacts, err)
	}
	if got, _ := bob.GetUser(ctx, "@ann_contacts"); got == nil || got.IsContact {
		t.Fatalf("Bob sees Ann as %+v, want no contact", got)
	}
	imported, err := bob.ImportContacts(ctx, types.PhoneContact{Phone: "+15559999", FirstName: "Nobody"}, types.PhoneContact{Phone: a.Phone, FirstName: "Ann"})
	if err != nil || len(imported) != 1 || imported[0].Index != 1 || imported[0].User.ID != a.ID {
		t.Fatalf("ImportContacts = %+v, %v; want Ann at index 1", imported, err)
	}
	if got, _ := ann.GetUser(ctx, b.ID); got == nil || !got.IsContact || !got.Raw.MutualContact {
		t.Fatalf("Ann sees Bob as %+v, want a mutual contact", got)
	}
	found, err := bob.SearchContacts(ctx, "ann", 10)
	if err != nil || len(found.Mine) != 1 || found.Mine[0].ID != a.ID {
		t.Fatalf("SearchContacts = %+v, %v; want Ann among Bob's own", found, err)
	}
	if found, err := bob.SearchContacts(ctx, "cat_con", 10); err != nil || len(found.Mine) != 0 || len(found.Global) != 1 || found.Global[0].ID != c.ID {
		t.Fatalf("SearchContacts(cat_con) = %+v, %v; want Cat among the public results", found, err)
	}
	users, err := bob.GetUsers(ctx, "@ann_contacts", "@cat_contacts", "me")
	if err != nil || len(users) != 3 || users[0].ID != a.ID || users[1].ID != c.ID || !users[2].IsSelf {
		t.Fatalf("GetUsers = %+v, %v", users, err)
	}
	// More users than one users.getUsers takes go in turns, in order.
	many := make([]any, 0, 2*200+3)
	for range 200 { // users.getUsers takes 200
		many = append(many, "me", "@ann_contacts")
	}
	many = append(many, "@cat_contacts", "me", "@ann_contacts")
	users, err = bob.GetUsers(ctx, many...)
	if err != nil || len(users) != len(many) {
		t.Fatalf("GetUsers of %d = %d users, %v", len(many), len(users), err)
	}
	for i, u := range users {
		want := map[any]int64{"me": b.ID, "@ann_contacts": a.ID, "@cat_contacts": c.ID}[many[i]]
		if u.ID != want {
			t.Fatalf("GetUsers[%d] = user %d, want %d (%v)", i, u.ID, want, many[i])
		}
	}

	// Last seen: contacts only. Bob (a contact) sees Ann online, Cat sees "recently".
	if _, err := ann.ResolvePeer(ctx, "@cat_contacts"); err != nil {
		t.Fatal(err)
	}
	if err := ann.UpdateStatus(ctx, false); err != nil {
		t.Fatal(err)
	}
	rules, err := ann.SetPrivacy(ctx, types.PrivacyLastSeen, types.PrivacyRules{Base: types.PrivacyContacts, AllowUsers: []int64{c.ID}})
	if err != nil {
		t.Fatal(err)
	}
	want := types.PrivacyRules{Base: types.PrivacyContacts, AllowUsers: []int64{c.ID}}
	if diff := cmp.Diff(want, rules); diff != "" {
		t.Fatalf("SetPrivacy (-want +got):\n%s", diff)
	}
	if got, err := ann.GetPrivacy(ctx, types.PrivacyLastSeen); err != nil || !cmp.Equal(want, got) {
		t.Fatalf("GetPrivacy = %+v, %v", got, err)
	}
	for _, tc := range []struct {
		name   string
		viewer *testClient
		want   string
	}{
		{"contact", bob, "userStatusOnline"},
		{"allowed by exception", cat, "userStatusOnline"},
	} {
		if got := statusOf(t, tc.viewer, "@ann_contacts"); got != tc.want {
			t.Errorf("%s: status = %q, want %q", tc.name, got, tc.want)
		}
	}
	if _, err := ann.SetPrivacy(ctx, types.PrivacyLastSeen, types.PrivacyRules{Base: types.PrivacyContacts}); err != nil {
		t.Fatal(err)
	}
	if got := statusOf(t, cat, "@ann_contacts"); got != "userStatusRecently" {
		t.Errorf("non-contact sees %q, want userStatusRecently", got)
	}

	// Cat is blocked: Cat no longer sees Ann's presence; Ann's block list has Cat.
	if err := ann.BlockUser(ctx, "@cat_contacts"); err != nil {
		t.Fatal(err)
	}
	if got := statusOf(t, cat, "@ann_contacts"); got != "userStatusEmpty" {
		t.Errorf("blocked person sees %q, want userStatusEmpty", got)
	}
	var blocked []int64
	for e, err := range ann.GetBlocked(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		blocked = append(blocked, e.User.ID)
	}
	if diff := cmp.Diff([]int64{c.ID}, blocked); diff != "" {
		t.Fatalf("GetBlocked (-want +got):\n%s", diff)
	}
	if full, err := ann.GetFullUser(ctx, c.ID); err != nil || !full.Blocked {
		t.Fatalf("GetFullUser(Cat).Blocked = %+v, %v; want true", full, err)
	}
	if err := ann.UnblockUser(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	for e, err := range ann.GetBlocked(ctx) {
		t.Fatalf("after unblock: %+v, %v", e, err)
	}

	// Top peers: Ann talks to Bob, then to Cat; Cat is the more recent correspondent.
	for _, to := range []string{"@bob_contacts", "@cat_contacts"} {
		if _, err := ann.SendMessage(ctx, to, "hi"); err != nil {
			t.Fatal(err)
		}
	}
	top, err := ann.GetTopPeers(ctx, 10, types.TopCorrespondents)
	if err != nil || len(top) != 2 || top[0].Chat.ID != c.ID || top[1].Chat.ID != b.ID || top[0].Category != types.TopCorrespondents {
		t.Fatalf("GetTopPeers = %+v, %v; want Cat then Bob", top, err)
	}

	if err := ann.DeleteContacts(ctx, b.ID); err != nil {
		t.Fatal(err)
	}
	if contacts, err := ann.GetContacts(ctx); err != nil || len(contacts) != 0 {
		t.Fatalf("contacts after delete = %+v, %v", contacts, err)
	}
}

// TestE2EProfileAndAccount: names, bio and username as another person sees them, profile
// photos (photo and video) through the iterator, account TTL and global privacy.
func TestE2EProfileAndAccount(t *testing.T) {
	cl := cluster(t)
	dan, d := e2eUser(t, cl, world.UserSpec{FirstName: "Dan", Username: "dan_profile", Phone: "15552101", Premium: true})
	eve, e := e2eUser(t, cl, world.UserSpec{FirstName: "Eve", Phone: "15552102"})
	ctx := ctxTest(t)
	if _, err := cl.World().CreateChat(d.ID, "Both", e.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := cl.World().CreateChannel(d.ID, world.ChannelSpec{Title: "Dan's", Username: "dan_personal"}); err != nil {
		t.Fatal(err)
	}
	if err := dan.SetBirthday(ctx, &types.Birthday{Day: 29, Month: 2}); err != nil {
		t.Fatal(err)
	}
	if err := dan.SetBirthday(ctx, &types.Birthday{Day: 30, Month: 2}); !rpcerr.IsType(err, "BIRTHDAY_INVALID") {
		t.Fatalf("30 February: %v", err)
	}
	if err := dan.SetPersonalChannel(ctx, "@dan_personal"); err != nil {
		t.Fatal(err)
	}

	me, err := dan.UpdateProfile(ctx, "Daniel", "Smith", "")
	if err != nil || me.FirstName != "Daniel" || me.LastName != "Smith" {
		t.Fatalf("UpdateProfile = %+v, %v", me, err)
	}
	if err := dan.SetBio(ctx, "Gopher"); err != nil {
		t.Fatal(err)
	}
	if err := dan.SetUsername(ctx, "daniel_profile"); err != nil {
		t.Fatal(err)
	}
	if _, err := eve.ResolvePeer(ctx, "@dan_profile"); err == nil {
		t.Fatal("the old username still resolves")
	}
	full, err := eve.GetFullUser(ctx, "@daniel_profile")
	if err != nil {
		t.Fatal(err)
	}
	if full.Bio != "Gopher" || full.User.FullName() != "Daniel Smith" || full.User.ID != d.ID ||
		full.CommonChatsCount != 1 || full.PersonalChannelID == 0 || full.Birthday == nil || *full.Birthday != (types.Birthday{Day: 29, Month: 2}) {
		t.Fatalf("Eve sees %+v (user %+v)", full, full.User)
	}
	common, err := eve.GetCommonChats(ctx, d.ID, 10)
	if err != nil || len(common) != 1 || common[0].Title != "Both" {
		t.Fatalf("GetCommonChats = %+v, %v", common, err)
	}
	if _, err := dan.SetPrivacy(ctx, types.PrivacyBirthday, types.PrivacyRules{Base: types.PrivacyNobody}); err != nil {
		t.Fatal(err)
	}
	if full, err := eve.GetFullUser(ctx, d.ID); err != nil || full.Birthday != nil {
		t.Fatalf("hidden birthday seen: %+v, %v", full, err)
	}
	if got, err := dan.GetMe(ctx); err != nil || got.Username != "daniel_profile" || !got.IsSelf {
		t.Fatalf("GetMe = %+v, %v", got, err)
	}

	jpeg := bytes.Repeat([]byte{0xff, 0xd8, 0xff}, 100)
	for _, tc := range []struct {
		name string
		opts []mtgo.ProfilePhotoOption
	}{
		{"photo", nil},
		{"video", []mtgo.ProfilePhotoOption{mtgo.WithProfileVideo(0)}},
	} {
		p, err := dan.SetProfilePhoto(ctx, types.InputFile{Reader: bytes.NewReader(jpeg), Name: tc.name + ".jpg", Size: int64(len(jpeg))}, tc.opts...)
		if err != nil || p == nil || p.IsVideo != (tc.name == "video") {
			t.Fatalf("%s: SetProfilePhoto = %+v, %v", tc.name, p, err)
		}
	}
	var photos []*types.ProfilePhoto
	for p, err := range eve.GetProfilePhotos(ctx, d.ID) {
		if err != nil {
			t.Fatal(err)
		}
		photos = append(photos, p)
	}
	if len(photos) != 2 || !photos[0].IsVideo || photos[1].IsVideo {
		t.Fatalf("Eve sees %d photos %+v, want the video then the photo", len(photos), photos)
	}
	if p, err := dan.SetProfilePhoto(ctx, photos[1]); err != nil || p.ID != photos[1].ID {
		t.Fatalf("SetProfilePhoto(earlier photo) = %+v, %v", p, err)
	}
	if full, err := eve.GetFullUser(ctx, d.ID); err != nil || full.Photo == nil || full.Photo.ID != photos[1].ID {
		t.Fatalf("current photo %+v, %v; want %d", full.Photo, err, photos[1].ID)
	}
	if err := dan.DeleteProfilePhoto(ctx, photos[0].ID); err != nil {
		t.Fatal(err)
	}
	if full, err := eve.GetFullUser(ctx, d.ID); err != nil || full.Photo == nil || full.Photo.ID != photos[1].ID {
		t.Fatalf("after delete Eve sees photo %+v, %v; want %d", full.Photo, err, photos[1].ID)
	}

	if days, err := dan.GetAccountTTL(ctx); err != nil || days != 365 {
		t.Fatalf("GetAccountTTL = %d, %v", days, err)
	}
	if err := dan.SetAccountTTL(ctx, 10); !rpcerr.IsType(err, "TTL_DAYS_UNKNOWN") {
		t.Fatalf("SetAccountTTL(10) = %v", err)
	}
	if err := dan.SetAccountTTL(ctx, 180); err != nil {
		t.Fatal(err)
	}
	if days, _ := dan.GetAccountTTL(ctx); days != 180 {
		t.Fatalf("TTL = %d, want 180", days)
	}
	g := types.GlobalPrivacySettings{ArchiveAndMuteNewNoncontactPeers: true, HideReadMarks: true}
	if err := dan.SetGlobalPrivacySettings(ctx, g); err != nil {
		t.Fatal(err)
	}
	if got, err := dan.GetGlobalPrivacySettings(ctx); err != nil || got != g {
		t.Fatalf("GetGlobalPrivacySettings = %+v, %v", got, err)
	}
	if err := eve.SetEmojiStatus(ctx, 42, time.Time{}); !rpcerr.IsType(err, "PREMIUM_ACCOUNT_REQUIRED") {
		t.Fatalf("SetEmojiStatus without premium = %v", err)
	}
	if err := dan.SetEmojiStatus(ctx, 42, time.Unix(1900000000, 0)); err != nil {
		t.Fatal(err)
	}
	if u, err := eve.GetUser(ctx, d.ID); err != nil || u.Raw.EmojiStatus == nil {
		t.Fatalf("Eve sees no emoji status: %+v, %v", u, err)
	}
}

// TestE2ECloudPassword: a password set, changed and removed; logins of new sessions ask for
// it; recovery by the mailed code during a login.
func TestE2ECloudPassword(t *testing.T) {
	cl := cluster(t)
	fay, f := e2eUser(t, cl, world.UserSpec{FirstName: "Fay", Phone: "15552201"})
	ctx := ctxTest(t)

	if _, err := fay.GetPasswordHint(ctx); !errors.Is(err, mtgo.ErrPasswordNotSet) {
		t.Fatalf("hint without password: %v", err)
	}
	if err := fay.EnableCloudPassword(ctx, "first", "one", "fay@example.com"); err != nil {
		t.Fatal(err)
	}
	if err := fay.EnableCloudPassword(ctx, "again", "", ""); !errors.Is(err, mtgo.ErrPasswordAlreadySet) {
		t.Fatalf("second enable: %v", err)
	}
	if hint, err := fay.GetPasswordHint(ctx); err != nil || hint != "one" {
		t.Fatalf("hint = %q, %v", hint, err)
	}
	for _, tc := range []struct {
		name, password string
		ok             bool
	}{
		{"wrong password", "nope", false},
		{"right password", "first", true},
	} {
		c := e2eClient(t, cl, func(cfg *mtgo.Config) {
			cfg.PhoneNumber, cfg.Code = f.Phone, codeFrom(cl.World())
			cfg.Password = func(context.Context, string) (string, error) { return tc.password, nil }
		})
		err := c.Start0(t)
		if (err == nil) != tc.ok {
			t.Fatalf("%s: login = %v", tc.name, err)
		}
		if !tc.ok && !rpcerr.IsType(err, "PASSWORD_HASH_INVALID") {
			t.Fatalf("%s: login error %v, want PASSWORD_HASH_INVALID", tc.name, err)
		}
	}
	if err := fay.ChangeCloudPassword(ctx, "wrong", "second", "two"); !rpcerr.IsType(err, "PASSWORD_HASH_INVALID") {
		t.Fatalf("change with a wrong password: %v", err)
	}
	if err := fay.ChangeCloudPassword(ctx, "first", "second", "two"); err != nil {
		t.Fatal(err)
	}
	e2eSession(t, cl, f, "second")

	// Recovery: a login without the password mails a code and completes with it.
	c := e2eClient(t, cl, func(cfg *mtgo.Config) { cfg.PhoneNumber, cfg.Code = f.Phone, codeFrom(cl.World()) })
	if err := c.Start0(t); !errors.Is(err, mtgo.Err2FARequired) {
		t.Fatalf("login without a password callback: %v", err)
	}
	pattern, err := c.RequestPasswordRecovery(ctx)
	if err != nil || pattern != "f***@example.com" {
		t.Fatalf("RequestPasswordRecovery = %q, %v", pattern, err)
	}
	code, _ := cl.World().RecoveryCode(f.ID)
	if err := c.RecoverPassword(ctx, code); err != nil {
		t.Fatal(err)
	}
	if me := c.Me(); me == nil || me.ID != f.ID {
		t.Fatalf("after recovery Me = %+v", me)
	}
	if _, err := fay.GetPasswordHint(ctx); !errors.Is(err, mtgo.ErrPasswordNotSet) {
		t.Fatalf("recovery left a password: %v", err)
	}
	if err := fay.EnableCloudPassword(ctx, "third", "", ""); err != nil {
		t.Fatal(err)
	}
	if err := fay.RemoveCloudPassword(ctx, "third"); err != nil {
		t.Fatal(err)
	}
	e2eSession(t, cl, f, "")
}

// TestE2EQRLogin: a new client shows a login token, another session of the account accepts
// it, and the client is logged in: on the same data center, after a migration to the
// account's, and with the 2FA password.
func TestE2EQRLogin(t *testing.T) {
	for _, tc := range []struct {
		name     string
		dc       int
		password string
	}{
		{"same dc", 2, ""},
		{"other dc", 1, ""},
		{"2fa", 2, "secret"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cl := cluster(t)
			owner, u := e2eUser(t, cl, world.UserSpec{FirstName: "Gil", Phone: "15552301", DC: tc.dc, Password: tc.password})
			c := e2eClient(t, cl, func(cfg *mtgo.Config) {
				cfg.Password = func(context.Context, string) (string, error) { return tc.password, nil }
			})
			if err := c.ConnectContext(ctxT(t)); err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			prompt := mtgo.NewTerminalPrompt(strings.NewReader(""), &out)
			tokens := make(chan []byte, 1)
			done := make(chan error, 1)
			go func() {
				done <- c.LoginQR(ctxT(t), func(ctx context.Context, tok *mtgo.QRLoginToken) error {
					raw, err := mtgo.ParseQRLoginURL(tok.URL())
					if err != nil || !bytes.Equal(raw, tok.Token) {
						return errors.New("token URL does not round trip")
					}
					if err := prompt.QR(ctx, tok); err != nil {
						return err
					}
					tokens <- raw
					return nil
				})
			}()
			s, err := owner.AcceptLoginToken(ctxT(t), recv(t, tokens, "login token"))
			if err != nil || s == nil {
				t.Fatalf("AcceptLoginToken = %+v, %v", s, err)
			}
			if err := recv(t, done, "QR login"); err != nil {
				t.Fatal(err)
			}
			if me := c.Me(); me == nil || me.ID != u.ID || c.DC() != tc.dc {
				t.Fatalf("after QR login Me = %+v on dc %d, want %d on dc %d", me, c.DC(), u.ID, tc.dc)
			}
			if !strings.Contains(out.String(), "tg://login?token=") || !strings.Contains(out.String(), "▀") {
				t.Fatalf("prompt output has no QR code:\n%s", out.String())
			}
			if _, err := c.GetMe(ctxT(t)); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestE2ESessionsAndLogOut: an account's sessions listed and one ended by another, web
// sessions, and LogOut over the network.
func TestE2ESessionsAndLogOut(t *testing.T) {
	cl := cluster(t)
	first, h := e2eUser(t, cl, world.UserSpec{FirstName: "Hal", Phone: "15552401"})
	second := e2eSession(t, cl, h, "")
	ctx := ctxTest(t)

	list, err := second.GetActiveSessions(ctx)
	if err != nil || len(list.Sessions) != 2 || !list.Sessions[0].Current || list.Sessions[0].Device != "MTGo" {
		t.Fatalf("GetActiveSessions = %+v, %v", list, err)
	}
	if err := second.ResetSession(ctx, list.Sessions[1].Hash); err != nil {
		t.Fatal(err)
	}
	if _, err := first.GetMe(ctx); !rpcerr.IsType(err, "AUTH_KEY_UNREGISTERED") {
		t.Fatalf("ended session still works: %v", err)
	}
	third := e2eSession(t, cl, h, "")
	if err := third.ResetOtherSessions(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := second.GetMe(ctx); !rpcerr.IsType(err, "AUTH_KEY_UNREGISTERED") {
		t.Fatalf("other session survived ResetOtherSessions: %v", err)
	}

	_, bot := e2eBot(t, cl, "e2e_login_widget_bot")
	hash, err := cl.World().AddWebAuthorization(h.ID, bot.ID, "example.com")
	if err != nil {
		t.Fatal(err)
	}
	web, err := third.GetWebSessions(ctx)
	if err != nil || len(web) != 1 || web[0].Hash != hash || web[0].Domain != "example.com" || web[0].Bot == nil || web[0].Bot.ID != bot.ID {
		t.Fatalf("GetWebSessions = %+v, %v", web, err)
	}
	if err := third.ResetWebSession(ctx, hash); err != nil {
		t.Fatal(err)
	}
	if web, err := third.GetWebSessions(ctx); err != nil || len(web) != 0 {
		t.Fatalf("after reset: %+v, %v", web, err)
	}

	if ok, err := third.SignOut(ctx); err != nil || !ok {
		t.Fatalf("SignOut = %v, %v", ok, err)
	}
	if third.Me() != nil {
		t.Fatal("Me after LogOut")
	}
	if _, err := third.GetMe(ctx); !rpcerr.IsType(err, "AUTH_KEY_UNREGISTERED") {
		t.Fatalf("call after LogOut: %v", err)
	}
	if err := third.Login(ctx); err != nil { // the same client logs in again
		t.Fatal(err)
	}
}

// TestE2ETakeoutSession: calls inside a takeout session, which ends with Finish.
func TestE2ETakeoutSession(t *testing.T) {
	cl := cluster(t)
	ivy, i := e2eUser(t, cl, world.UserSpec{FirstName: "Ivy", Phone: "15552501"})
	ctx := ctxTest(t)
	tk, err := ivy.InitTakeout(ctx, mtgo.TakeoutScope{Contacts: true, MessageUsers: true, Files: true})
	if err != nil {
		t.Fatal(err)
	}
	users, err := tg.NewClient(tk).UsersGetUsers(ctx, &tg.UsersGetUsersRequest{ID: []tg.InputUserClass{&tg.InputUserSelf{}}})
	if err != nil || len(users) != 1 || types.NewUser(users[0]).ID != i.ID {
		t.Fatalf("users.getUsers in takeout = %+v, %v", users, err)
	}
	if err := tk.Finish(ctx, true); err != nil {
		t.Fatal(err)
	}
	if err := tk.Finish(ctx, true); !rpcerr.IsType(err, "TAKEOUT_INVALID") {
		t.Fatalf("finished takeout still usable: %v", err)
	}
}

// TestE2EResendAndCancelCode: the CodeFunc sees each delivery type, asks for the next one
// with ErrResendCode, and a cancelled code no longer signs in.
func TestE2EResendAndCancelCode(t *testing.T) {
	cl := cluster(t)
	u, err := cl.World().CreateUser(world.UserSpec{FirstName: "Jon", Phone: "15552601"})
	if err != nil {
		t.Fatal(err)
	}
	var types_ []string
	c := e2eClient(t, cl, func(cfg *mtgo.Config) {
		cfg.PhoneNumber = u.Phone
		cfg.Code = func(ctx context.Context, phone string, info mtgo.CodeInfo) (string, error) {
			types_ = append(types_, info.Type)
			if len(types_) < 3 {
				return "", mtgo.ErrResendCode
			}
			return codeFrom(cl.World())(ctx, phone, info)
		}
	})
	if err := c.Start0(t); err != nil {
		t.Fatal(err)
	}
	want := []string{"auth.sentCodeTypeApp", "auth.sentCodeTypeSms", "auth.sentCodeTypeCall"}
	if diff := cmp.Diff(want, types_); diff != "" {
		t.Fatalf("delivery types (-want +got):\n%s", diff)
	}

	other := e2eClient(t, cl)
	if err := other.ConnectContext(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	sent, err := other.SendCode(ctxT(t), u.Phone)
	if err != nil || sent.NextType != "auth.codeTypeSms" {
		t.Fatalf("SendCode = %+v, %v", sent, err)
	}
	code, _ := cl.World().AuthCode(u.Phone)
	if err := other.CancelCode(ctxT(t), u.Phone, sent.PhoneCodeHash); err != nil {
		t.Fatal(err)
	}
	if err := other.SignIn(ctxT(t), u.Phone, sent.PhoneCodeHash, code); !rpcerr.IsType(err, "PHONE_CODE_EXPIRED") {
		t.Fatalf("sign in with a cancelled code: %v", err)
	}
}

// TestE2EBotSettings: a bot configures commands per scope and language, its texts, menu
// button and default rights; a person sees them on the bot's profile.
func TestE2EBotSettings(t *testing.T) {
	cl := cluster(t)
	b, bot := e2eBot(t, cl, "e2e_settings_bot")
	kim, k := e2eUser(t, cl, world.UserSpec{FirstName: "Kim", Phone: "15552701"})
	ctx := ctxTest(t)
	heard := make(chan *types.Message, 1)
	b.OnMessage(func(_ *mtgo.Context, m *types.Message) error { heard <- m; return nil })
	if _, err := kim.SendMessage(ctx, "@e2e_settings_bot", "/start"); err != nil { // the bot meets Kim
		t.Fatal(err)
	}
	recv(t, heard, "Kim's /start")

	def := []types.BotCommand{{Command: "start", Description: "Start"}, {Command: "help", Description: "Help"}}
	de := []types.BotCommand{{Command: "hilfe", Description: "Hilfe"}}
	priv := []types.BotCommand{{Command: "secret", Description: "Only for Kim"}}
	for _, tc := range []struct {
		scope mtgo.BotCommandScope
		lang  string
		cmds  []types.BotCommand
	}{
		{mtgo.ScopeDefault(), "", def},
		{mtgo.ScopeDefault(), "de", de},
		{mtgo.ScopeChat(k.ID), "", priv},
		{mtgo.ScopeAllGroupChats(), "", nil},
	} {
		if tc.cmds != nil {
			if err := b.SetBotCommands(ctx, tc.scope, tc.lang, tc.cmds); err != nil {
				t.Fatal(err)
			}
		}
		got, err := b.GetBotCommands(ctx, tc.scope, tc.lang)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tc.cmds, got, cmp.Comparer(func(x, y []types.BotCommand) bool { return len(x) == 0 && len(y) == 0 || cmp.Equal(x, y) })); diff != "" {
			t.Errorf("commands %+v %q (-want +got):\n%s", tc.scope, tc.lang, diff)
		}
	}
	if err := b.DeleteBotCommands(ctx, mtgo.ScopeDefault(), "de"); err != nil {
		t.Fatal(err)
	}
	if got, _ := b.GetBotCommands(ctx, mtgo.ScopeDefault(), "de"); len(got) != 0 {
		t.Fatalf("after delete: %+v", got)
	}
	if err := b.SetBotCommands(ctx, mtgo.ScopeDefault(), "", []types.BotCommand{{Command: "Bad Command", Description: "x"}}); !rpcerr.IsType(err, "BOT_COMMAND_INVALID") {
		t.Fatalf("invalid command: %v", err)
	}

	texts := []struct {
		set  func(context.Context, string, string) error
		get  func(context.Context, string) (string, error)
		lang string
		text string
	}{
		{b.SetBotName, b.GetBotName, "", "Settings Bot"},
		{b.SetBotInfoDescription, b.GetBotInfoDescription, "", "What this bot can do"},
		{b.SetBotInfoShortDescription, b.GetBotInfoShortDescription, "", "Short"},
		{b.SetBotInfoDescription, b.GetBotInfoDescription, "de", "Was dieser Bot kann"},
	}
	for _, tc := range texts {
		if err := tc.set(ctx, tc.lang, tc.text); err != nil {
			t.Fatal(err)
		}
		if got, err := tc.get(ctx, tc.lang); err != nil || got != tc.text {
			t.Errorf("text %q: got %q, %v", tc.text, got, err)
		}
	}

	web := types.MenuButton{Kind: types.MenuButtonWebApp, Text: "Open", URL: "https://example.com/app"}
	if err := b.SetChatMenuButton(ctx, nil, types.MenuButton{Kind: types.MenuButtonCommands}); err != nil {
		t.Fatal(err)
	}
	if err := b.SetChatMenuButton(ctx, k.ID, web); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		user any
		want types.MenuButton
	}{
		{nil, types.MenuButton{Kind: types.MenuButtonCommands}},
		{k.ID, web},
	} {
		if got, err := b.GetChatMenuButton(ctx, tc.user); err != nil || got != tc.want {
			t.Errorf("menu button for %v = %+v, %v; want %+v", tc.user, got, err, tc.want)
		}
	}
	rights := types.AdminRights{DeleteMessages: true, PinMessages: true}
	if err := b.SetBotDefaultAdminRights(ctx, false, rights); err != nil {
		t.Fatal(err)
	}

	full, err := kim.GetFullUser(ctx, "@e2e_settings_bot")
	if err != nil {
		t.Fatal(err)
	}
	if full.Bot == nil || full.User.FirstName != "Settings Bot" || full.Bio != "Short" || full.User.ID != bot.ID {
		t.Fatalf("Kim sees the bot as %+v / %+v", full, full.User)
	}
	wantBot := &types.BotInfo{Description: "What this bot can do", Commands: def, MenuButton: web, GroupAdminRights: &rights}
	if diff := cmp.Diff(wantBot, full.Bot); diff != "" {
		t.Fatalf("bot info (-want +got):\n%s", diff)
	}
	if err := kim.SetBotCommands(ctx, mtgo.ScopeDefault(), "", def); !rpcerr.IsType(err, "USER_BOT_REQUIRED") {
		t.Fatalf("a person setting commands: %v", err)
	}
}

// FuzzParseQRLoginURL: any string is parsed without panicking, and a token read back turns
// into the same URL.
func FuzzParseQRLoginURL(f *testing.F) {
	f.Add("tg://login?token=AQID")
	f.Add("tg://login?token=")
	f.Add("tg://login?token=%%%")
	f.Add("https://t.me/login")
	f.Fuzz(func(t *testing.T, url string) {
		tok, err := mtgo.ParseQRLoginURL(url)
		if err != nil {
			return
		}
		if again := (&mtgo.QRLoginToken{Token: tok}).URL(); again != url {
			t.Fatalf("%q -> %x -> %q", url, tok, again)
		}
	})
}
