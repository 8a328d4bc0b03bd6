package world

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// storyWorld is a poster and three people who know it differently: a close friend, a saved
// contact and a stranger, each on its own key.
type storyWorld struct {
	w                                   *World
	poster, friend, contact, stranger   User
	kPoster, kFriend, kContact, kStrang KeyID
}

func newStoryWorld(t *testing.T) *storyWorld {
	t.Helper()
	w := newWorld(t, Config{})
	s := &storyWorld{w: w, kPoster: KeyID{1}, kFriend: KeyID{2}, kContact: KeyID{3}, kStrang: KeyID{4}}
	var err error
	for _, u := range []struct {
		dst  *User
		spec UserSpec
		key  KeyID
	}{
		{&s.poster, UserSpec{FirstName: "Poster", Username: "poster", Phone: "70000001001", Premium: true}, s.kPoster},
		{&s.friend, UserSpec{FirstName: "Friend", Username: "friend", Phone: "70000001002", Premium: true}, s.kFriend},
		{&s.contact, UserSpec{FirstName: "Contact", Username: "contact", Phone: "70000001003"}, s.kContact},
		{&s.stranger, UserSpec{FirstName: "Stranger", Phone: "70000001004"}, s.kStrang},
	} {
		if *u.dst, err = w.CreateUser(u.spec); err != nil {
			t.Fatal(err)
		}
		if err := w.Authorize(u.key, u.dst.ID); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := w.AddContact(s.kPoster, s.inputUser(t, s.kPoster, "contact"), "C", "", false); err != nil {
		t.Fatal(err)
	}
	if err := w.EditCloseFriends(s.kPoster, []int64{s.friend.ID}); err != nil {
		t.Fatal(err)
	}
	return s
}

func (s *storyWorld) peer(t *testing.T, key KeyID, username string) tg.InputPeerClass {
	t.Helper()
	res, err := s.w.ResolveUsername(key, username)
	if err != nil {
		t.Fatal(err)
	}
	u := res.Users[0].(*tg.User)
	return &tg.InputPeerUser{UserID: u.ID, AccessHash: u.AccessHash.Value}
}

func (s *storyWorld) inputUser(t *testing.T, key KeyID, username string) tg.InputUserClass {
	p := s.peer(t, key, username).(*tg.InputPeerUser)
	return &tg.InputUser{UserID: p.UserID, AccessHash: p.AccessHash}
}

// post sends a story of the poster with rules and returns its id.
func (s *storyWorld) post(t *testing.T, rules ...tg.InputPrivacyRuleClass) int32 {
	t.Helper()
	u, err := s.w.SendStory(s.kPoster, &tg.InputPeerSelf{}, StoryDraft{
		Media: &tg.InputMediaPhotoExternal{URL: "https://example.com/story.jpg"}, Privacy: rules,
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range u.(*tg.Updates).Updates {
		if id, ok := x.(*tg.UpdateStoryID); ok {
			return id.ID
		}
	}
	t.Fatal("no updateStoryID")
	return 0
}

// TestStoryPrivacyPerViewer: each rule set shows the story to the viewers it names.
func TestStoryPrivacyPerViewer(t *testing.T) {
	s := newStoryWorld(t)
	viewers := map[string]KeyID{"friend": s.kFriend, "contact": s.kContact, "stranger": s.kStrang}
	tests := []struct {
		name  string
		rules []tg.InputPrivacyRuleClass
		want  map[string]bool
	}{
		{"everybody", []tg.InputPrivacyRuleClass{&tg.InputPrivacyValueAllowAll{}}, map[string]bool{"friend": true, "contact": true, "stranger": true}},
		{"no rules is everybody", nil, map[string]bool{"friend": true, "contact": true, "stranger": true}},
		{"contacts", []tg.InputPrivacyRuleClass{&tg.InputPrivacyValueAllowContacts{}}, map[string]bool{"contact": true}},
		{"close friends", []tg.InputPrivacyRuleClass{&tg.InputPrivacyValueAllowCloseFriends{}}, map[string]bool{"friend": true}},
		{"everybody but the contact", []tg.InputPrivacyRuleClass{
			&tg.InputPrivacyValueAllowAll{}, &tg.InputPrivacyValueDisallowUsers{Users: []tg.InputUserClass{s.inputUser(t, s.kPoster, "contact")}},
		}, map[string]bool{"friend": true, "stranger": true}},
		{"selected", []tg.InputPrivacyRuleClass{&tg.InputPrivacyValueAllowUsers{Users: []tg.InputUserClass{s.inputUser(t, s.kPoster, "friend")}}}, map[string]bool{"friend": true}},
		{"nobody", []tg.InputPrivacyRuleClass{&tg.InputPrivacyValueDisallowAll{}}, map[string]bool{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			id := s.post(t, tc.rules...)
			got := map[string]bool{}
			for name, key := range viewers {
				res, err := s.w.StoriesByID(key, s.peer(t, key, "poster"), []int32{id})
				if err != nil {
					t.Fatal(err)
				}
				if len(res.Stories) == 1 {
					got[name] = true
				}
				_, err = s.w.SendStoryReaction(key, s.peer(t, key, "poster"), id, &tg.ReactionEmoji{Emoticon: "👍"})
				if seen := err == nil; seen != got[name] {
					t.Errorf("%s: reaction error %v, but sees the story: %v", name, err, got[name])
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("who sees it (-want +got):\n%s", diff)
			}
		})
	}
}

// TestStoryViewsAndStealth: views are counted once per viewer, not during stealth mode, and
// the views list is the poster's alone.
func TestStoryViewsAndStealth(t *testing.T) {
	s := newStoryWorld(t)
	id := s.post(t)
	if err := s.w.IncrementStoryViews(s.kContact, s.peer(t, s.kContact, "poster"), []int32{id, id}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.w.ActivateStealthMode(s.kFriend, false, true); err != nil {
		t.Fatal(err)
	}
	if err := s.w.IncrementStoryViews(s.kFriend, s.peer(t, s.kFriend, "poster"), []int32{id}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.w.ActivateStealthMode(s.kContact, true, true); !errors.Is(err, ErrPremiumAccountRequired) {
		t.Fatalf("stealth mode without premium: %v", err)
	}
	list, err := s.w.StoryViewsList(s.kPoster, ViewsQuery{Peer: &tg.InputPeerSelf{}, ID: id, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	var who []int64
	for _, v := range list.Views {
		who = append(who, v.(*tg.StoryView).UserID)
	}
	if diff := cmp.Diff([]int64{s.contact.ID}, who); diff != "" {
		t.Errorf("viewers (-want +got):\n%s", diff)
	}
	if _, err := s.w.StoryViewsList(s.kContact, ViewsQuery{Peer: s.peer(t, s.kContact, "poster"), ID: id}); !errors.Is(err, ErrStoryIDInvalid) {
		t.Fatalf("a viewer listing the views: %v", err)
	}
	if err := s.w.IncrementStoryViews(s.kContact, s.peer(t, s.kContact, "poster"), []int32{id + 5}); !errors.Is(err, ErrStoryIDInvalid) {
		t.Fatalf("viewing a story that does not exist: %v", err)
	}
}

// TestGiftConvertsOnce: a gift is paid from the sender's Stars and converts to Stars once.
func TestGiftConvertsOnce(t *testing.T) {
	s := newStoryWorld(t)
	s.w.AddGiftStars(s.poster.ID, 20)
	in := &tg.InputInvoiceStarGift{Peer: s.peer(t, s.kPoster, "contact"), GiftID: 1}
	form, err := s.w.GiftForm(s.kPoster, in)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.w.PayGiftForm(s.kPoster, form.FormID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.w.PayGiftForm(s.kPoster, form.FormID); !errors.Is(err, ErrFormIDInvalid) {
		t.Fatalf("paying a form twice: %v", err)
	}
	form, err = s.w.GiftForm(s.kPoster, in)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.w.PayGiftForm(s.kPoster, form.FormID); !errors.Is(err, ErrBalanceTooLow) {
		t.Fatalf("a gift beyond the balance: %v", err)
	}
	saved, err := s.w.SavedGifts(s.kContact, SavedGiftsQuery{Peer: &tg.InputPeerSelf{}})
	if err != nil || len(saved.Gifts) != 1 {
		t.Fatalf("saved gifts = %+v, %v", saved, err)
	}
	ref := &tg.InputSavedStarGiftUser{MsgID: saved.Gifts[0].MsgID.Value}
	steps := []struct {
		name string
		key  KeyID
		want error
	}{
		{"not the owner", s.kStrang, ErrStarGiftInvalid},
		{"owner", s.kContact, nil},
		{"again", s.kContact, ErrStarGiftConverted},
	}
	for _, st := range steps {
		if err := s.w.ConvertGift(st.key, ref); !errors.Is(err, st.want) {
			t.Fatalf("%s: %v, want %v", st.name, err, st.want)
		}
	}
	if got := s.w.GiftStars(s.contact.ID); got != 13 {
		t.Fatalf("the owner has %d Stars, want 13", got)
	}
	for who, id := range map[string]int64{"sender": s.poster.ID, "owner": s.contact.ID} {
		if n := s.w.StarsTransactions(id); n != 1 {
			t.Errorf("the %s has %d Stars transactions, want 1", who, n)
		}
	}
}

// TestStoriesOfDeletedChannel: the stories of a channel deleted since are nobody's: listing
// every peer's stories skips them.
func TestStoriesOfDeletedChannel(t *testing.T) {
	s := newStoryWorld(t)
	if _, err := s.w.CreateChannel(s.poster.ID, ChannelSpec{Title: "Gone", Username: "gone_ch", Members: []int64{s.contact.ID}}); err != nil {
		t.Fatal(err)
	}
	res, err := s.w.ResolveUsername(s.kPoster, "gone_ch")
	if err != nil {
		t.Fatal(err)
	}
	ch := res.Chats[0].(*tg.Channel)
	peer := &tg.InputPeerChannel{ChannelID: ch.ID, AccessHash: ch.AccessHash.Value}
	if _, err := s.w.SendStory(s.kPoster, peer, StoryDraft{Media: &tg.InputMediaPhotoExternal{URL: "https://example.com/c.jpg"}}); err != nil {
		t.Fatal(err)
	}
	count := func(key KeyID) int32 {
		all, err := s.w.AllStories(key, false, false, "")
		if err != nil {
			t.Fatal(err)
		}
		return all.Count
	}
	if n := count(s.kContact); n != 1 {
		t.Fatalf("before the deletion the member sees %d peers with stories, want 1", n)
	}
	if _, err := s.w.DeleteChannel(s.kPoster, &tg.InputChannel{ChannelID: ch.ID, AccessHash: ch.AccessHash.Value}); err != nil {
		t.Fatal(err)
	}
	for name, key := range map[string]KeyID{"poster": s.kPoster, "member": s.kContact} {
		if n := count(key); n != 0 {
			t.Errorf("the %s sees %d peers with stories after the deletion, want 0", name, n)
		}
	}
}
