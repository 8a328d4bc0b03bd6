package mtgo_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

func TestE2EChatBoost(t *testing.T) {
	cl := cluster(t)
	b, bot := e2eBot(t, cl, "e2e_boost_bot")
	boosts := make(chan *types.ChatBoost, 2)
	b.OnChatBoost(func(_ *mtgo.Context, cb *types.ChatBoost) error { boosts <- cb; return nil })

	_, ownerUser := e2eUser(t, cl, world.UserSpec{FirstName: "Owner", Phone: "15551120"})
	fan, fanUser := e2eUser(t, cl, world.UserSpec{FirstName: "Fan", Phone: "15551121", Premium: true})
	ch, err := cl.World().CreateChannel(ownerUser.ID, world.ChannelSpec{
		Title: "Boosted", Username: "e2e_boosted", Members: []int64{bot.ID}, Admins: []int64{bot.ID},
	})
	if err != nil {
		t.Fatal(err)
	}
	peer, err := fan.ResolvePeer(ctxT(t), "@e2e_boosted")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fan.InvokeContext(ctxT(t), &tg.PremiumApplyBoostRequest{Peer: peer}, 0, 0); err != nil {
		t.Fatal(err)
	}
	got := recv(t, boosts, "chat boost")
	if got.Chat == nil || got.Chat.ID != types.ChannelChatID(ch.ID) || got.Boost.UserID != tl.Some(fanUser.ID) || got.Boost.ID == "" {
		t.Fatalf("chat boost = %+v (chat %+v), want channel %d boosted by %d", got, got.Chat, ch.ID, fanUser.ID)
	}

	// The push of the next boost is lost; the one after shows the bot a qts gap, and
	// getDifference brings the lost one back, in order.
	cl.Faults().DropUpdates(bot.ID, 1)
	for _, slot := range []int32{2, 3} {
		if _, err := fan.InvokeContext(ctxT(t), &tg.PremiumApplyBoostRequest{Peer: peer, Slots: []int32{slot}}, 0, 0); err != nil {
			t.Fatal(err)
		}
	}
	var qts []int32
	for range 2 {
		qts = append(qts, recv(t, boosts, "boost after the gap").Raw.Qts)
	}
	if diff := cmp.Diff([]int32{2, 3}, qts); diff != "" {
		t.Fatalf("qts of the boosts after the gap (-want +got):\n%s", diff)
	}
	if n := cl.Faults().Stats().DeliveryStats.Dropped; n != 1 {
		t.Fatalf("%d updates dropped, want 1", n)
	}
}

func TestE2EStory(t *testing.T) {
	cl := cluster(t)
	poster, posterUser := e2eUser(t, cl, world.UserSpec{FirstName: "Poster", Phone: "15551122"})
	viewer, _ := e2eUser(t, cl, world.UserSpec{FirstName: "Viewer", Username: "e2e_story_viewer", Phone: "15551123"})
	stories := make(chan *types.Story, 2)
	viewer.OnStory(func(_ *mtgo.Context, s *types.Story) error { stories <- s; return nil })

	// The poster's audience is the people it has a private chat with.
	if _, err := poster.SendMessage(ctxT(t), "@e2e_story_viewer", "look at my story"); err != nil {
		t.Fatal(err)
	}
	if _, err := poster.InvokeContext(ctxT(t), &tg.UploadSaveFilePartRequest{FileID: 77, Bytes: []byte("jpeg")}, 0, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := poster.InvokeContext(ctxT(t), &tg.StoriesSendStoryRequest{
		Peer: &tg.InputPeerSelf{}, Media: &tg.InputMediaUploadedPhoto{File: &tg.InputFile{ID: 77, Parts: 1}},
		Caption: tl.Some("day one"), PrivacyRules: []tg.InputPrivacyRuleClass{&tg.InputPrivacyValueAllowAll{}}, RandomID: 5,
	}, 0, 0); err != nil {
		t.Fatal(err)
	}
	s := recv(t, stories, "story")
	item, ok := s.Story.(*tg.StoryItem)
	if !ok || s.Chat == nil || s.Chat.ID != posterUser.ID || item.Caption.Value != "day one" || item.Out {
		t.Fatalf("story = %+v (chat %+v, item %+v), want poster %d's \"day one\"", s, s.Chat, s.Story, posterUser.ID)
	}
}
