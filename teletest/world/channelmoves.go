package world

import (
	"cmp"
	"slices"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Channels that moved on: a channel's updates are pushed to its members' sessions and kept
// in the channel's own log, which updates.getDifference does not replay. A client whose
// session the server lost (a failover) never got the pushes; as on Telegram, getDifference
// then tells it which of its channels moved on with updateChannelTooLong{channel_id, pts},
// and the client catches up with updates.getChannelDifference.
//
// The world picks the channels by date, as it does dated updates (dated.go): those the
// caller is a member of whose log got an event stamped in [from, to). The filter is
// inclusive, so an event in the second of the client's date is never lost; the worst a
// client gets is a needless updateChannelTooLong, answered by an empty channel difference
// (a difference's state is dated no earlier than the channel events it reports, so they come
// again only to a client asking within that same second). Channel events are not stamped
// per member as dated updates are, so a state dated past them could hide one that follows
// in the same second.

// maxChannelsMoved bounds the updateChannelTooLong entries of one difference; when more
// channels moved, those that moved most recently are kept.
const maxChannelsMoved = 100

// channelsMoved returns an updateChannelTooLong event (date: the channel's latest event) for
// each channel user is a member of whose log latest event date falls in [from, to), at most
// maxChannelsMoved of them, ordered by that date (ties by channel id), the latest last.
func (w *World) channelsMoved(user int64, from, to int32) []event {
	var moved []*channel
	for _, ch := range w.channels {
		if ch.members[user] == nil || len(ch.log.events) == 0 {
			continue
		}
		if d := ch.log.latest; d >= from && d < to {
			moved = append(moved, ch)
		}
	}
	slices.SortFunc(moved, func(a, b *channel) int {
		return cmp.Or(cmp.Compare(a.log.latest, b.log.latest), cmp.Compare(a.id, b.id))
	})
	moved = moved[max(0, len(moved)-maxChannelsMoved):]
	evs := make([]event, len(moved))
	for i, ch := range moved {
		evs[i] = event{
			date:   ch.log.latest,
			update: &tg.UpdateChannelTooLong{ChannelID: ch.id, Pts: tl.Some(ch.pts)},
			refs:   []Peer{ChannelPeer(ch.id)},
		}
	}
	return evs
}
