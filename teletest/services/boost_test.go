package services

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

func TestBoosts(t *testing.T) {
	h := newHarness(t)
	owner := h.user("Owner", "79990006001")
	plain := h.user("Plain", "79990006002")
	pu, err := h.w.CreateUser(world.UserSpec{FirstName: "Prem", Phone: "79990006003", Premium: true})
	if err != nil {
		t.Fatal(err)
	}
	prem := h.login(pu)
	bot := h.bot("boost_bot")
	if _, err := h.w.CreateChannel(owner.id, world.ChannelSpec{
		Title: "News", Username: "news_boost", Members: []int64{bot.id}, Admins: []int64{bot.id},
	}); err != nil {
		t.Fatal(err)
	}
	news := resolveChannel(t, prem, "news_boost")

	errs := []struct {
		name string
		who  *account
		req  *tg.PremiumApplyBoostRequest
		want *RPCError
	}{
		{"not premium", plain, &tg.PremiumApplyBoostRequest{Peer: resolveChannel(t, plain, "news_boost")}, world.ErrPremiumAccountRequired},
		{"a bot", bot, &tg.PremiumApplyBoostRequest{Peer: resolveChannel(t, bot, "news_boost")}, world.ErrBotMethodInvalid},
		{"a person", prem, &tg.PremiumApplyBoostRequest{Peer: &tg.InputPeerSelf{}}, world.ErrBoostPeerInvalid},
		{"slot 0", prem, &tg.PremiumApplyBoostRequest{Peer: news, Slots: []int32{0}}, world.ErrSlotsEmpty},
		{"slot past the last", prem, &tg.PremiumApplyBoostRequest{Peer: news, Slots: []int32{world.BoostSlots + 1}}, world.ErrSlotsEmpty},
	}
	for _, tc := range errs {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.who.api.PremiumApplyBoost(ctx(), tc.req)
			wantRPC(t, err, tc.want)
		})
	}

	my, err := prem.api.PremiumApplyBoost(ctx(), &tg.PremiumApplyBoostRequest{Peer: news})
	if err != nil {
		t.Fatal(err)
	}
	if len(my.MyBoosts) != world.BoostSlots || my.MyBoosts[0].Peer == nil || my.MyBoosts[1].Peer != nil || len(my.Chats) != 1 {
		t.Fatalf("my boosts after applying = %+v", my)
	}
	u := waitFor[*tg.UpdateBotChatBoost](t, bot)
	want := &tg.UpdateBotChatBoost{
		Peer:  &tg.PeerChannel{ChannelID: news.ChannelID},
		Boost: tg.Boost{ID: u.Boost.ID, UserID: tl.Some(prem.id), Date: u.Boost.Date, Expires: u.Boost.Date + world.BoostPeriod},
		Qts:   1,
	}
	if diff := cmp.Diff(want, u); diff != "" || u.Boost.ID == "" {
		t.Fatalf("bot update (-want +got):\n%s", diff)
	}

	// A second slot on the same channel: a second update with the next qts.
	if _, err := prem.api.PremiumApplyBoost(ctx(), &tg.PremiumApplyBoostRequest{Peer: news, Slots: []int32{3}}); err != nil {
		t.Fatal(err)
	}
	if u2 := waitFor[*tg.UpdateBotChatBoost](t, bot); u2.Qts != 2 || u2.Boost.ID == u.Boost.ID {
		t.Fatalf("second boost = %+v", u2)
	}

	// A bot that was away gets both back from getDifference.
	st, err := bot.api.UpdatesGetState(ctx(), &tg.UpdatesGetStateRequest{})
	if err != nil {
		t.Fatal(err)
	}
	d, err := bot.api.UpdatesGetDifference(ctx(), &tg.UpdatesGetDifferenceRequest{Pts: st.Pts, Date: st.Date, Qts: 0})
	if err != nil {
		t.Fatal(err)
	}
	var qts []int32
	for _, u := range d.(*tg.UpdatesDifference).OtherUpdates {
		if u, ok := u.(*tg.UpdateBotChatBoost); ok {
			qts = append(qts, u.Qts)
		}
	}
	if diff := cmp.Diff([]int32{1, 2}, qts); diff != "" {
		t.Fatalf("replayed qts (-want +got):\n%s", diff)
	}

	status, err := owner.api.PremiumGetBoostsStatus(ctx(), &tg.PremiumGetBoostsStatusRequest{Peer: resolveChannel(t, owner, "news_boost")})
	if err != nil {
		t.Fatal(err)
	}
	wantStatus := &tg.PremiumBoostsStatus{Level: 1, CurrentLevelBoosts: 1, Boosts: 2, NextLevelBoosts: tl.Some(int32(3)), BoostURL: "https://t.me/boost/news_boost"}
	if diff := cmp.Diff(wantStatus, status); diff != "" {
		t.Fatalf("status (-want +got):\n%s", diff)
	}
	status, err = prem.api.PremiumGetBoostsStatus(ctx(), &tg.PremiumGetBoostsStatusRequest{Peer: news})
	if err != nil {
		t.Fatal(err)
	}
	if !status.MyBoost || !cmp.Equal([]int32{1, 3}, status.MyBoostSlots) {
		t.Fatalf("booster's status = %+v", status)
	}
	if _, err := prem.api.PremiumGetBoostsStatus(ctx(), &tg.PremiumGetBoostsStatusRequest{Peer: &tg.InputPeerSelf{}}); err == nil {
		t.Fatal("status of a person: no error")
	} else {
		wantRPC(t, err, world.ErrBoostPeerInvalid)
	}

	for _, tc := range []struct {
		who   *account
		slots int
	}{{prem, world.BoostSlots}, {plain, 0}} {
		my, err := tc.who.api.PremiumGetMyBoosts(ctx(), &tg.PremiumGetMyBoostsRequest{})
		if err != nil || len(my.MyBoosts) != tc.slots {
			t.Fatalf("getMyBoosts = %+v, %v; want %d slots", my, err, tc.slots)
		}
	}
}
