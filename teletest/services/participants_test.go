package services

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// change summarises an updateChannelParticipant for comparison.
type change struct {
	Actor, User int64
	Prev, New   string
}

func kind(p tg.ChannelParticipantClass) string {
	if p == nil {
		return "-"
	}
	return fmt.Sprintf("%T", p)[len("*tg.ChannelParticipant"):]
}

func summarise(u *tg.UpdateChannelParticipant) change {
	return change{u.ActorID, u.UserID, kind(u.PrevParticipant), kind(u.NewParticipant)}
}

func TestParticipantUpdates(t *testing.T) {
	h := newHarness(t)
	owner := h.named("Owner", "owner_p", "79990006001")
	dan := h.named("Dan", "dan_p", "79990006002")
	eve := h.named("Eve", "eve_p", "79990006003")
	bot := h.bot("watch_bot")
	late := h.bot("late_bot")
	if _, err := h.w.CreateChannel(owner.id, world.ChannelSpec{
		Title: "Club", Username: "club_p", Megagroup: true, Members: []int64{bot.id, dan.id}, Admins: []int64{bot.id},
	}); err != nil {
		t.Fatal(err)
	}
	club := func(a *account) *tg.InputChannel { return inputChannel(resolveChannel(t, a, "club_p")) }
	userOf := func(viewer, a *account) tg.InputUserClass { return inputUser(viewer.peerOf(a)) }

	steps := []struct {
		name string
		do   func() error
		who  []*account // the bots that must hear it
		want change
	}{
		{"eve joins", func() error {
			_, err := eve.api.ChannelsJoinChannel(ctx(), &tg.ChannelsJoinChannelRequest{Channel: club(eve)})
			return err
		}, []*account{bot}, change{eve.id, eve.id, "-", ""}},
		{"dan promoted", func() error {
			_, err := owner.api.ChannelsEditAdmin(ctx(), &tg.ChannelsEditAdminRequest{
				Channel: club(owner), UserID: userOf(owner, dan), AdminRights: tg.ChatAdminRights{DeleteMessages: true, BanUsers: true}, Rank: someStr("mod"),
			})
			return err
		}, []*account{bot}, change{owner.id, dan.id, "", "Admin"}},
		{"eve banned", func() error {
			_, err := dan.api.ChannelsEditBanned(ctx(), &tg.ChannelsEditBannedRequest{
				Channel: club(dan), Participant: dan.peerOf(eve), BannedRights: tg.ChatBannedRights{ViewMessages: true},
			})
			return err
		}, []*account{bot}, change{dan.id, eve.id, "", "Banned"}},
		{"a bot joins: it hears of itself", func() error {
			_, err := late.api.ChannelsJoinChannel(ctx(), &tg.ChannelsJoinChannelRequest{Channel: club(late)})
			return err
		}, []*account{late, bot}, change{late.id, late.id, "-", ""}},
		{"dan demoted", func() error {
			_, err := owner.api.ChannelsEditAdmin(ctx(), &tg.ChannelsEditAdminRequest{Channel: club(owner), UserID: userOf(owner, dan)})
			return err
		}, []*account{bot}, change{owner.id, dan.id, "Admin", ""}},
		{"dan leaves", func() error {
			_, err := dan.api.ChannelsLeaveChannel(ctx(), &tg.ChannelsLeaveChannelRequest{Channel: club(dan)})
			return err
		}, []*account{bot}, change{dan.id, dan.id, "", "-"}},
	}
	for _, st := range steps {
		if err := st.do(); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		for _, who := range st.who {
			got := summarise(waitFor[*tg.UpdateChannelParticipant](t, who))
			if diff := cmp.Diff(st.want, got); diff != "" {
				t.Fatalf("%s, seen by %d (-want +got):\n%s", st.name, who.id, diff)
			}
		}
	}
	// Members saw service messages for the joins and departures.
	bot.backlog = append(bot.backlog, flatten(bot.c.sub.Take())...)
	var actions []string
	for _, u := range bot.backlog {
		if u, ok := u.(*tg.UpdateNewChannelMessage); ok {
			if m, ok := u.Message.(*tg.MessageService); ok {
				actions = append(actions, fmt.Sprintf("%T from %d", m.Action, m.FromID.(*tg.PeerUser).UserID))
			}
		}
	}
	wantActions := []string{
		fmt.Sprintf("*tg.MessageActionChatAddUser from %d", eve.id),
		fmt.Sprintf("*tg.MessageActionChatDeleteUser from %d", dan.id),
		fmt.Sprintf("*tg.MessageActionChatAddUser from %d", late.id),
		fmt.Sprintf("*tg.MessageActionChatDeleteUser from %d", dan.id),
	}
	if diff := cmp.Diff(wantActions, actions); diff != "" {
		t.Fatalf("service messages (-want +got):\n%s", diff)
	}
	// late_bot is not an admin: it heard only of itself.
	for _, u := range flatten(late.updates()) {
		if u, ok := u.(*tg.UpdateChannelParticipant); ok {
			t.Fatalf("non-admin bot heard %+v", summarise(u))
		}
	}
	// Qts numbered the bot's events without a gap.
	if st, err := bot.api.UpdatesGetState(ctx(), &tg.UpdatesGetStateRequest{}); err != nil || st.Qts != 6 {
		t.Fatalf("bot state %+v, %v (want qts 6: five changes and late_bot's join)", st, err)
	}
	// A bot that was away gets them back from getDifference, in qts order.
	st, _ := bot.api.UpdatesGetState(ctx(), &tg.UpdatesGetStateRequest{})
	diff, err := bot.api.UpdatesGetDifference(ctx(), &tg.UpdatesGetDifferenceRequest{Pts: st.Pts, Date: st.Date, Qts: 0})
	if err != nil {
		t.Fatal(err)
	}
	var replayed []change
	for _, u := range diff.(*tg.UpdatesDifference).OtherUpdates {
		if u, ok := u.(*tg.UpdateChannelParticipant); ok {
			replayed = append(replayed, summarise(u))
		}
	}
	if len(replayed) != 6 || replayed[0] != (change{eve.id, eve.id, "-", ""}) {
		t.Fatalf("difference replays %v", replayed)
	}

	_, err = eve.api.ChannelsEditAdmin(ctx(), &tg.ChannelsEditAdminRequest{Channel: club(owner), UserID: &tg.InputUserSelf{}})
	if err == nil {
		t.Fatal("a banned non-admin promoted someone")
	}
	_, err = bot.api.ChannelsEditAdmin(ctx(), &tg.ChannelsEditAdminRequest{Channel: club(bot), UserID: userOf(bot, owner), AdminRights: tg.ChatAdminRights{PinMessages: true}})
	wantRPC(t, err, &RPCError{Code: 400, Message: "USER_CREATOR"})
	_, err = bot.api.ChannelsEditAdmin(ctx(), &tg.ChannelsEditAdminRequest{Channel: club(bot), UserID: userOf(bot, dan), AdminRights: tg.ChatAdminRights{PinMessages: true}})
	wantRPC(t, err, world.ErrUserNotParticipant)
	_, err = owner.api.ChannelsLeaveChannel(ctx(), &tg.ChannelsLeaveChannelRequest{Channel: club(owner)})
	wantRPC(t, err, &RPCError{Code: 400, Message: "USER_CREATOR"})
}

// TestEditAdminRightForbidden: an admin who may add admins can neither change an admin
// another one appointed nor grant a right it does not hold. Telegram answers both with
// 403 RIGHT_FORBIDDEN (the reference lists it with code 403; it was 400 here).
func TestEditAdminRightForbidden(t *testing.T) {
	h := newHarness(t)
	owner := h.named("Owner", "owner_rf", "79990006101")
	dan := h.named("Dan", "dan_rf", "79990006102")
	eve := h.named("Eve", "eve_rf", "79990006103")
	fay := h.named("Fay", "fay_rf", "79990006104")
	if _, err := h.w.CreateChannel(owner.id, world.ChannelSpec{
		Title: "Staff", Username: "staff_rf", Megagroup: true, Members: []int64{dan.id, eve.id, fay.id},
	}); err != nil {
		t.Fatal(err)
	}
	staff := func(a *account) *tg.InputChannel { return inputChannel(resolveChannel(t, a, "staff_rf")) }
	promote := func(by, who *account, rights tg.ChatAdminRights) error {
		_, err := by.api.ChannelsEditAdmin(ctx(), &tg.ChannelsEditAdminRequest{
			Channel: staff(by), UserID: inputUser(by.peerOf(who)), AdminRights: rights,
		})
		return err
	}
	if err := promote(owner, dan, tg.ChatAdminRights{AddAdmins: true, BanUsers: true}); err != nil {
		t.Fatal(err)
	}
	if err := promote(owner, fay, tg.ChatAdminRights{PinMessages: true}); err != nil {
		t.Fatal(err)
	}
	forbidden := &RPCError{Code: 403, Message: "RIGHT_FORBIDDEN"}
	wantRPC(t, promote(dan, fay, tg.ChatAdminRights{BanUsers: true}), forbidden)    // the owner's appointee
	wantRPC(t, promote(dan, eve, tg.ChatAdminRights{PinMessages: true}), forbidden) // a right dan lacks
	if err := promote(dan, eve, tg.ChatAdminRights{BanUsers: true}); err != nil {
		t.Fatalf("an admin granting a right it holds: %v", err)
	}
}
