package mtgo_test

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/media/fileid"
	"github.com/mtgo-labs/mtgo/teletest"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// sendPair is two people on the cluster: a sends, b receives (its new and edited messages
// arrive on got and edited).
type sendPair struct {
	cl           *teletest.Cluster
	a, b         *testClient
	aUser, bUser world.User
	got, edited  chan *types.Message
}

func newSendPair(t *testing.T, prefix string) *sendPair {
	t.Helper()
	cl := cluster(t)
	p := &sendPair{cl: cl, got: make(chan *types.Message, 32), edited: make(chan *types.Message, 32)}
	p.a, p.aUser = e2eUser(t, cl, world.UserSpec{FirstName: "Ann", Username: prefix + "_ann", Phone: "1555" + prefix[len(prefix)-3:] + "1"})
	p.b, p.bUser = e2eUser(t, cl, world.UserSpec{FirstName: "Bob", Username: prefix + "_bob", Phone: "1555" + prefix[len(prefix)-3:] + "2"})
	p.b.OnMessage(func(_ *mtgo.Context, m *types.Message) error { p.got <- m; return nil })
	p.b.OnEditedMessage(func(_ *mtgo.Context, m *types.Message) error { p.edited <- m; return nil })
	return p
}

// rawMediaOf returns the tl/tg media of m, nil if none.
func rawMediaOf(m *types.Message) tg.MessageMediaClass {
	if raw, ok := m.Raw().(*tg.Message); ok {
		return raw.Media
	}
	return nil
}

func (p *sendPair) to() string { return "@" + p.bUser.Username }

// historyOf returns the newest n messages of chat as c sees them.
func historyOf(t *testing.T, c *testClient, chat any, n int) []*types.Message {
	t.Helper()
	var out []*types.Message
	for m, err := range c.GetChatHistory(ctxT(t), chat) {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
		if len(out) == n {
			break
		}
	}
	return out
}

// TestE2ESendKinds sends every kind of message without a file, and files given as bytes, a
// sized reader, a URL and a file id, from one person to another: the receiver gets each as
// its kind with its attributes, and the sender's history holds it.
func TestE2ESendKinds(t *testing.T) {
	p := newSendPair(t, "e2e_kinds_401")
	var progress atomic.Int64
	var photo *types.Message
	tests := []struct {
		name  string
		send  func() (*types.Message, error)
		check func(m *types.Message) error
	}{
		{"location", func() (*types.Message, error) { return p.a.SendLocation(ctxT(t), p.to(), 48.8584, 2.2945) },
			func(m *types.Message) error {
				g, ok := rawMediaOf(m).(*tg.MessageMediaGeo)
				if !ok || g.Geo.(*tg.GeoPoint).Lat != 48.8584 {
					return fmt.Errorf("media %#v", rawMediaOf(m))
				}
				return nil
			}},
		{"venue", func() (*types.Message, error) {
			return p.a.SendVenue(ctxT(t), p.to(), 40.7, -74, "Cafe", "1 Main St")
		}, func(m *types.Message) error {
			v, ok := rawMediaOf(m).(*tg.MessageMediaVenue)
			if !ok || v.Title != "Cafe" || v.Address != "1 Main St" {
				return fmt.Errorf("media %#v", rawMediaOf(m))
			}
			return nil
		}},
		{"contact", func() (*types.Message, error) {
			return p.a.SendContact(ctxT(t), p.to(), p.aUser.Phone, "Ann", "A", "")
		}, func(m *types.Message) error {
			c, ok := rawMediaOf(m).(*tg.MessageMediaContact)
			if !ok || c.FirstName != "Ann" || c.UserID != p.aUser.ID {
				return fmt.Errorf("media %#v, want user %d", rawMediaOf(m), p.aUser.ID)
			}
			return nil
		}},
		{"dice", func() (*types.Message, error) { return p.a.SendDice(ctxT(t), p.to(), mtgo.DiceSlot) },
			func(m *types.Message) error {
				d, ok := rawMediaOf(m).(*tg.MessageMediaDice)
				if !ok || d.Emoticon != mtgo.DiceSlot || d.Value < 1 || d.Value > 64 {
					return fmt.Errorf("media %#v", rawMediaOf(m))
				}
				return nil
			}},
		{"poll", func() (*types.Message, error) {
			return p.a.SendPoll(ctxT(t), p.to(), "Lunch?", []string{"Pizza", "Salad", "Soup"}, mtgo.WithMultipleAnswers(), mtgo.WithPublicVoters())
		}, func(m *types.Message) error {
			pl, ok := rawMediaOf(m).(*tg.MessageMediaPoll)
			if !ok || pl.Poll.Question.Text != "Lunch?" || len(pl.Poll.Answers) != 3 || !pl.Poll.MultipleChoice || !pl.Poll.PublicVoters {
				return fmt.Errorf("media %#v", rawMediaOf(m))
			}
			return nil
		}},
		{"quiz", func() (*types.Message, error) {
			return p.a.SendPoll(ctxT(t), p.to(), "2+2?", []string{"3", "4"}, mtgo.WithQuiz(1, "**four**"), mtgo.WithParseMode(mtgo.ParseModeMarkdown))
		}, func(m *types.Message) error {
			pl, ok := rawMediaOf(m).(*tg.MessageMediaPoll)
			if !ok || !pl.Poll.Quiz {
				return fmt.Errorf("media %#v", rawMediaOf(m))
			}
			return nil
		}},
		{"photo from bytes with spoiler and progress", func() (*types.Message, error) {
			m, err := p.a.SendPhoto(ctxT(t), p.to(), []byte("jpeg bytes"), mtgo.WithSpoiler(), mtgo.WithCaption("pic"),
				mtgo.WithProgress(func(done, _ int64) { progress.Store(done) }))
			photo = m
			return m, err
		}, func(m *types.Message) error {
			ph, ok := rawMediaOf(m).(*tg.MessageMediaPhoto)
			if !ok || !ph.Spoiler || m.Text != "pic" || progress.Load() != int64(len("jpeg bytes")) {
				return fmt.Errorf("media %#v text %q progress %d", rawMediaOf(m), m.Text, progress.Load())
			}
			return nil
		}},
		{"audio from a sized reader", func() (*types.Message, error) {
			return p.a.SendAudio(ctxT(t), p.to(), strings.NewReader("mp3 bytes"),
				mtgo.WithDuration(3*time.Minute), mtgo.WithPerformer("Band"), mtgo.WithTitle("Song"), mtgo.WithFileName("song.mp3"))
		}, func(m *types.Message) error {
			doc := rawMediaOf(m).(*tg.MessageMediaDocument).Document.(*tg.Document)
			for _, at := range doc.Attributes {
				if a, ok := at.(*tg.DocumentAttributeAudio); ok && a.Duration == 180 && a.Performer.Value == "Band" && a.Title.Value == "Song" && fileName(m) == "song.mp3" {
					return nil
				}
			}
			return fmt.Errorf("attributes %#v", doc.Attributes)
		}},
		{"video with a thumbnail and attributes", func() (*types.Message, error) {
			return p.a.SendVideo(ctxT(t), p.to(), types.InputFile{Reader: strings.NewReader("mp4 bytes"), Name: "clip.mp4"},
				mtgo.WithThumbnail([]byte("thumb jpeg")), mtgo.WithDuration(90*time.Second), mtgo.WithDimensions(640, 360), mtgo.WithTTL(time.Minute))
		}, func(m *types.Message) error {
			md := rawMediaOf(m).(*tg.MessageMediaDocument)
			doc := md.Document.(*tg.Document)
			if len(doc.Thumbs) != 1 || doc.Thumbs[0].(*tg.PhotoSize).Size != int32(len("thumb jpeg")) || md.TTLSeconds.Value != 60 {
				return fmt.Errorf("thumbs %#v ttl %v", doc.Thumbs, md.TTLSeconds)
			}
			for _, at := range doc.Attributes {
				if v, ok := at.(*tg.DocumentAttributeVideo); ok && v.Duration == 90 && v.W == 640 && v.H == 360 {
					return nil
				}
			}
			return fmt.Errorf("attributes %#v", doc.Attributes)
		}},
		{"document from a URL", func() (*types.Message, error) {
			return p.a.SendDocument(ctxT(t), p.to(), "https://example.com/files/report.pdf")
		}, func(m *types.Message) error {
			doc := rawMediaOf(m).(*tg.MessageMediaDocument).Document.(*tg.Document)
			if doc.MimeType != "application/pdf" || fileName(m) != "report.pdf" {
				return fmt.Errorf("document %s %q", doc.MimeType, fileName(m))
			}
			return nil
		}},
		{"cached photo by file id", func() (*types.Message, error) {
			ph := rawMediaOf(photo).(*tg.MessageMediaPhoto).Photo.(*tg.Photo)
			id, err := fileid.Encode(fileid.FromPhoto(ph, "x"))
			if err != nil {
				return nil, err
			}
			if _, err := p.a.SendCachedMedia(ctxT(t), p.to(), id, mtgo.WithCaption("again")); err != nil {
				return nil, err
			}
			if got := recv(t, p.got, "cached photo"); rawMediaOf(got).(*tg.MessageMediaPhoto).Photo.(*tg.Photo).ID != ph.ID {
				return nil, fmt.Errorf("cached photo %#v", rawMediaOf(got))
			}
			return p.a.SendPhoto(ctxT(t), p.to(), id, mtgo.WithCaption("again")) // a plain string naming no file
		}, func(m *types.Message) error {
			got := rawMediaOf(m).(*tg.MessageMediaPhoto).Photo.(*tg.Photo)
			if want := rawMediaOf(photo).(*tg.MessageMediaPhoto).Photo.(*tg.Photo); got.ID != want.ID || m.Text != "again" {
				return fmt.Errorf("photo %d text %q, want photo %d", got.ID, m.Text, want.ID)
			}
			return nil
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sent, err := tt.send()
			if err != nil {
				t.Fatal(err)
			}
			if err := tt.check(sent); err != nil {
				t.Fatalf("sent: %v", err)
			}
			got := recv(t, p.got, tt.name)
			if err := tt.check(got); err != nil {
				t.Fatalf("received: %v", err)
			}
			last := historyOf(t, p.a, p.to(), 1)
			if len(last) != 1 || last[0].ID != sent.ID {
				t.Fatalf("history starts with %v, want message %d", last, sent.ID)
			}
			if err := tt.check(last[0]); err != nil {
				t.Fatalf("history: %v", err)
			}
		})
	}
}

// TestE2ELiveLocation sends a live location, moves it and stops it; the receiver sees each
// edit, and a move after the stop fails.
func TestE2ELiveLocation(t *testing.T) {
	p := newSendPair(t, "e2e_live_402")
	ctx := ctxT(t)
	m, err := p.a.SendLiveLocation(ctx, p.to(), 10, 20, time.Hour, mtgo.WithHeading(90), mtgo.WithProximityAlert(500))
	if err != nil {
		t.Fatal(err)
	}
	live := recv(t, p.got, "live location").Raw().(*tg.Message).Media.(*tg.MessageMediaGeoLive)
	if live.Period != 3600 || live.Geo.(*tg.GeoPoint).Lat != 10 || live.Heading.Value != 90 || live.ProximityNotificationRadius.Value != 500 {
		t.Fatalf("live location %#v", live)
	}
	if _, err := p.a.EditMessageLiveLocation(ctx, p.to(), m.ID, 11, 21, mtgo.WithHeading(180)); err != nil {
		t.Fatal(err)
	}
	moved := recv(t, p.edited, "moved").Raw().(*tg.Message).Media.(*tg.MessageMediaGeoLive)
	if g := moved.Geo.(*tg.GeoPoint); g.Lat != 11 || g.Long != 21 || moved.Period != 3600 || moved.Heading.Value != 180 {
		t.Fatalf("moved %#v %#v", moved, g)
	}
	if _, err := p.a.StopMessageLiveLocation(ctx, p.to(), m.ID); err != nil {
		t.Fatal(err)
	}
	stopped := recv(t, p.edited, "stopped").Raw().(*tg.Message).Media.(*tg.MessageMediaGeoLive)
	if g := stopped.Geo.(*tg.GeoPoint); g.Lat != 11 || stopped.Period >= 3600 {
		t.Fatalf("stopped %#v %#v", stopped, g)
	}
	if _, err := p.a.EditMessageLiveLocation(ctx, p.to(), m.ID, 12, 22); err == nil {
		t.Fatal("moving a stopped live location succeeded")
	}
	text, err := p.a.SendMessage(ctx, p.to(), "not a location")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.a.EditMessageLiveLocation(ctx, p.to(), text.ID, 1, 1); err == nil {
		t.Fatal("moving a text message succeeded")
	}
}

// TestE2EPollVotes votes in a poll, retracts, stops it; the author sees the results and
// a vote after the stop fails.
func TestE2EPollVotes(t *testing.T) {
	p := newSendPair(t, "e2e_poll_403")
	ctx := ctxT(t)
	sent, err := p.a.SendPoll(ctx, p.to(), "Color?", []string{"Red", "Green", "Blue"}, mtgo.WithMultipleAnswers())
	if err != nil {
		t.Fatal(err)
	}
	got := recv(t, p.got, "poll")
	res, err := p.b.VotePoll(ctx, "@"+p.aUser.Username, got.ID, 0, 2)
	if err != nil {
		t.Fatal(err)
	}
	if n := res.Results.TotalVoters.Value; n != 1 || !res.Results.Results[0].Chosen || res.Results.Results[1].Chosen || !res.Results.Results[2].Chosen {
		t.Fatalf("after the vote: %d voters, results %+v", n, res.Results.Results)
	}
	if _, err := p.b.VotePoll(ctx, "@"+p.aUser.Username, got.ID, 3); !errors.Is(err, mtgo.ErrPollOption) {
		t.Fatalf("vote for option 3 of 3: %v, want ErrPollOption", err)
	}
	res, err = p.b.RetractVote(ctx, "@"+p.aUser.Username, got.ID)
	if err != nil {
		t.Fatal(err)
	}
	if res.Results.TotalVoters.Value != 0 {
		t.Fatalf("after retracting: %d voters", res.Results.TotalVoters.Value)
	}
	if _, err := p.b.VotePoll(ctx, "@"+p.aUser.Username, got.ID, 1); err != nil {
		t.Fatal(err)
	}
	stopped, err := p.a.StopPoll(ctx, p.to(), sent.ID)
	if err != nil {
		t.Fatal(err)
	}
	pl := rawMediaOf(stopped).(*tg.MessageMediaPoll)
	if !pl.Poll.Closed || pl.Results.TotalVoters.Value != 1 {
		t.Fatalf("stopped poll %#v results %+v", pl.Poll, pl.Results)
	}
	if e := recv(t, p.edited, "closed poll"); !rawMediaOf(e).(*tg.MessageMediaPoll).Poll.Closed {
		t.Fatal("the receiver's poll is not closed")
	}
	if _, err := p.b.VotePoll(ctx, "@"+p.aUser.Username, got.ID, 0); err == nil || !strings.Contains(err.Error(), "MESSAGE_POLL_CLOSED") {
		t.Fatalf("vote in a closed poll: %v", err)
	}
	text, err := p.a.SendMessage(ctx, p.to(), "no poll here")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.a.StopPoll(ctx, p.to(), text.ID); !errors.Is(err, mtgo.ErrNoPoll) {
		t.Fatalf("stop a text: %v, want ErrNoPoll", err)
	}
}

// TestE2EMediaGroup sends albums (photos with a video from every kind of argument, and
// documents): the receiver gets the items in order with one media group id and their
// captions, and the history holds them.
func TestE2EMediaGroup(t *testing.T) {
	p := newSendPair(t, "e2e_album_404")
	ctx := ctxT(t)
	uploaded, err := p.a.Upload(ctx, bytes.NewReader([]byte("pre-uploaded")), 12, "clip.mp4")
	if err != nil {
		t.Fatal(err)
	}
	var parts atomic.Int32
	tests := []struct {
		name  string
		items []types.AlbumItem
		kinds []types.MediaKind
	}{
		{"photos and a video", []types.AlbumItem{
			{Kind: types.KindPhoto, Media: []byte("photo one"), Caption: "**one**"},
			{Kind: types.KindPhoto, Media: types.InputFile{Reader: strings.NewReader("photo two"), Name: "two.jpg", Size: 9}, Spoiler: true},
			{Kind: types.KindVideo, Media: uploaded, Caption: "clip"},
		}, []types.MediaKind{types.KindPhoto, types.KindPhoto, types.KindVideo}},
		{"documents", []types.AlbumItem{
			{Kind: types.KindDocument, Media: types.InputFile{Reader: strings.NewReader("a"), Name: "a.txt", Size: 1}},
			{Kind: types.KindDocument, Media: "https://example.com/b.pdf", Caption: "b"},
		}, []types.MediaKind{types.KindDocument, types.KindDocument}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sent, err := p.a.SendMediaGroup(ctx, p.to(), tt.items, mtgo.WithParseMode(mtgo.ParseModeMarkdown),
				mtgo.WithProgress(func(int64, int64) { parts.Add(1) }))
			if err != nil {
				t.Fatal(err)
			}
			if len(sent) != len(tt.items) {
				t.Fatalf("sent %d messages, want %d", len(sent), len(tt.items))
			}
			group := sent[0].MediaGroupID
			for i, m := range sent {
				got := recv(t, p.got, fmt.Sprintf("item %d", i))
				if m.MediaGroupID == 0 || m.MediaGroupID != group || got.MediaGroupID == 0 {
					t.Fatalf("item %d: group %d/%d, first %d", i, m.MediaGroupID, got.MediaGroupID, group)
				}
				if got.MediaKind() != tt.kinds[i] || m.MediaKind() != tt.kinds[i] {
					t.Fatalf("item %d: kinds %v/%v, want %v", i, m.MediaKind(), got.MediaKind(), tt.kinds[i])
				}
				caption, _, _ := mtgo.ParseText(mtgo.ParseModeMarkdown, tt.items[i].Caption)
				if got.Text != caption {
					t.Fatalf("item %d: caption %q, want %q", i, got.Text, caption)
				}
			}
			hist := historyOf(t, p.a, p.to(), len(sent))
			for i, m := range hist {
				if m.MediaGroupID != group || m.ID != sent[len(sent)-1-i].ID {
					t.Fatalf("history %d: id %d group %d", i, m.ID, m.MediaGroupID)
				}
			}
		})
	}
	if parts.Load() == 0 {
		t.Fatal("no progress reported")
	}
}

// TestE2EScheduledMessages schedules a message and an album, lists them, sends one early
// (the receiver gets it, marked from_scheduled) and deletes the rest.
func TestE2EScheduledMessages(t *testing.T) {
	p := newSendPair(t, "e2e_sched_405")
	ctx := ctxT(t)
	later := p.cl.World().Now().Add(time.Hour)
	text, err := p.a.SendMessage(ctx, p.to(), "see you later", mtgo.WithSchedule(later))
	if err != nil {
		t.Fatal(err)
	}
	album, err := p.a.SendMediaGroup(ctx, p.to(), []types.AlbumItem{
		{Kind: types.KindPhoto, Media: []byte("p1")}, {Kind: types.KindPhoto, Media: []byte("p2")},
	}, mtgo.WithSchedule(later.Add(time.Minute)))
	if err != nil {
		t.Fatal(err)
	}
	list, err := p.a.GetScheduledMessages(ctx, p.to())
	if err != nil {
		t.Fatal(err)
	}
	var ids []int
	for _, m := range list {
		ids = append(ids, m.ID)
	}
	want := []int{album[1].ID, album[0].ID, text.ID}
	if fmt.Sprint(ids) != fmt.Sprint(want) || list[2].Text != "see you later" || list[2].Date.Unix() != later.Unix() {
		t.Fatalf("scheduled %v (%q at %v), want %v", ids, list[2].Text, list[2].Date, want)
	}
	one, err := p.a.GetScheduledMessages(ctx, p.to(), text.ID)
	if err != nil || len(one) != 1 || one[0].ID != text.ID {
		t.Fatalf("scheduled message %d: %v, %v", text.ID, one, err)
	}
	moved := later.Add(2 * time.Hour)
	ed, err := p.a.EditMessageText(ctx, p.to(), text.ID, "see you much later", mtgo.WithSchedule(moved))
	if err != nil {
		t.Fatal(err)
	}
	if ed.ID != text.ID || ed.Text != "see you much later" || ed.Date.Unix() != moved.Unix() {
		t.Fatalf("edited scheduled message %d %q at %v", ed.ID, ed.Text, ed.Date)
	}
	sent, err := p.a.SendScheduledMessagesNow(ctx, p.to(), text.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(sent) != 1 || sent[0].Text != "see you much later" {
		t.Fatalf("sent now: %v", sent)
	}
	got := recv(t, p.got, "scheduled message sent now")
	if got.Text != "see you much later" || !got.Raw().(*tg.Message).FromScheduled {
		t.Fatalf("received %q from_scheduled %v", got.Text, got.Raw().(*tg.Message).FromScheduled)
	}
	if err := p.a.DeleteScheduledMessages(ctx, p.to(), album[0].ID, album[1].ID); err != nil {
		t.Fatal(err)
	}
	if list, err := p.a.GetScheduledMessages(ctx, p.to()); err != nil || len(list) != 0 {
		t.Fatalf("after deleting: %v, %v", list, err)
	}
	if _, err := p.a.SendScheduledMessagesNow(ctx, p.to(), album[0].ID); err == nil {
		t.Fatal("sending a deleted scheduled message succeeded")
	}
}

// TestE2EDrafts saves drafts in two chats, reads them back, clears one and then all.
func TestE2EDrafts(t *testing.T) {
	p := newSendPair(t, "e2e_draft_406")
	ctx := ctxT(t)
	first, err := p.a.SendMessage(ctx, p.to(), "question")
	if err != nil {
		t.Fatal(err)
	}
	if err := p.a.SaveDraft(ctx, p.to(), "**half** an answer", mtgo.WithReplyTo(first.ID), mtgo.WithParseMode(mtgo.ParseModeMarkdown)); err != nil {
		t.Fatal(err)
	}
	if err := p.a.SaveDraft(ctx, "me", "note to self"); err != nil {
		t.Fatal(err)
	}
	drafts, err := p.a.GetDrafts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	byChat := map[int64]*types.Draft{}
	for _, d := range drafts {
		byChat[d.Chat.ID] = d
	}
	d := byChat[p.bUser.ID]
	if len(drafts) != 2 || d == nil || d.Text != "half an answer" || len(d.Entities) != 1 || d.ReplyToMessageID != first.ID {
		t.Fatalf("drafts %d, to Bob %+v", len(drafts), d)
	}
	if err := p.a.ClearDraft(ctx, p.to()); err != nil {
		t.Fatal(err)
	}
	if drafts, err = p.a.GetDrafts(ctx); err != nil || len(drafts) != 1 || drafts[0].Text != "note to self" {
		t.Fatalf("after clearing one: %v, %v", drafts, err)
	}
	if err := p.a.ClearAllDrafts(ctx); err != nil {
		t.Fatal(err)
	}
	if drafts, err = p.a.GetDrafts(ctx); err != nil || len(drafts) != 0 {
		t.Fatalf("after clearing all: %v, %v", drafts, err)
	}
}

// TestE2ESendOptions checks what the send options leave on the received message: an
// effect, protection, a reply to a message of another chat with a quote, a post as a
// channel in a supergroup, a forum topic.
func TestE2ESendOptions(t *testing.T) {
	p := newSendPair(t, "e2e_opts_407")
	ctx := ctxT(t)
	w := p.cl.World()
	if _, err := w.CreateChannel(p.aUser.ID, world.ChannelSpec{Title: "Ann's news", Username: "e2e_opts_news"}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.CreateChannel(p.aUser.ID, world.ChannelSpec{
		Title: "Talk", Username: "e2e_opts_talk", Megagroup: true, Members: []int64{p.bUser.ID},
	}); err != nil {
		t.Fatal(err)
	}
	post, err := p.a.SendMessage(ctx, "@e2e_opts_news", "the quoted text is here")
	if err != nil {
		t.Fatal(err)
	}
	topic, err := p.a.SendMessage(ctx, "@e2e_opts_talk", "a topic starts here")
	if err != nil {
		t.Fatal(err)
	}
	recv(t, p.got, "topic start")
	news, err := p.a.ResolvePeer(ctx, "@e2e_opts_news")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		chat  string
		text  string
		opts  []mtgo.SendOption
		check func(raw *tg.Message) error
	}{
		{"effect and protection", p.to(), "boom", []mtgo.SendOption{mtgo.WithEffect(5104841245755180586), mtgo.WithProtect()},
			func(raw *tg.Message) error {
				if raw.Effect != tl.Some[int64](5104841245755180586) || !raw.Noforwards {
					return fmt.Errorf("effect %v noforwards %v", raw.Effect, raw.Noforwards)
				}
				return nil
			}},
		{"reply to another chat with a quote", p.to(), "about that", []mtgo.SendOption{mtgo.WithReplyToIn("@e2e_opts_news", post.ID, "quoted text")},
			func(raw *tg.Message) error {
				h, ok := raw.ReplyTo.(*tg.MessageReplyHeader)
				if !ok || h.ReplyToMsgID.Value != int32(post.ID) || !h.Quote || h.QuoteText.Value != "quoted text" {
					return fmt.Errorf("reply header %#v", raw.ReplyTo)
				}
				if pc, ok := h.ReplyToPeerID.(*tg.PeerChannel); !ok || pc.ChannelID != news.(*tg.InputPeerChannel).ChannelID {
					return fmt.Errorf("reply peer %#v", h.ReplyToPeerID)
				}
				return nil
			}},
		{"in a topic", "@e2e_opts_talk", "on topic", []mtgo.SendOption{mtgo.WithTopic(topic.ID)},
			func(raw *tg.Message) error {
				h, ok := raw.ReplyTo.(*tg.MessageReplyHeader)
				if !ok || !h.ForumTopic || h.ReplyToMsgID.Value != int32(topic.ID) {
					return fmt.Errorf("reply header %#v", raw.ReplyTo)
				}
				return nil
			}},
		{"as a channel", "@e2e_opts_talk", "official", []mtgo.SendOption{mtgo.WithSendAs("@e2e_opts_news")},
			func(raw *tg.Message) error {
				if pc, ok := raw.FromID.(*tg.PeerChannel); !ok || pc.ChannelID != news.(*tg.InputPeerChannel).ChannelID {
					return fmt.Errorf("from %#v", raw.FromID)
				}
				return nil
			}},
	}
	received := map[string]*types.Message{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sent, err := p.a.SendMessage(ctx, tt.chat, tt.text, tt.opts...)
			if err != nil {
				t.Fatal(err)
			}
			if err := tt.check(sent.Raw().(*tg.Message)); err != nil {
				t.Fatalf("sent: %v", err)
			}
			got := recv(t, p.got, tt.name)
			if err := tt.check(got.Raw().(*tg.Message)); err != nil {
				t.Fatalf("received: %v", err)
			}
			received[tt.name] = got
		})
	}
	protected := received["effect and protection"]
	if protected == nil {
		t.Fatal("no protected message received")
	}
	if _, err := p.b.ForwardMessages(ctx, "me", "@"+p.aUser.Username, []int{protected.ID}); err == nil || !strings.Contains(err.Error(), "CHAT_FORWARDS_RESTRICTED") {
		t.Fatalf("forwarding a protected message: %v", err)
	}
	if _, err := p.a.SendMessage(ctx, p.to(), "as whom?", mtgo.WithSendAs("@e2e_opts_news")); err == nil || !strings.Contains(err.Error(), "SEND_AS_PEER_INVALID") {
		t.Fatalf("send as a channel in a private chat: %v", err)
	}
}

// TestE2ESendChatAction shows the receiver the sender typing and uploading a photo.
func TestE2ESendChatAction(t *testing.T) {
	p := newSendPair(t, "e2e_action_408")
	actions := make(chan tg.SendMessageActionClass, 4)
	p.b.OnRawUpdate(func(_ *mtgo.Context, u tg.UpdateClass) error {
		if ut, ok := u.(*tg.UpdateUserTyping); ok && ut.UserID == p.aUser.ID {
			actions <- ut.Action
		}
		return nil
	})
	tests := []struct {
		action types.ChatAction
		want   tg.SendMessageActionClass
	}{
		{types.ActionTyping, &tg.SendMessageTypingAction{}},
		{types.ActionUploadPhoto.Progress(40), &tg.SendMessageUploadPhotoAction{Progress: 40}},
		{types.ActionCancel, &tg.SendMessageCancelAction{}},
	}
	for _, tt := range tests {
		if err := p.a.SendChatAction(ctxT(t), p.to(), tt.action); err != nil {
			t.Fatal(err)
		}
		if got := recv(t, actions, "chat action"); fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Fatalf("action %#v, want %#v", got, tt.want)
		}
	}
}

// TestE2ESendMessageDraft streams a bot's draft to a person, who sees its text and
// formatting under the draft's id.
func TestE2ESendMessageDraft(t *testing.T) {
	cl := cluster(t)
	b, _ := e2eBot(t, cl, "e2e_draft_stream_bot")
	u, _ := e2eUser(t, cl, world.UserSpec{FirstName: "Reader", Username: "e2e_draft_reader", Phone: "15554091"})
	drafts := make(chan *tg.SendMessageTextDraftAction, 4)
	u.OnRawUpdate(func(_ *mtgo.Context, up tg.UpdateClass) error {
		if ut, ok := up.(*tg.UpdateUserTyping); ok {
			if d, ok := ut.Action.(*tg.SendMessageTextDraftAction); ok {
				drafts <- d
			}
		}
		return nil
	})
	if err := b.SendMessageDraft(ctxT(t), "@e2e_draft_reader", 0, "x"); !errors.Is(err, mtgo.ErrEmptyField) {
		t.Fatalf("draft id 0: %v", err)
	}
	for _, text := range []string{"**think**", "**thinking** harder"} {
		if err := b.SendMessageDraft(ctxT(t), "@e2e_draft_reader", 7, text, mtgo.WithParseMode(mtgo.ParseModeMarkdown)); err != nil {
			t.Fatal(err)
		}
		want, ents, _ := mtgo.ParseText(mtgo.ParseModeMarkdown, text)
		got := recv(t, drafts, "draft")
		if got.RandomID != 7 || got.Text.Text != want || len(got.Text.Entities) != len(ents) {
			t.Fatalf("draft %#v, want %q", got, want)
		}
	}
}
