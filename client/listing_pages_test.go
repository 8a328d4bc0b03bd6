package mtgo_test

import (
	"context"
	"fmt"
	"iter"
	"testing"

	"github.com/google/go-cmp/cmp"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// answering installs answer as the client's only invoker: the listings below talk to it.
func answering(t *testing.T, answer func(in tl.Encoder, out tl.Decoder) error) *mtgo.Client {
	t.Helper()
	c := offlineClient(t, 1)
	c.UseInvokerMiddleware(func(tg.Invoker) tg.Invoker {
		return mtgo.InvokerFunc(func(_ context.Context, in tl.Encoder, out tl.Decoder) error {
			return answer(in, out)
		})
	})
	return c
}

// answeringEach installs fill as the one method the client can call: each request of type Req
// is answered by fill into the result box of type Out; any other call fails.
func answeringEach[Req tl.Encoder, Out tl.Decoder](t *testing.T, fill func(Req, Out)) *mtgo.Client {
	t.Helper()
	return answering(t, func(in tl.Encoder, out tl.Decoder) error {
		req, ok := in.(Req)
		box, okOut := out.(Out)
		if !ok || !okOut {
			return fmt.Errorf("unexpected call %T", in)
		}
		fill(req, box)
		return nil
	})
}

// listedKeys drains a listing into the keys of its items, failing on an error.
func listedKeys[T any, K any](t *testing.T, seq iter.Seq2[T, error], key func(T) K) []K {
	t.Helper()
	var out []K
	for v, err := range seq {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, key(v))
	}
	return out
}

// upTo lists first..last, the keys a listing should yield without the skipped ones.
func upTo(first, last int, skip func(int) bool) []int64 {
	var out []int64
	for i := first; i <= last; i++ {
		if !skip(i) {
			out = append(out, int64(i))
		}
	}
	return out
}

// TestGetProfilePhotosEmptyEntries pages through 250 photos some of which are photoEmpty. The
// offset counts what the server sent, and a page of empty photos does not end the list.
func TestGetProfilePhotosEmptyEntries(t *testing.T) {
	const total = 250
	tests := []struct {
		name  string
		empty func(i int) bool // photo i (1-based) is photoEmpty
	}{
		{"one on page one", func(i int) bool { return i == 7 }},
		{"all of page one", func(i int) bool { return i <= 100 }},
		{"all of page two", func(i int) bool { return i > 100 && i <= 200 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var offsets []int32
			c := answeringEach(t, func(req *tg.PhotosGetUserPhotosRequest, box *tg.PhotosPhotosClassBox) {
				offsets = append(offsets, req.Offset)
				page := &tg.PhotosPhotosSlice{Count: total}
				for i := int(req.Offset) + 1; i <= total && i <= int(req.Offset+req.Limit); i++ {
					var p tg.PhotoClass = &tg.Photo{ID: int64(i)}
					if tt.empty(i) {
						p = &tg.PhotoEmpty{ID: int64(i)}
					}
					page.Photos = append(page.Photos, p)
				}
				box.PhotosPhotos = page
			})
			got := listedKeys(t, c.GetProfilePhotos(context.Background(), &tg.InputPeerUser{UserID: 5, AccessHash: 1}),
				func(p *types.ProfilePhoto) int64 { return p.ID })
			if diff := cmp.Diff(upTo(1, total, tt.empty), got); diff != "" {
				t.Errorf("photos (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]int32{0, 100, 200}, offsets); diff != "" {
				t.Errorf("offsets asked (-want +got):\n%s", diff)
			}
		})
	}
}

// TestGetPinnedStoriesDeletedPage pages through 250 pinned stories (ids 250 down to 1) some
// of which come back deleted: a page of deleted stories still moves the offset, and does not
// end the list.
func TestGetPinnedStoriesDeletedPage(t *testing.T) {
	const total = 250
	tests := []struct {
		name    string
		deleted func(id int) bool
	}{
		{"none", func(int) bool { return false }},
		{"all of page one", func(id int) bool { return id > 150 }},
		{"all of page two", func(id int) bool { return id > 50 && id <= 150 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var offsets []int32
			c := answeringEach(t, func(req *tg.StoriesGetPinnedStoriesRequest, box *tg.StoriesStories) {
				offsets = append(offsets, req.OffsetID)
				*box = tg.StoriesStories{Count: total}
				top := total
				if req.OffsetID != 0 {
					top = int(req.OffsetID) - 1
				}
				for id := top; id >= 1 && id > top-int(req.Limit); id-- {
					var s tg.StoryItemClass = &tg.StoryItem{ID: int32(id), Date: 1700000000, ExpireDate: 1700086400}
					if tt.deleted(id) {
						s = &tg.StoryItemDeleted{ID: int32(id)}
					}
					box.Stories = append(box.Stories, s)
				}
			})
			got := listedKeys(t, c.GetPinnedStories(context.Background(), &tg.InputPeerUser{UserID: 5, AccessHash: 1}),
				func(s *types.Story) int64 { return int64(s.ID) })
			want := upTo(1, total, tt.deleted)
			for i, j := 0, len(want)-1; i < j; i, j = i+1, j-1 {
				want[i], want[j] = want[j], want[i]
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("stories (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]int32{0, 151, 51}, offsets); diff != "" {
				t.Errorf("offsets asked (-want +got):\n%s", diff)
			}
		})
	}
}

// TestGetDialogsPageOfRepeats pages through an archive that lists its 100 pinned chats on top
// and again by date, then 50 more: the second page repeats only chats already yielded, which
// must not end the list before the server's count of 250.
func TestGetDialogsPageOfRepeats(t *testing.T) {
	var entries []int64 // the chat of each entry, in the server's order
	for range 2 {
		for u := int64(1); u <= 100; u++ {
			entries = append(entries, u)
		}
	}
	for u := int64(101); u <= 150; u++ {
		entries = append(entries, u)
	}
	const top = 10000 // entry j's top message is top-j
	var offsets []int32
	c := answeringEach(t, func(req *tg.MessagesGetDialogsRequest, box *tg.MessagesDialogsClassBox) {
		offsets = append(offsets, req.OffsetID)
		start := 0
		if req.OffsetID != 0 {
			start = top - int(req.OffsetID) + 1
		}
		page := &tg.MessagesDialogsSlice{Count: int32(len(entries))}
		for j := start; j < len(entries) && j < start+int(req.Limit); j++ {
			page.Dialogs = append(page.Dialogs, &tg.Dialog{
				Peer: &tg.PeerUser{UserID: entries[j]}, TopMessage: int32(top - j), Pinned: j < 100,
			})
		}
		box.MessagesDialogs = page
	})
	got := listedKeys(t, c.GetDialogs(context.Background(), mtgo.DialogFilter{Archived: true}),
		func(d *types.Dialog) int64 { return d.Chat.ID })
	if diff := cmp.Diff(upTo(1, 150, func(int) bool { return false }), got); diff != "" {
		t.Errorf("chats (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int32{0, top - 99, top - 199}, offsets); diff != "" {
		t.Errorf("offsets asked (-want +got):\n%s", diff)
	}
}

// TestGetDialogsRepeatingServer: a server answering every messages.getDialogs with the same
// full page, and a count it never reaches, does not keep GetDialogs going: it stops when the
// offset no longer moves.
func TestGetDialogsRepeatingServer(t *testing.T) {
	calls := 0
	c := answeringEach(t, func(_ *tg.MessagesGetDialogsRequest, box *tg.MessagesDialogsClassBox) {
		calls++
		page := &tg.MessagesDialogsSlice{Count: 1 << 30}
		for u := range int64(100) {
			page.Dialogs = append(page.Dialogs, &tg.Dialog{Peer: &tg.PeerUser{UserID: u + 1}, TopMessage: int32(1000 - u)})
		}
		box.MessagesDialogs = page
	})
	got := listedKeys(t, c.GetDialogs(context.Background(), mtgo.DialogFilter{}), func(d *types.Dialog) int64 { return d.Chat.ID })
	if len(got) != 100 || calls != 2 {
		t.Errorf("got %d chats in %d calls, want 100 in 2", len(got), calls)
	}
}

// TestGetChatEventLogEventZero: an event with id 0 (or below) last on a page cannot be the
// next page's max_id, which 0 would turn back into the first page: a server that honours
// max_id would then send the log again and again. The listing ends there instead.
func TestGetChatEventLogEventZero(t *testing.T) {
	calls := 0
	c := answering(t, func(in tl.Encoder, out tl.Decoder) error {
		req, ok := in.(*tg.ChannelsGetAdminLogRequest)
		res, okOut := out.(*tg.ChannelsAdminLogResults)
		if !ok || !okOut {
			return fmt.Errorf("unexpected call %T", in)
		}
		if calls++; calls > 4 {
			return fmt.Errorf("call %d: the listing does not end", calls)
		}
		top := int64(200) // the log holds events 199 down to 0
		if req.MaxID != 0 {
			top = req.MaxID
		}
		for id := top - 1; id >= 0 && len(res.Events) < int(req.Limit); id-- {
			res.Events = append(res.Events, tg.ChannelAdminLogEvent{
				ID: id, Date: 1, UserID: 1, Action: &tg.ChannelAdminLogEventActionChangeTitle{},
			})
		}
		return nil
	})
	got := listedKeys(t, c.GetChatEventLog(context.Background(), &tg.InputPeerChannel{ChannelID: 7, AccessHash: 1}, types.ChatEventFilter{}),
		func(e *types.ChatEvent) int64 { return e.ID })
	var want []int64
	for id := int64(199); id >= 0; id-- {
		want = append(want, id)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	if calls != 2 {
		t.Errorf("%d calls, want 2", calls)
	}
}

// TestGetForumTopicsDeletedTail pages through forums whose pages end in deleted topics. The
// next page starts after the last live topic, so the deleted ones after it come again: they
// must not count twice against the server's count, or the last topics are never asked for.
func TestGetForumTopicsDeletedTail(t *testing.T) {
	tests := []struct {
		name        string
		total       int
		deleted     func(i int) bool // topic i (1-based) is forumTopicDeleted
		wantOffsets []int32          // offset_topic of each request
	}{
		{"none", 195, func(int) bool { return false }, []int32{0, 100}},
		{"end of page one", 195, func(i int) bool { return i > 90 && i <= 100 }, []int32{0, 90, 190}},
		{"end of pages one and two", 295, func(i int) bool { return i%100 > 95 || i%100 == 0 }, []int32{0, 95, 195}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var offsets []int32
			c := answeringEach(t, func(req *tg.MessagesGetForumTopicsRequest, box *tg.MessagesForumTopics) {
				offsets = append(offsets, req.OffsetTopic)
				box.Count = int32(tt.total)
				for i := int(req.OffsetTopic) + 1; i <= tt.total && len(box.Topics) < int(req.Limit); i++ {
					var top tg.ForumTopicClass = &tg.ForumTopic{ID: int32(i), Date: int32(1e6 - i), TopMessage: int32(i), Title: "t"}
					if tt.deleted(i) {
						top = &tg.ForumTopicDeleted{ID: int32(i)}
					}
					box.Topics = append(box.Topics, top)
				}
			})
			got := listedKeys(t, c.GetForumTopics(context.Background(), &tg.InputPeerChannel{ChannelID: 7, AccessHash: 1}, ""),
				func(ft *types.ForumTopic) int64 { return int64(ft.ID) })
			if diff := cmp.Diff(upTo(1, tt.total, tt.deleted), got); diff != "" {
				t.Errorf("topics (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantOffsets, offsets); diff != "" {
				t.Errorf("offsets asked (-want +got):\n%s", diff)
			}
		})
	}
}

// TestGetChatAdminInviteLinksUnlistedTail: entries that are no link (nothing to start a page
// from) at the end of a page come again on the next one, which starts after the last link;
// counted twice against the server's count, they would hide the last links.
func TestGetChatAdminInviteLinksUnlistedTail(t *testing.T) {
	const total = 195
	other := func(i int) bool { return i > 90 && i <= 100 } // entry i (1-based) is no link
	var offsets []string
	c := answeringEach(t, func(req *tg.MessagesGetExportedChatInvitesRequest, box *tg.MessagesExportedChatInvites) {
		offsets = append(offsets, req.OffsetLink.Value)
		box.Count = total
		start := 1
		if req.OffsetLink.Set {
			fmt.Sscanf(req.OffsetLink.Value, "l%d", &start)
			start++
		}
		for i := start; i <= total && len(box.Invites) < int(req.Limit); i++ {
			var inv tg.ExportedChatInviteClass = &tg.ChatInviteExported{Link: fmt.Sprintf("l%d", i), Date: int32(1e6 - i), AdminID: 5}
			if other(i) {
				inv = &tg.ChatInvitePublicJoinRequests{}
			}
			box.Invites = append(box.Invites, inv)
		}
	})
	got := listedKeys(t, c.GetChatAdminInviteLinks(context.Background(), &tg.InputPeerChannel{ChannelID: 7, AccessHash: 1},
		&tg.InputUser{UserID: 5, AccessHash: 1}, false),
		func(l *types.ChatInviteLink) int64 {
			var i int64
			fmt.Sscanf(l.Link, "l%d", &i)
			return i
		})
	if diff := cmp.Diff(upTo(1, total, other), got); diff != "" {
		t.Errorf("links (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"", "l90", "l190"}, offsets); diff != "" {
		t.Errorf("offsets asked (-want +got):\n%s", diff)
	}
}

// TestGetDialogsFolderLast: a folder entry (not listed) last on a page is not where the next
// page starts, so it comes again; counted twice against the server's count, it would hide
// the list's last chat.
func TestGetDialogsFolderLast(t *testing.T) {
	const total, folder, top = 200, 99, 10000 // entry j's top message is top-j; j == folder is a folder
	var offsets []int32
	c := answeringEach(t, func(req *tg.MessagesGetDialogsRequest, box *tg.MessagesDialogsClassBox) {
		offsets = append(offsets, req.OffsetID)
		start := 0
		if req.OffsetID != 0 {
			start = top - int(req.OffsetID) + 1
		}
		page := &tg.MessagesDialogsSlice{Count: total}
		for j := start; j < total && j < start+int(req.Limit); j++ {
			var d tg.DialogClass = &tg.Dialog{Peer: &tg.PeerUser{UserID: int64(j + 1)}, TopMessage: int32(top - j)}
			if j == folder {
				d = &tg.DialogFolder{Folder: tg.Folder{ID: 1}, Peer: &tg.PeerUser{UserID: int64(j + 1)}, TopMessage: int32(top - j)}
			}
			page.Dialogs = append(page.Dialogs, d)
		}
		box.MessagesDialogs = page
	})
	got := listedKeys(t, c.GetDialogs(context.Background(), mtgo.DialogFilter{}), func(d *types.Dialog) int64 { return d.Chat.ID })
	if diff := cmp.Diff(upTo(1, total, func(i int) bool { return i == folder+1 }), got); diff != "" {
		t.Errorf("chats (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int32{0, top - 98, top - 198}, offsets); diff != "" {
		t.Errorf("offsets asked (-want +got):\n%s", diff)
	}
}

// TestListingsAlternatingServer: a server answering with two full pages in turn, and a count
// it never reaches, moves the cursor on every page; each listing ends when a cursor comes
// round again (the third call) instead of asking on up to the count.
func TestListingsAlternatingServer(t *testing.T) {
	const maxCalls = 10 // past it the fake answers an empty page: the listing did not end
	chat, admin := &tg.InputPeerChannel{ChannelID: 7, AccessHash: 1}, &tg.InputUser{UserID: 5, AccessHash: 1}
	tests := []struct {
		name string
		list func(t *testing.T, calls *int) int // lists everything, returns the items listed
	}{
		{"dialogs", func(t *testing.T, calls *int) int {
			c := answeringEach(t, func(_ *tg.MessagesGetDialogsRequest, box *tg.MessagesDialogsClassBox) {
				if *calls++; *calls > maxCalls {
					box.MessagesDialogs = &tg.MessagesDialogs{}
					return
				}
				base := int64(*calls%2) * 100
				page := &tg.MessagesDialogsSlice{Count: 1 << 30}
				for u := range int64(100) {
					page.Dialogs = append(page.Dialogs, &tg.Dialog{Peer: &tg.PeerUser{UserID: base + u + 1}, TopMessage: int32(1000 - base - u)})
				}
				box.MessagesDialogs = page
			})
			n := len(listedKeys(t, c.GetDialogs(context.Background(), mtgo.DialogFilter{}), func(d *types.Dialog) int64 { return d.Chat.ID }))
			if n != 200 {
				t.Errorf("got %d chats, want 200 (each chat once)", n)
			}
			return n
		}},
		{"forum topics", func(t *testing.T, calls *int) int {
			c := answeringEach(t, func(_ *tg.MessagesGetForumTopicsRequest, box *tg.MessagesForumTopics) {
				if *calls++; *calls > maxCalls {
					return
				}
				box.Count = 1 << 30
				for i := range int32(100) {
					id := int32(*calls%2)*100 + i + 1
					box.Topics = append(box.Topics, &tg.ForumTopic{ID: id, Date: 1e6 - id, TopMessage: id, Title: "t"})
				}
			})
			return len(listedKeys(t, c.GetForumTopics(context.Background(), chat, ""), func(ft *types.ForumTopic) int { return ft.ID }))
		}},
		{"admin invite links", func(t *testing.T, calls *int) int {
			c := answeringEach(t, func(_ *tg.MessagesGetExportedChatInvitesRequest, box *tg.MessagesExportedChatInvites) {
				if *calls++; *calls > maxCalls {
					return
				}
				box.Count = 1 << 30
				for i := range 100 {
					n := (*calls%2)*100 + i + 1
					box.Invites = append(box.Invites, &tg.ChatInviteExported{Link: fmt.Sprintf("l%d", n), Date: int32(1e6 - n), AdminID: 5})
				}
			})
			return len(listedKeys(t, c.GetChatAdminInviteLinks(context.Background(), chat, admin, false), func(l *types.ChatInviteLink) string { return l.Link }))
		}},
		{"join requests", func(t *testing.T, calls *int) int {
			c := answeringEach(t, func(_ *tg.MessagesGetChatInviteImportersRequest, box *tg.MessagesChatInviteImporters) {
				if *calls++; *calls > maxCalls {
					return
				}
				box.Count = 1 << 30
				for i := range int64(100) {
					n := int64(*calls%2)*100 + i + 1
					box.Importers = append(box.Importers, tg.ChatInviteImporter{UserID: n, Date: int32(1e6 - n), Requested: true})
				}
			})
			return len(listedKeys(t, c.GetChatJoinRequests(context.Background(), chat, ""), func(j *types.ChatInviteLinkJoiner) int64 { return j.User.ID }))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls := 0
			n := tt.list(t, &calls)
			if calls != 3 {
				t.Errorf("%d items in %d calls, want 3 calls", n, calls)
			}
		})
	}
}
