package mtgo_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/teletest/services"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl/rpcerr"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// TestE2EStoryViewedAndReacted: a story posted by one account is seen, viewed and reacted to
// by another; the viewer list shows it; a close friends story stays hidden from a stranger.
func TestE2EStoryViewedAndReacted(t *testing.T) {
	cl := cluster(t)
	poster, posterUser := e2eUser(t, cl, world.UserSpec{FirstName: "Poster", Username: "st_poster", Phone: "15552100", Premium: true})
	viewer, viewerUser := e2eUser(t, cl, world.UserSpec{FirstName: "Viewer", Username: "st_viewer", Phone: "15552101", Premium: true})
	stranger, _ := e2eUser(t, cl, world.UserSpec{FirstName: "Stranger", Phone: "15552102"})
	pushed := make(chan *types.Story, 8)
	viewer.OnStory(func(_ *mtgo.Context, s *types.Story) error {
		if s.Chat != nil && s.Chat.ID == posterUser.ID { // not the viewer's own repost
			pushed <- s
		}
		return nil
	})
	ctx := ctxT(t)

	// The viewer is in the poster's audience: they have a private chat.
	if _, err := poster.SendMessage(ctx, "@st_viewer", "watch this"); err != nil {
		t.Fatal(err)
	}
	posted, err := poster.SendStory(ctx, "me", []byte("jpeg one"), mtgo.WithStoryCaption("day one"),
		mtgo.WithStoryPinned(), mtgo.WithStoryPeriod(12*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if posted.Caption != "day one" || !posted.Pinned || !posted.Out || !posted.Public || posted.Expires.Sub(posted.Date) != 12*time.Hour {
		t.Fatalf("posted story = %+v", posted)
	}
	got := recv(t, pushed, "story push")
	if got.ID != posted.ID || got.Caption != "day one" || got.Chat == nil || got.Chat.ID != posterUser.ID || got.Out {
		t.Fatalf("viewer got %+v (chat %+v), want story %d of %d", got, got.Chat, posted.ID, posterUser.ID)
	}

	// The viewer sees the poster's active stories, views one and reacts to it.
	active, err := viewer.GetChatStories(ctx, "@st_poster")
	if err != nil {
		t.Fatal(err)
	}
	if len(active) != 1 || active[0].ID != posted.ID || active[0].Views != nil {
		t.Fatalf("active stories = %+v, want story %d without counters", active, posted.ID)
	}
	if err := viewer.ReadChatStories(ctx, "@st_poster", []int{posted.ID}); err != nil {
		t.Fatal(err)
	}
	if err := viewer.SendStoryReaction(ctx, "@st_poster", posted.ID, "❤"); err != nil {
		t.Fatal(err)
	}
	read, err := viewer.MarkStoriesRead(ctx, "@st_poster", posted.ID)
	if err != nil || !slices.Equal(read, []int{posted.ID}) {
		t.Fatalf("MarkStoriesRead = %v, %v; want [%d]", read, err, posted.ID)
	}

	// The poster's viewer list shows the viewer with its reaction; the counters agree.
	viewers := drain(t, poster.GetStoryViewers(ctx, "me", posted.ID))
	if len(viewers) != 1 || viewers[0].User == nil || viewers[0].User.ID != viewerUser.ID || viewers[0].Reaction != "❤" {
		t.Fatalf("viewers = %+v, want %d with ❤", viewers, viewerUser.ID)
	}
	views, err := poster.GetStoryViews(ctx, "me", []int{posted.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(views) != 1 || views[0].Views != 1 || views[0].Reactions != 1 || !slices.Equal(views[0].RecentViewers, []int64{viewerUser.ID}) {
		t.Fatalf("views = %+v", views)
	}
	mine, err := viewer.GetStories(ctx, "@st_poster", []int{posted.ID})
	if err != nil || len(mine) != 1 || mine[0].Reaction != "❤" {
		t.Fatalf("viewer's copy = %+v, %v; want its ❤", mine, err)
	}

	// A close friends story: the viewer (a close friend) sees it, the stranger does not.
	if err := poster.SetCloseFriends(ctx, "@st_viewer"); err != nil {
		t.Fatal(err)
	}
	secret, err := poster.SendStory(ctx, "me", []byte("jpeg two"), mtgo.WithStoryCaption("friends only"), mtgo.WithStoryCloseFriends())
	if err != nil {
		t.Fatal(err)
	}
	if s := recv(t, pushed, "close friends story"); s.ID != secret.ID || !s.CloseFriends {
		t.Fatalf("close friends push = %+v", s)
	}
	for _, tc := range []struct {
		name string
		who  *testClient
		want []int
	}{
		{"close friend", viewer, []int{posted.ID, secret.ID}},
		{"stranger", stranger, []int{posted.ID}},
	} {
		list, err := tc.who.GetStories(ctx, "@st_poster", []int{posted.ID, secret.ID})
		if err != nil {
			t.Fatal(err)
		}
		var ids []int
		for _, s := range list {
			ids = append(ids, s.ID)
		}
		if diff := cmp.Diff(tc.want, ids); diff != "" {
			t.Errorf("%s sees (-want +got):\n%s", tc.name, diff)
		}
		var all []int
		for _, s := range drain(t, tc.who.GetAllStories(ctx, false)) {
			all = append(all, s.ID)
		}
		if diff := cmp.Diff(tc.want, all); diff != "" {
			t.Errorf("%s's feed of active stories (-want +got):\n%s", tc.name, diff)
		}
	}

	// Edits reach the viewer; the pinned list and the archive list what they should.
	edited, err := poster.EditStoryCaption(ctx, "me", posted.ID, "day one, edited")
	if err != nil || edited.Caption != "day one, edited" || !edited.Edited {
		t.Fatalf("EditStoryCaption = %+v, %v", edited, err)
	}
	if s := recv(t, pushed, "edited story"); s.Caption != "day one, edited" {
		t.Fatalf("edit push = %+v", s)
	}
	if _, err := poster.EditStoryPrivacy(ctx, "me", secret.ID, &tg.InputPrivacyValueAllowContacts{}); err != nil {
		t.Fatal(err)
	}
	recv(t, pushed, "privacy edit")
	if _, err := poster.EditStoryMedia(ctx, "me", secret.ID, []byte("jpeg three")); err != nil {
		t.Fatal(err)
	}
	recv(t, pushed, "media edit")
	ids := func(list []*types.Story) []int {
		var out []int
		for _, s := range list {
			out = append(out, s.ID)
		}
		return out
	}
	if diff := cmp.Diff([]int{posted.ID}, ids(drain(t, stranger.GetPinnedStories(ctx, "@st_poster")))); diff != "" {
		t.Errorf("pinned stories (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int{secret.ID, posted.ID}, ids(drain(t, poster.GetStoriesArchive(ctx, "me")))); diff != "" {
		t.Errorf("archive (-want +got):\n%s", diff)
	}
	if err := poster.PinChatStories(ctx, "me", []int{posted.ID}); err != nil {
		t.Fatal(err)
	}
	if changed, err := poster.PinStories(ctx, "me", []int{secret.ID}, true); err != nil || !slices.Equal(changed, []int{secret.ID}) {
		t.Fatalf("PinStories = %v, %v", changed, err)
	}
	link, err := viewer.ExportStoryLink(ctx, "@st_poster", posted.ID)
	if err != nil || link != "https://t.me/st_poster/s/1" {
		t.Fatalf("ExportStoryLink = %q, %v", link, err)
	}

	// The viewer reposts the story and forwards it in a message; the poster sees one forward.
	repost, err := viewer.RepostStory(ctx, "me", "@st_poster", posted.ID, mtgo.WithStoryCaption("look"))
	if err != nil {
		t.Fatal(err)
	}
	if repost.RepostOf == nil || repost.RepostOf.StoryID.Value != int32(posted.ID) {
		t.Fatalf("repost = %+v, want a repost of %d", repost, posted.ID)
	}
	msg, err := viewer.ForwardStory(ctx, "@st_poster", "@st_poster", posted.ID)
	if err != nil {
		t.Fatal(err)
	}
	if st, ok := msg.Media.(*types.Story); !ok || st.ID != posted.ID {
		t.Fatalf("forwarded message media = %#v, want story %d", msg.Media, posted.ID)
	}
	if views, err = poster.GetStoryViews(ctx, "me", []int{posted.ID}); err != nil || views[0].Forwards != 2 {
		t.Fatalf("forwards = %+v, %v; want 2", views, err)
	}

	// Stealth mode (premium): the next view is not recorded.
	mode, err := viewer.ActivateStealthMode(ctx, false, true)
	if err != nil || mode.ActiveUntil.IsZero() || mode.CooldownUntil.IsZero() {
		t.Fatalf("ActivateStealthMode = %+v, %v", mode, err)
	}
	if err := viewer.ReadChatStories(ctx, "@st_poster", []int{secret.ID}); err != nil {
		t.Fatal(err)
	}
	if v := drain(t, poster.GetStoryViewers(ctx, "me", secret.ID)); len(v) != 0 {
		t.Fatalf("viewers in stealth mode = %+v, want none", v)
	}
	for _, tc := range []struct {
		name string
		call func() error
	}{
		{"stealth mode", func() error { _, err := stranger.ActivateStealthMode(ctx, true, true); return err }},
		{"a 48 hour story", func() error {
			_, err := stranger.SendStory(ctx, "me", []byte("jpeg"), mtgo.WithStoryPeriod(48*time.Hour))
			return err
		}},
	} {
		if err := tc.call(); !rpcerr.IsType(err, "PREMIUM_ACCOUNT_REQUIRED") {
			t.Fatalf("%s without premium: %v", tc.name, err)
		}
	}

	// Deletion reaches the viewer.
	gone, err := poster.DeleteStories(ctx, "me", []int{secret.ID, 99})
	if err != nil || !slices.Equal(gone, []int{secret.ID}) {
		t.Fatalf("DeleteStories = %v, %v", gone, err)
	}
	if s := recv(t, pushed, "deletion"); !s.Deleted || s.ID != secret.ID {
		t.Fatalf("deletion push = %+v", s)
	}
}

// TestE2EStoryToChannel: an admin posts a story as its channel; a member sees it.
func TestE2EStoryToChannel(t *testing.T) {
	cl := cluster(t)
	admin, adminUser := e2eUser(t, cl, world.UserSpec{FirstName: "Admin", Phone: "15552110"})
	member, memberUser := e2eUser(t, cl, world.UserSpec{FirstName: "Member", Phone: "15552111"})
	ch, err := cl.World().CreateChannel(adminUser.ID, world.ChannelSpec{Title: "Tales", Username: "st_tales", Members: []int64{memberUser.ID}})
	if err != nil {
		t.Fatal(err)
	}
	pushed := make(chan *types.Story, 2)
	member.OnStory(func(_ *mtgo.Context, s *types.Story) error { pushed <- s; return nil })
	ctx := ctxT(t)
	s, err := admin.SendStory(ctx, "@st_tales", []byte("jpeg"), mtgo.WithStoryCaption("news"), mtgo.WithStoryProtected())
	if err != nil {
		t.Fatal(err)
	}
	if s.Chat == nil || s.Chat.ID != types.ChannelChatID(ch.ID) || !s.Protected {
		t.Fatalf("channel story = %+v (chat %+v)", s, s.Chat)
	}
	if got := recv(t, pushed, "channel story"); got.ID != s.ID || got.Caption != "news" {
		t.Fatalf("member got %+v", got)
	}
	// Protected: the member may not forward it.
	if _, err := member.ForwardStory(ctx, "me", "@st_tales", s.ID); !rpcerr.IsType(err, "CHAT_FORWARDS_RESTRICTED") {
		t.Fatalf("forwarding a protected story: %v", err)
	}
	// Only admins post as the channel.
	if _, err := member.SendStory(ctx, "@st_tales", []byte("jpeg")); !rpcerr.IsType(err, "CHAT_ADMIN_REQUIRED") {
		t.Fatalf("a member posting as the channel: %v", err)
	}
}

// TestE2EStorySentinels: each story sentinel of the API page is returned where it says.
func TestE2EStorySentinels(t *testing.T) {
	cl := cluster(t)
	c, _ := e2eUser(t, cl, world.UserSpec{FirstName: "Sentinel", Phone: "15552120"})
	ctx := ctxT(t)
	s, err := c.SendStory(ctx, "me", []byte("jpeg"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		call func() error
		want error
	}{
		{"send without media", func() error { _, err := c.SendStory(ctx, "me", nil); return err }, mtgo.ErrMediaRequired},
		{"edit media without media", func() error { _, err := c.EditStoryMedia(ctx, "me", s.ID, nil); return err }, mtgo.ErrMediaRequired},
		{"edit caption without caption", func() error { _, err := c.EditStoryCaption(ctx, "me", s.ID, ""); return err }, mtgo.ErrCaptionRequired},
		{"delete no ids", func() error { _, err := c.DeleteStories(ctx, "me", nil); return err }, mtgo.ErrStoryIDsRequired},
		{"get no ids", func() error { _, err := c.GetStories(ctx, "me", []int{}); return err }, mtgo.ErrStoryIDsRequired},
		{"views no ids", func() error { _, err := c.GetStoryViews(ctx, "me", nil); return err }, mtgo.ErrStoryIDsRequired},
		{"pin to top no ids", func() error { return c.PinChatStories(ctx, "me", nil) }, mtgo.ErrStoryIDsRequired},
		{"pin no ids", func() error { _, err := c.PinStories(ctx, "me", nil, true); return err }, mtgo.ErrStoryIDsRequired},
		{"read no ids", func() error { return c.ReadChatStories(ctx, "me", nil) }, mtgo.ErrStoryIDsRequired},
		{"server without the method", func() error {
			cl.Faults().RPCError(tg.StoriesGetPeerStoriesRequestTypeID, &services.RPCError{Code: 400, Message: "INPUT_METHOD_INVALID"}, 1)
			_, err := c.GetChatStories(ctx, "me")
			return err
		}, mtgo.ErrStorySchema},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.call(); !errors.Is(err, tc.want) {
				t.Fatalf("error = %v, want %v", err, tc.want)
			}
		})
	}
	if _, err := c.GetStories(ctx, "me", []int{s.ID}); err != nil {
		t.Fatalf("after the faults: %v", err)
	}
}

// TestE2EGiftSentSavedConverted: a gift is sent (anonymously, with text), saved, hidden and
// shown, converted to Stars once; an upgraded gift is resold, bought and transferred.
func TestE2EGiftSentSavedConverted(t *testing.T) {
	cl := cluster(t)
	w := cl.World()
	sender, senderUser := e2eUser(t, cl, world.UserSpec{FirstName: "Sender", Username: "gf_sender", Phone: "15552130"})
	receiver, receiverUser := e2eUser(t, cl, world.UserSpec{FirstName: "Receiver", Username: "gf_receiver", Phone: "15552131"})
	buyer, buyerUser := e2eUser(t, cl, world.UserSpec{FirstName: "Buyer", Username: "gf_buyer", Phone: "15552132"})
	w.AddGiftStars(senderUser.ID, 1000)
	w.AddGiftStars(buyerUser.ID, 1000)
	ctx := ctxT(t)

	catalogue, hash, err := sender.GetStarGiftCatalog(ctx, 0)
	if err != nil || len(catalogue) == 0 || hash == 0 {
		t.Fatalf("catalogue = %v, %d, %v", catalogue, hash, err)
	}
	if again, same, err := sender.GetStarGiftCatalog(ctx, hash); err != nil || again != nil || same != hash {
		t.Fatalf("catalogue at its hash = %v, %d, %v; want not modified", again, same, err)
	}
	byTitle := map[string]*types.Gift{}
	for _, g := range catalogue {
		byTitle[g.Title] = g
	}
	heart, rocket := byTitle["Heart"], byTitle["Rocket"]
	if heart == nil || rocket == nil || heart.UpgradeStars == 0 || !rocket.Limited {
		t.Fatalf("catalogue = %+v", catalogue)
	}

	msg, err := sender.SendGift(ctx, "@gf_receiver", heart.ID, "happy birthday", mtgo.WithGiftAnonymous())
	if err != nil {
		t.Fatal(err)
	}
	if a, ok := msg.Raw().(*tg.MessageService); !ok || !isGiftAction(a.Action) {
		t.Fatalf("gift message = %#v", msg.Raw())
	}
	if got := w.GiftStars(senderUser.ID); got != 1000-heart.Stars {
		t.Fatalf("sender's Stars = %d, want %d", got, 1000-heart.Stars)
	}

	// The receiver sees the sender; others do not (the name is hidden).
	saved := drain(t, receiver.GetSavedGifts(ctx, "me"))
	if len(saved) != 1 || saved[0].Text != "happy birthday" || saved[0].From == nil || saved[0].From.ID != senderUser.ID || !saved[0].NameHidden || saved[0].Ref == nil {
		t.Fatalf("receiver's gifts = %+v", saved)
	}
	public := drain(t, buyer.GetSavedGifts(ctx, "@gf_receiver"))
	if len(public) != 1 || public[0].From != nil {
		t.Fatalf("others see %+v, want the gift without its sender", public)
	}
	ref := saved[0].Ref

	// Hidden gifts leave the profile as others see it.
	for _, tc := range []struct {
		name   string
		toggle func() error
		want   int
	}{
		{"hide", func() error { return receiver.HideGift(ctx, ref) }, 0},
		{"show", func() error { return receiver.ShowGift(ctx, ref) }, 1},
	} {
		if err := tc.toggle(); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got := len(drain(t, buyer.GetSavedGifts(ctx, "@gf_receiver"))); got != tc.want {
			t.Fatalf("%s: others see %d gifts, want %d", tc.name, got, tc.want)
		}
	}
	byID, err := receiver.GetSavedGiftByID(ctx, ref)
	if err != nil || len(byID) != 1 || byID[0].Gift.ID != heart.ID {
		t.Fatalf("GetSavedGiftByID = %+v, %v", byID, err)
	}

	// Converted once: the Stars arrive; a second conversion fails.
	if err := receiver.ConvertGift(ctx, ref); err != nil {
		t.Fatal(err)
	}
	if got := w.GiftStars(receiverUser.ID); got != heart.ConvertStars {
		t.Fatalf("receiver's Stars = %d, want %d", got, heart.ConvertStars)
	}
	if err := receiver.ConvertGift(ctx, ref); !rpcerr.IsType(err, "STARGIFT_ALREADY_CONVERTED") {
		t.Fatalf("second conversion: %v", err)
	}
	if left := drain(t, receiver.GetSavedGifts(ctx, "me")); len(left) != 0 {
		t.Fatalf("gifts after conversion = %+v", left)
	}

	// A gift sent with its upgrade paid is upgraded for free, then resold and transferred.
	if _, err := sender.SendGift(ctx, "@gf_receiver", rocket.ID, "", mtgo.WithGiftUpgrade()); err != nil {
		t.Fatal(err)
	}
	saved = drain(t, receiver.GetSavedGifts(ctx, "me"))
	if len(saved) != 1 || !saved[0].UpgradePrepaid || !saved[0].CanUpgrade {
		t.Fatalf("prepaid gift = %+v", saved)
	}
	if _, err := receiver.UpgradeGift(ctx, saved[0].Ref, false); err != nil {
		t.Fatal(err)
	}
	saved = drain(t, receiver.GetSavedGifts(ctx, "me"))
	if len(saved) != 1 || !saved[0].Gift.Unique || saved[0].Gift.Slug == "" {
		t.Fatalf("upgraded gift = %+v", saved)
	}
	slug := saved[0].Gift.Slug
	unique, err := buyer.GetUniqueGift(ctx, slug)
	if err != nil || unique.Owner == nil || unique.Owner.ID != receiverUser.ID || len(unique.Attributes) == 0 {
		t.Fatalf("GetUniqueGift = %+v, %v", unique, err)
	}
	if err := receiver.SetGiftResalePrice(ctx, mtgo.UniqueGiftRef(slug), 200); err != nil {
		t.Fatal(err)
	}
	onSale := drain(t, buyer.GetResaleGifts(ctx, rocket.ID, true))
	if len(onSale) != 1 || onSale[0].Slug != slug || onSale[0].ResalePrice != 200 {
		t.Fatalf("resale gifts = %+v", onSale)
	}
	before := w.GiftStars(receiverUser.ID)
	if _, err := buyer.BuyResaleGift(ctx, slug, "me"); err != nil {
		t.Fatal(err)
	}
	if got := w.GiftStars(receiverUser.ID) - before; got != 200 {
		t.Fatalf("the seller got %d Stars, want 200", got)
	}
	value, err := buyer.GetGiftValue(ctx, slug)
	if err != nil || value.LastSalePrice == 0 || value.InitialSaleStars != rocket.Stars {
		t.Fatalf("GetGiftValue = %+v, %v", value, err)
	}
	if _, err := buyer.TransferGift(ctx, mtgo.UniqueGiftRef(slug), "@gf_sender"); err != nil {
		t.Fatal(err)
	}
	if u, err := sender.GetUniqueGift(ctx, slug); err != nil || u.Owner == nil || u.Owner.ID != senderUser.ID {
		t.Fatalf("after the transfer: %+v, %v", u, err)
	}
	if err := sender.PinGifts(ctx, "me", mtgo.UniqueGiftRef(slug)); err != nil {
		t.Fatal(err)
	}
	if pinned := drain(t, sender.GetSavedGifts(ctx, "me")); len(pinned) != 1 || !pinned[0].Pinned {
		t.Fatalf("pinned gifts = %+v", pinned)
	}
}

func isGiftAction(a tg.MessageActionClass) bool {
	_, ok := a.(*tg.MessageActionStarGift)
	return ok
}

// TestE2EGiftUpgradePaidAndOffers: an upgrade paid by the owner, a prepaid upgrade by another
// account, and an offer to buy a unique gift accepted by its owner.
func TestE2EGiftUpgradePaidAndOffers(t *testing.T) {
	cl := cluster(t)
	w := cl.World()
	alice, aliceUser := e2eUser(t, cl, world.UserSpec{FirstName: "Alice", Username: "gf_alice", Phone: "15552140", Password: "secret"})
	bob, bobUser := e2eUser(t, cl, world.UserSpec{FirstName: "Bob", Username: "gf_bob", Phone: "15552141"})
	w.AddGiftStars(aliceUser.ID, 1000)
	w.AddGiftStars(bobUser.ID, 1000)
	ctx := ctxT(t)
	gifts, err := alice.GetStarGiftOptions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(gifts, func(g *types.Gift) bool { return g.UpgradeStars > 0 })
	heart := gifts[i]
	for range 2 {
		if _, err := alice.SendGift(ctx, "@gf_bob", heart.ID, "two"); err != nil {
			t.Fatal(err)
		}
	}
	saved := drain(t, bob.GetSavedGifts(ctx, "me"))
	if len(saved) != 2 || saved[0].UpgradePrepaid {
		t.Fatalf("bob's gifts = %+v", saved)
	}
	// Bob pays the first upgrade himself; Alice prepays the second one by its hash.
	before := w.GiftStars(bobUser.ID)
	if _, err := bob.UpgradeGift(ctx, saved[0].Ref, true); err != nil {
		t.Fatal(err)
	}
	if paid := before - w.GiftStars(bobUser.ID); paid != heart.UpgradeStars {
		t.Fatalf("bob paid %d, want %d", paid, heart.UpgradeStars)
	}
	hash := drain(t, alice.GetSavedGifts(ctx, "@gf_bob"))[1].PrepaidUpgradeHash
	if hash == "" {
		t.Fatal("no prepaid upgrade hash")
	}
	if _, err := alice.PrepayGiftUpgrade(ctx, "@gf_bob", hash); err != nil {
		t.Fatal(err)
	}
	if opts, err := alice.GetStarGiftUpgradeOptions(ctx, heart.ID); err != nil || len(opts) == 0 {
		t.Fatalf("upgrade options = %v, %v", opts, err)
	}

	// Alice offers Stars for Bob's unique gift; Bob accepts.
	var slug string
	for _, g := range drain(t, bob.GetSavedGifts(ctx, "me")) {
		if g.Gift.Unique {
			slug = g.Gift.Slug
		}
	}
	if _, err := alice.SendGiftOffer(ctx, "@gf_bob", slug, 300, time.Hour); err != nil {
		t.Fatal(err)
	}
	offerID := 0
	for m, err := range bob.GetChatHistory(ctx, "@gf_alice") {
		if err != nil {
			t.Fatal(err)
		}
		if s, ok := m.Raw().(*tg.MessageService); ok {
			if _, ok := s.Action.(*tg.MessageActionStarGiftPurchaseOffer); ok {
				offerID = m.ID
				break
			}
		}
	}
	if offerID == 0 {
		t.Fatal("bob has no offer message")
	}
	if _, err := bob.ResolveGiftOffer(ctx, offerID, true); err != nil {
		t.Fatal(err)
	}
	if u, err := bob.GetUniqueGift(ctx, slug); err != nil || u.Owner == nil || u.Owner.ID != aliceUser.ID {
		t.Fatalf("after the offer: %+v, %v", u, err)
	}
	// A channel's gifts: sent without a service message, listed by saved id, managed by its
	// admins.
	ch, err := w.CreateChannel(bobUser.ID, world.ChannelSpec{Title: "Gifted", Username: "gf_channel"})
	if err != nil {
		t.Fatal(err)
	}
	if m, err := alice.SendGift(ctx, "@gf_channel", heart.ID, "for the channel"); err != nil || m != nil {
		t.Fatalf("gift to a channel = %v, %v; want no message", m, err)
	}
	chGifts := drain(t, bob.GetSavedGifts(ctx, "@gf_channel"))
	if len(chGifts) != 1 || chGifts[0].SavedID == 0 || chGifts[0].Text != "for the channel" {
		t.Fatalf("channel %d gifts = %+v", ch.ID, chGifts)
	}
	if _, ok := chGifts[0].Ref.(*tg.InputSavedStarGiftChat); !ok {
		t.Fatalf("channel gift ref = %#v", chGifts[0].Ref)
	}
	aliceView := drain(t, alice.GetSavedGifts(ctx, "@gf_channel")) // her own access hash in the ref
	if len(aliceView) != 1 {
		t.Fatalf("alice sees %d channel gifts, want 1", len(aliceView))
	}
	if err := alice.HideGift(ctx, aliceView[0].Ref); !rpcerr.IsType(err, "STARGIFT_OWNER_INVALID") {
		t.Fatalf("a non-admin hiding a channel's gift: %v", err)
	}
	if err := bob.HideGift(ctx, chGifts[0].Ref); err != nil {
		t.Fatal(err)
	}
	if left := drain(t, alice.GetSavedGifts(ctx, "@gf_channel")); len(left) != 0 {
		t.Fatalf("others see %d hidden channel gifts", len(left))
	}

	// The withdrawal link needs the owner's 2FA password.
	if _, err := bob.GetGiftWithdrawalURL(ctx, mtgo.UniqueGiftRef(slug), ""); !errors.Is(err, mtgo.ErrPasswordNotSet) {
		t.Fatalf("withdrawal by a non-owner without a password: %v", err)
	}
	if _, err := alice.GetGiftWithdrawalURL(ctx, mtgo.UniqueGiftRef(slug), "wrong"); !rpcerr.IsType(err, "PASSWORD_HASH_INVALID") {
		t.Fatalf("withdrawal with a wrong password: %v", err)
	}
	if url, err := alice.GetGiftWithdrawalURL(ctx, mtgo.UniqueGiftRef(slug), "secret"); err != nil || !strings.HasSuffix(url, slug) {
		t.Fatalf("withdrawal URL = %q, %v", url, err)
	}
}

// TestE2EBoostsAppliedAndListed: a premium account boosts a channel; its slots, the channel's
// status and the admin's boost list show it; without premium the boost is refused.
func TestE2EBoostsAppliedAndListed(t *testing.T) {
	cl := cluster(t)
	owner, ownerUser := e2eUser(t, cl, world.UserSpec{FirstName: "Owner", Phone: "15552150"})
	fan, fanUser := e2eUser(t, cl, world.UserSpec{FirstName: "Fan", Phone: "15552151", Premium: true})
	plain, _ := e2eUser(t, cl, world.UserSpec{FirstName: "Plain", Phone: "15552152"})
	ch, err := cl.World().CreateChannel(ownerUser.ID, world.ChannelSpec{Title: "Boosted", Username: "bo_channel"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := ctxT(t)
	slots, err := fan.ApplyBoost(ctx, "@bo_channel", 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	var used []int
	for _, s := range slots {
		if s.Chat != nil && s.Chat.ID == types.ChannelChatID(ch.ID) {
			used = append(used, s.Slot)
		}
	}
	if diff := cmp.Diff([]int{1, 2}, used); diff != "" {
		t.Fatalf("slots used (-want +got):\n%s", diff)
	}
	mine, err := fan.GetBoosts(ctx)
	if err != nil || len(mine) != world.BoostSlots {
		t.Fatalf("GetBoosts = %d slots, %v", len(mine), err)
	}
	status, err := fan.GetBoostsStatus(ctx, "@bo_channel")
	if err != nil {
		t.Fatal(err)
	}
	if status.Boosts != 2 || status.Level != 1 || !status.MyBoost || !slices.Equal(status.MyBoostSlots, []int{1, 2}) || status.BoostURL != "https://t.me/boost/bo_channel" {
		t.Fatalf("status = %+v", status)
	}
	boosts := drain(t, owner.GetChatBoosts(ctx, "@bo_channel", false))
	if len(boosts) != 2 || boosts[0].User == nil || boosts[0].User.ID != fanUser.ID {
		t.Fatalf("channel boosts = %+v", boosts)
	}
	if _, err := plain.ApplyBoost(ctx, "@bo_channel"); !rpcerr.IsType(err, "PREMIUM_ACCOUNT_REQUIRED") {
		t.Fatalf("boost without premium: %v", err)
	}
	for _, err := range fan.GetChatBoosts(ctx, "@bo_channel", false) {
		if !rpcerr.IsType(err, "CHAT_ADMIN_REQUIRED") {
			t.Fatalf("a non-admin listing the boosts: %v", err)
		}
	}
}
