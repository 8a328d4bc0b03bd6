package world

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// inputUser returns how the account on key names the user id (its access hash for it).
func inputUser(t *testing.T, w *World, key KeyID, id int64) *tg.InputUser {
	t.Helper()
	viewer, err := w.Authorized(key)
	if err != nil {
		t.Fatal(err)
	}
	return &tg.InputUser{UserID: id, AccessHash: w.accessHash(viewer, PeerUser, id)}
}

// TestPrivacyRulesDecide checks the first matching rule decides who sees the last-seen
// time, for each kind of rule.
func TestPrivacyRulesDecide(t *testing.T) {
	w := newWorld(t, Config{})
	owner, _ := w.CreateUser(UserSpec{FirstName: "O", Phone: "70000001001"})
	friend, _ := w.CreateUser(UserSpec{FirstName: "F", Phone: "70000001002"})
	other, _ := w.CreateUser(UserSpec{FirstName: "X", Phone: "70000001003"})
	grouped, _ := w.CreateUser(UserSpec{FirstName: "G", Phone: "70000001004", Premium: true})
	group, err := w.CreateChat(owner.ID, "club", grouped.ID)
	if err != nil {
		t.Fatal(err)
	}
	kO := KeyID{1}
	if err := w.Authorize(kO, owner.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := w.AddContact(kO, inputUser(t, w, kO, friend.ID), "Friend", "", false); err != nil {
		t.Fatal(err)
	}
	users := func(ids ...int64) []tg.InputUserClass {
		var out []tg.InputUserClass
		for _, id := range ids {
			out = append(out, inputUser(t, w, kO, id))
		}
		return out
	}
	for _, tc := range []struct {
		name  string
		rules []tg.InputPrivacyRuleClass
		see   map[int64]bool
	}{
		{"no rule: everybody", nil, map[int64]bool{friend.ID: true, other.ID: true, grouped.ID: true}},
		{"nobody", []tg.InputPrivacyRuleClass{&tg.InputPrivacyValueDisallowAll{}},
			map[int64]bool{friend.ID: false, other.ID: false, grouped.ID: false}},
		{"contacts", []tg.InputPrivacyRuleClass{&tg.InputPrivacyValueAllowContacts{}, &tg.InputPrivacyValueDisallowAll{}},
			map[int64]bool{friend.ID: true, other.ID: false, grouped.ID: false}},
		{"everybody but one", []tg.InputPrivacyRuleClass{&tg.InputPrivacyValueDisallowUsers{Users: users(other.ID)}, &tg.InputPrivacyValueAllowAll{}},
			map[int64]bool{friend.ID: true, other.ID: false, grouped.ID: true}},
		{"nobody but a group", []tg.InputPrivacyRuleClass{&tg.InputPrivacyValueAllowChatParticipants{Chats: []int64{group.ID}}, &tg.InputPrivacyValueDisallowAll{}},
			map[int64]bool{friend.ID: false, other.ID: false, grouped.ID: true}},
		{"premium only", []tg.InputPrivacyRuleClass{&tg.InputPrivacyValueAllowPremium{}, &tg.InputPrivacyValueDisallowAll{}},
			map[int64]bool{friend.ID: false, other.ID: false, grouped.ID: true}},
		{"contacts, except the friend", []tg.InputPrivacyRuleClass{&tg.InputPrivacyValueDisallowUsers{Users: users(friend.ID)}, &tg.InputPrivacyValueAllowContacts{}},
			map[int64]bool{friend.ID: false, other.ID: false, grouped.ID: false}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := w.SetPrivacy(kO, &tg.InputPrivacyKeyStatusTimestamp{}, tc.rules); err != nil {
				t.Fatal(err)
			}
			w.mu.Lock()
			defer w.mu.Unlock()
			got := map[int64]bool{}
			for id := range tc.see {
				got[id] = w.allows(w.users[owner.ID], w.users[id], &tg.PrivacyKeyStatusTimestamp{})
			}
			if diff := cmp.Diff(tc.see, got); diff != "" {
				t.Fatalf("who sees (-want +got):\n%s", diff)
			}
		})
	}
	if _, err := w.SetPrivacy(kO, &tg.InputPrivacyKeyStatusTimestamp{}, []tg.InputPrivacyRuleClass{
		&tg.InputPrivacyValueAllowChatParticipants{Chats: []int64{987654}},
	}); !errors.Is(err, ErrPeerIDInvalid) {
		t.Fatalf("unknown chat: %v", err)
	}
}

// TestBlockedPages pages through a block list newest first.
func TestBlockedPages(t *testing.T) {
	now := time.Unix(1700000000, 0)
	w := newWorld(t, Config{})
	w.cfg.Now = func() time.Time { return now }
	me, _ := w.CreateUser(UserSpec{FirstName: "M", Phone: "70000002000"})
	k := KeyID{7}
	if err := w.Authorize(k, me.ID); err != nil {
		t.Fatal(err)
	}
	var want []int64
	for i := range 5 {
		u, _ := w.CreateUser(UserSpec{FirstName: "U", Phone: fmt.Sprintf("7000000210%d", i)})
		now = now.Add(time.Second)
		in := inputUser(t, w, k, u.ID)
		if err := w.Block(k, &tg.InputPeerUser{UserID: in.UserID, AccessHash: in.AccessHash}); err != nil {
			t.Fatal(err)
		}
		want = append([]int64{u.ID}, want...)
	}
	var got []int64
	for offset := int32(0); ; {
		res, err := w.GetBlocked(k, offset, 2)
		if err != nil {
			t.Fatal(err)
		}
		s, ok := res.(*tg.ContactsBlockedSlice)
		if !ok || s.Count != 5 {
			t.Fatalf("page at %d = %T %+v, want a slice of 5", offset, res, res)
		}
		for _, b := range s.Blocked {
			got = append(got, b.PeerID.(*tg.PeerUser).UserID)
		}
		offset += int32(len(s.Blocked))
		if len(s.Blocked) == 0 || offset >= s.Count {
			break
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("blocked order (-want +got):\n%s", diff)
	}
	if _, err := w.GetBlocked(k, 0, 0); !errors.Is(err, ErrLimitInvalid) {
		t.Fatalf("limit 0: %v", err)
	}
}

// TestLoginTokenErrors covers the ways a QR login token is refused.
func TestLoginTokenErrors(t *testing.T) {
	now := time.Unix(1700000000, 0)
	w := newWorld(t, Config{})
	w.cfg.Now = func() time.Time { return now }
	u, _ := w.CreateUser(UserSpec{FirstName: "Q", Phone: "70000003001"})
	bot, _ := w.CreateBot(BotSpec{FirstName: "B", Username: "qr_test_bot"})
	kU, kBot, kNew := KeyID{1}, KeyID{2}, KeyID{3}
	_ = w.Authorize(kU, u.ID)
	_ = w.Authorize(kBot, bot.ID)
	token := func() []byte {
		t.Helper()
		res, err := w.ExportLoginToken(kNew, 2)
		if err != nil {
			t.Fatal(err)
		}
		return res.(*tg.AuthLoginToken).Token
	}
	expired := token()
	now = now.Add(loginTokenTTL * time.Second)
	fresh := token()
	for _, tc := range []struct {
		name  string
		key   KeyID
		token []byte
		want  error
	}{
		{"bot", kBot, fresh, ErrBotMethodInvalid},
		{"unknown", kU, []byte("nope"), errAuthTokenInvalid},
		{"expired and forgotten by the next export", kU, expired, errAuthTokenInvalid},
		{"ok", kU, fresh, nil},
		{"twice", kU, fresh, errAuthTokenAccepted},
	} {
		if _, err := w.AcceptLoginToken(tc.key, tc.token); !errors.Is(err, tc.want) {
			t.Errorf("%s: err = %v, want %v", tc.name, err, tc.want)
		}
	}
	late := func() []byte { // a token of another key, accepted too late
		res, err := w.ExportLoginToken(KeyID{4}, 2)
		if err != nil {
			t.Fatal(err)
		}
		return res.(*tg.AuthLoginToken).Token
	}()
	now = now.Add(loginTokenTTL * time.Second)
	if _, err := w.AcceptLoginToken(kU, late); !errors.Is(err, errAuthTokenExpired) {
		t.Errorf("late acceptance: %v, want %v", err, errAuthTokenExpired)
	}
	res, err := w.ExportLoginToken(kNew, 2)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := res.(*tg.AuthLoginTokenSuccess); !ok {
		t.Fatalf("export after acceptance = %T, want success", res)
	}
	if id, err := w.Authorized(kNew); err != nil || id != u.ID {
		t.Fatalf("new key authorized as %d, %v", id, err)
	}
	if _, err := w.ImportLoginToken(kNew, 2, fresh); !errors.Is(err, errAuthTokenInvalid) {
		t.Fatalf("import of a plain token: %v", err)
	}
}

// TestBotCommandScopes keeps each scope and language apart and checks command validation.
func TestBotCommandScopes(t *testing.T) {
	w := newWorld(t, Config{})
	bot, _ := w.CreateBot(BotSpec{FirstName: "B", Username: "scope_test_bot"})
	u, _ := w.CreateUser(UserSpec{FirstName: "U", Phone: "70000004001"})
	kBot, kU := KeyID{1}, KeyID{2}
	_ = w.Authorize(kBot, bot.ID)
	_ = w.Authorize(kU, u.ID)
	cmds := func(names ...string) []tg.BotCommand {
		out := []tg.BotCommand{}
		for _, n := range names {
			out = append(out, tg.BotCommand{Command: n, Description: n + " it"})
		}
		return out
	}
	set := []struct {
		scope tg.BotCommandScopeClass
		lang  string
		cmds  []tg.BotCommand
	}{
		{&tg.BotCommandScopeDefault{}, "", cmds("start")},
		{&tg.BotCommandScopeDefault{}, "de", cmds("starten")},
		{&tg.BotCommandScopeUsers{}, "", cmds("private")},
		{&tg.BotCommandScopeChatAdmins{}, "", cmds("ban", "mute")},
	}
	for _, s := range set {
		if err := w.SetBotCommands(kBot, s.scope, s.lang, s.cmds); err != nil {
			t.Fatal(err)
		}
	}
	for _, s := range set {
		got, err := w.GetBotCommands(kBot, s.scope, s.lang)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(s.cmds, got); diff != "" {
			t.Errorf("%T %q (-want +got):\n%s", s.scope, s.lang, diff)
		}
	}
	for _, tc := range []struct {
		name string
		key  KeyID
		cmd  tg.BotCommand
		want error
	}{
		{"person", kU, tg.BotCommand{Command: "x", Description: "x"}, ErrUserBotRequired},
		{"upper case", kBot, tg.BotCommand{Command: "Start", Description: "x"}, errBotCommandInvalid},
		{"empty description", kBot, tg.BotCommand{Command: "start"}, errBotCommandDescInvalid},
	} {
		if err := w.SetBotCommands(tc.key, &tg.BotCommandScopeDefault{}, "", []tg.BotCommand{tc.cmd}); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
}

// TestStatusPushesFollowPrivacy: a status change reaches only the chat partners allowed to
// see it.
func TestStatusPushesFollowPrivacy(t *testing.T) {
	w := newWorld(t, Config{})
	o, _ := w.CreateUser(UserSpec{FirstName: "O", Phone: "70000005001"})
	allowed, _ := w.CreateUser(UserSpec{FirstName: "A", Phone: "70000005002"})
	hidden, _ := w.CreateUser(UserSpec{FirstName: "H", Phone: "70000005003"})
	blocked, _ := w.CreateUser(UserSpec{FirstName: "B", Phone: "70000005004"})
	kO := KeyID{1}
	_ = w.Authorize(kO, o.ID)
	subs := map[int64]*Subscription{}
	for i, id := range []int64{allowed.ID, hidden.ID, blocked.ID} {
		k := KeyID{byte(2 + i)}
		_ = w.Authorize(k, id)
		subs[id] = w.Subscribe(k)
		in := inputUser(t, w, kO, id)
		if _, err := w.SendMessage(kO, &tg.InputPeerUser{UserID: in.UserID, AccessHash: in.AccessHash}, Draft{RandomID: int64(i + 1), Text: "hi"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := w.SetPrivacy(kO, &tg.InputPrivacyKeyStatusTimestamp{}, []tg.InputPrivacyRuleClass{
		&tg.InputPrivacyValueAllowUsers{Users: []tg.InputUserClass{inputUser(t, w, kO, allowed.ID), inputUser(t, w, kO, blocked.ID)}},
		&tg.InputPrivacyValueDisallowAll{},
	}); err != nil {
		t.Fatal(err)
	}
	in := inputUser(t, w, kO, blocked.ID)
	if err := w.Block(kO, &tg.InputPeerUser{UserID: in.UserID, AccessHash: in.AccessHash}); err != nil {
		t.Fatal(err)
	}
	for _, s := range subs {
		s.Take()
	}
	if err := w.UpdateStatus(kO, false); err != nil {
		t.Fatal(err)
	}
	got := map[int64]bool{}
	for id, s := range subs {
		for _, u := range s.Take() {
			if sh, ok := u.(*tg.UpdateShort); ok {
				if _, ok := sh.Update.(*tg.UpdateUserStatus); ok {
					got[id] = true
				}
			}
		}
	}
	if diff := cmp.Diff(map[int64]bool{allowed.ID: true}, got); diff != "" {
		t.Fatalf("who got the status (-want +got):\n%s", diff)
	}
}

// A key refreshing its QR login token in a loop holds only its newest, and keys on ever new
// ids keep at most maxLoginTokens alive: auth.exportLoginToken needs no account.
func TestLoginTokensBounded(t *testing.T) {
	now := time.Unix(1700000000, 0)
	w := newWorld(t, Config{})
	w.cfg.Now = func() time.Time { return now }
	u, _ := w.CreateUser(UserSpec{FirstName: "Q", Phone: "70000003001"})
	kU, kNew := KeyID{1}, KeyID{2}
	_ = w.Authorize(kU, u.ID)
	var tokens [][]byte
	for range 1000 {
		res, err := w.ExportLoginToken(kNew, 2)
		if err != nil {
			t.Fatal(err)
		}
		tokens = append(tokens, res.(*tg.AuthLoginToken).Token)
	}
	if len(w.loginTokens) != 1 {
		t.Fatalf("one key holds %d login tokens, want 1", len(w.loginTokens))
	}
	if _, err := w.AcceptLoginToken(kU, tokens[len(tokens)-2]); !errors.Is(err, errAuthTokenInvalid) {
		t.Fatalf("the replaced token: %v, want %v", err, errAuthTokenInvalid)
	}
	if _, err := w.AcceptLoginToken(kU, tokens[len(tokens)-1]); err != nil {
		t.Fatalf("the newest token: %v", err)
	}
	if res, err := w.ExportLoginToken(kNew, 2); err != nil {
		t.Fatal(err)
	} else if _, ok := res.(*tg.AuthLoginTokenSuccess); !ok {
		t.Fatalf("export after acceptance = %T, want success", res)
	}

	for i := range maxLoginTokens + 100 {
		if _, err := w.ExportLoginToken(KeyID{3, byte(i), byte(i >> 8), byte(i >> 16)}, 2); err != nil {
			t.Fatal(err)
		}
	}
	if len(w.loginTokens) > maxLoginTokens {
		t.Fatalf("%d login tokens alive, want at most %d", len(w.loginTokens), maxLoginTokens)
	}
}
