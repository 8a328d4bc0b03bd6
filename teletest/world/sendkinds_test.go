package world

import (
	"errors"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// sendWorld is a world with two people, a (key ka) and b (key kb), each with a peer for the
// other.
type sendWorld struct {
	w      *World
	a, b   User
	ka, kb KeyID
	toB    tg.InputPeerClass
	toA    tg.InputPeerClass
}

func newSendWorld(t *testing.T) *sendWorld {
	t.Helper()
	w := newWorld(t, Config{})
	a, _ := w.CreateUser(UserSpec{FirstName: "A", Phone: "70000000001"})
	b, _ := w.CreateUser(UserSpec{FirstName: "B", Phone: "70000000002"})
	s := &sendWorld{w: w, a: a, b: b, ka: KeyID{1}, kb: KeyID{2}}
	if err := w.Authorize(s.ka, a.ID); err != nil {
		t.Fatal(err)
	}
	if err := w.Authorize(s.kb, b.ID); err != nil {
		t.Fatal(err)
	}
	s.toB = &tg.InputPeerUser{UserID: b.ID, AccessHash: w.accessHash(a.ID, PeerUser, b.ID)}
	s.toA = &tg.InputPeerUser{UserID: a.ID, AccessHash: w.accessHash(b.ID, PeerUser, a.ID)}
	return s
}

// last returns the newest message of the chat in as key sees it.
func (s *sendWorld) last(t *testing.T, key KeyID, in tg.InputPeerClass, n int32) []*tg.Message {
	t.Helper()
	var out []*tg.Message
	for _, m := range s.w.lastOf(t, key, in, n) {
		out = append(out, m.(*tg.Message))
	}
	return out
}

// lastOf returns the n newest messages (service messages too) of the chat in as key sees it.
func (w *World) lastOf(t *testing.T, key KeyID, in tg.InputPeerClass, n int32) []tg.MessageClass {
	t.Helper()
	res, err := w.History(key, in, HistoryQuery{Limit: n})
	if err != nil {
		t.Fatal(err)
	}
	return listOf(res)
}

// listOf returns the messages of a messages.Messages answer.
func listOf(res tg.MessagesMessagesClass) []tg.MessageClass {
	switch r := res.(type) {
	case *tg.MessagesMessages:
		return r.Messages
	case *tg.MessagesMessagesSlice:
		return r.Messages
	case *tg.MessagesChannelMessages:
		return r.Messages
	}
	return nil
}

// sentMedia returns the media of the message a send's result carries.
func sentMedia(t *testing.T, u tg.UpdatesClass) tg.MessageMediaClass {
	t.Helper()
	for _, up := range u.(*tg.Updates).Updates {
		if m, ok := up.(*tg.UpdateNewMessage); ok {
			return m.Message.(*tg.Message).Media
		}
	}
	t.Fatalf("no new message in %#v", u)
	return nil
}

func TestSendKindsStoredAndChecked(t *testing.T) {
	s := newSendWorld(t)
	pt := func(lat, long float64) *tg.InputGeoPoint { return &tg.InputGeoPoint{Lat: lat, Long: long} }
	geo := func(lat, long float64) *tg.GeoPoint {
		return &tg.GeoPoint{Lat: lat, Long: long, AccessHash: GeoAccessHash(lat, long)}
	}
	tests := []struct {
		name string
		in   tg.InputMediaClass
		want tg.MessageMediaClass // nil: any dice
		err  string
	}{
		{"point", &tg.InputMediaGeoPoint{GeoPoint: pt(1, 2)}, &tg.MessageMediaGeo{Geo: geo(1, 2)}, ""},
		{"point off the globe", &tg.InputMediaGeoPoint{GeoPoint: pt(91, 2)}, nil, "GEO_POINT_INVALID"},
		{"point not a number", &tg.InputMediaGeoPoint{GeoPoint: pt(math.NaN(), 2)}, nil, "GEO_POINT_INVALID"},
		{"live", &tg.InputMediaGeoLive{GeoPoint: pt(1, 2), Period: tl.Some[int32](900), Heading: tl.Some[int32](90)},
			&tg.MessageMediaGeoLive{Geo: geo(1, 2), Period: 900, Heading: tl.Some[int32](90)}, ""},
		{"live forever", &tg.InputMediaGeoLive{GeoPoint: pt(1, 2), Period: tl.Some[int32](LiveForever)},
			&tg.MessageMediaGeoLive{Geo: geo(1, 2), Period: LiveForever}, ""},
		{"live too short", &tg.InputMediaGeoLive{GeoPoint: pt(1, 2), Period: tl.Some[int32](30)}, nil, "PERIOD_INVALID"},
		{"live heading 0", &tg.InputMediaGeoLive{GeoPoint: pt(1, 2), Period: tl.Some[int32](60), Heading: tl.Some[int32](0)}, nil, "HEADING_INVALID"},
		{"live stopped at send", &tg.InputMediaGeoLive{Stopped: true, GeoPoint: &tg.InputGeoPointEmpty{}}, nil, "MEDIA_INVALID"},
		{"venue", &tg.InputMediaVenue{GeoPoint: pt(1, 2), Title: "T", Address: "A", Provider: "foursquare", VenueID: "v"},
			&tg.MessageMediaVenue{Geo: geo(1, 2), Title: "T", Address: "A", Provider: "foursquare", VenueID: "v"}, ""},
		{"venue without title", &tg.InputMediaVenue{GeoPoint: pt(1, 2), Address: "A"}, nil, "VENUE_INVALID"},
		{"contact of an account", &tg.InputMediaContact{PhoneNumber: "+" + s.a.Phone, FirstName: "A"},
			&tg.MessageMediaContact{PhoneNumber: "+" + s.a.Phone, FirstName: "A", UserID: s.a.ID}, ""},
		{"contact of nobody", &tg.InputMediaContact{PhoneNumber: "123", FirstName: "Z"},
			&tg.MessageMediaContact{PhoneNumber: "123", FirstName: "Z"}, ""},
		{"contact without name", &tg.InputMediaContact{PhoneNumber: "123"}, nil, "CONTACT_INVALID"},
		{"dice", &tg.InputMediaDice{Emoticon: "🎲"}, nil, ""},
		{"dice of another emoji", &tg.InputMediaDice{Emoticon: "🍕"}, nil, "EMOTICON_INVALID"},
		{"photo by URL of another scheme", &tg.InputMediaPhotoExternal{URL: "file:///etc/passwd"}, nil, "EXTERNAL_URL_INVALID"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := s.w.SendMessage(s.ka, s.toB, Draft{Media: tt.in})
			if tt.err != "" {
				var re *RPCError
				if !errors.As(err, &re) || re.Message != tt.err {
					t.Fatalf("error %v, want %s", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := sentMedia(t, res)
			theirs := s.last(t, s.kb, s.toA, 1)[0].Media
			if diff := cmp.Diff(got, theirs); diff != "" {
				t.Fatalf("the receiver's copy differs (-sent +received):\n%s", diff)
			}
			if tt.want == nil {
				d, ok := got.(*tg.MessageMediaDice)
				if !ok || d.Value < 1 || d.Value > 6 {
					t.Fatalf("dice %#v", got)
				}
				return
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Fatalf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestLiveLocationEdits(t *testing.T) {
	s := newSendWorld(t)
	res, err := s.w.SendMessage(s.ka, s.toB, Draft{Media: &tg.InputMediaGeoLive{GeoPoint: &tg.InputGeoPoint{Lat: 1, Long: 2}, Period: tl.Some[int32](600)}})
	if err != nil {
		t.Fatal(err)
	}
	id := res.(*tg.Updates).Updates[0].(*tg.UpdateMessageID).ID
	edit := func(in tg.InputMediaClass) error {
		_, err := s.w.EditMessage(s.ka, s.toB, id, Edit{Media: in})
		return err
	}
	if err := edit(&tg.InputMediaGeoLive{GeoPoint: &tg.InputGeoPoint{Lat: 3, Long: 4}}); err != nil {
		t.Fatal(err)
	}
	if err := edit(&tg.InputMediaGeoLive{Stopped: true, GeoPoint: &tg.InputGeoPointEmpty{}}); err != nil {
		t.Fatal(err)
	}
	got := s.last(t, s.kb, s.toA, 1)[0].Media.(*tg.MessageMediaGeoLive)
	if g := got.Geo.(*tg.GeoPoint); g.Lat != 3 || g.Long != 4 || got.Period != 1 {
		t.Fatalf("after the stop: %#v at %v", got, g)
	}
	var re *RPCError
	if err := edit(&tg.InputMediaGeoLive{GeoPoint: &tg.InputGeoPoint{Lat: 5, Long: 6}}); !errors.As(err, &re) || re.Message != "MESSAGE_NOT_MODIFIED" {
		t.Fatalf("moving a stopped location: %v", err)
	}
	text, err := s.w.SendMessage(s.ka, s.toB, Draft{Text: "hi"})
	if err != nil {
		t.Fatal(err)
	}
	tid := text.(*tg.UpdateShortSentMessage).ID
	if _, err := s.w.EditMessage(s.ka, s.toB, tid, Edit{Media: &tg.InputMediaGeoLive{GeoPoint: &tg.InputGeoPoint{Lat: 5, Long: 6}}}); !errors.Is(err, ErrMediaInvalid) {
		t.Fatalf("moving a text: %v", err)
	}
}

// storedPhoto uploads a one-part photo and returns it as messages.uploadMedia answers it.
func (s *sendWorld) stored(t *testing.T, id int64, in tg.InputMediaClass) tg.InputMediaClass {
	t.Helper()
	if err := s.w.SaveFilePart(s.ka, id, 0, []byte("data")); err != nil {
		t.Fatal(err)
	}
	m, err := s.w.UploadMedia(s.ka, in)
	if err != nil {
		t.Fatal(err)
	}
	switch m := m.(type) {
	case *tg.MessageMediaPhoto:
		p := m.Photo.(*tg.Photo)
		return &tg.InputMediaPhoto{ID: &tg.InputPhoto{ID: p.ID, AccessHash: p.AccessHash, FileReference: p.FileReference}}
	case *tg.MessageMediaDocument:
		d := m.Document.(*tg.Document)
		return &tg.InputMediaDocument{ID: &tg.InputDocument{ID: d.ID, AccessHash: d.AccessHash, FileReference: d.FileReference}}
	}
	t.Fatalf("stored %#v", m)
	return nil
}

func TestSendAlbum(t *testing.T) {
	s := newSendWorld(t)
	file := func(id int64) *tg.InputFile { return &tg.InputFile{ID: id, Parts: 1, Name: "f"} }
	photo := func(id int64) tg.InputMediaClass { return s.stored(t, id, &tg.InputMediaUploadedPhoto{File: file(id)}) }
	doc := func(id int64, attrs ...tg.DocumentAttributeClass) tg.InputMediaClass {
		return s.stored(t, id, &tg.InputMediaUploadedDocument{File: file(id), MimeType: "video/mp4", Attributes: attrs})
	}
	items := func(ms ...tg.InputMediaClass) []AlbumItem {
		out := make([]AlbumItem, len(ms))
		for i, m := range ms {
			out[i] = AlbumItem{RandomID: int64(i + 1 + len(ms)*100), Text: "c", Media: m}
		}
		return out
	}
	video := doc(10, &tg.DocumentAttributeVideo{})
	tests := []struct {
		name  string
		items []AlbumItem
		err   string
	}{
		{"11 items", items(make([]tg.InputMediaClass, 11)...), "MULTI_MEDIA_TOO_LONG"},
		{"no items", nil, "MEDIA_EMPTY"},
		{"an uploaded file", items(photo(1), &tg.InputMediaUploadedPhoto{File: file(2)}), "MEDIA_INVALID"},
		{"photo and document", items(photo(3), doc(4)), "MEDIA_INVALID"},
		{"voice messages", items(doc(5, &tg.DocumentAttributeAudio{Voice: true}), doc(6, &tg.DocumentAttributeAudio{Voice: true})), "MEDIA_INVALID"},
		{"photos and a video", items(photo(7), photo(8), video), ""},
		{"documents and a URL", items(doc(11), &tg.InputMediaDocumentExternal{URL: "https://example.com/a.pdf"}), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := s.w.SendAlbum(s.ka, s.toB, Draft{Silent: true}, tt.items)
			if tt.err != "" {
				var re *RPCError
				if !errors.As(err, &re) || re.Message != tt.err {
					t.Fatalf("error %v, want %s", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			ids := 0
			for _, u := range res.(*tg.Updates).Updates {
				if _, ok := u.(*tg.UpdateMessageID); ok {
					ids++
				}
			}
			if ids != len(tt.items) {
				t.Fatalf("%d updateMessageID, want %d", ids, len(tt.items))
			}
			for _, view := range []struct {
				key  KeyID
				peer tg.InputPeerClass
			}{{s.ka, s.toB}, {s.kb, s.toA}} {
				msgs := s.last(t, view.key, view.peer, int32(len(tt.items)))
				group := msgs[0].GroupedID
				for _, m := range msgs {
					if !group.Set || m.GroupedID != group || m.Message != "c" || !m.Silent {
						t.Fatalf("message %d: group %v (first %v) text %q silent %v", m.ID, m.GroupedID, group, m.Message, m.Silent)
					}
				}
			}
		})
	}
}

func TestScheduledMessages(t *testing.T) {
	s := newSendWorld(t)
	at := s.w.now() + 3600
	res, err := s.w.SendMessage(s.ka, s.toB, Draft{RandomID: 7, Text: "later", ScheduleDate: at})
	if err != nil {
		t.Fatal(err)
	}
	us := res.(*tg.Updates).Updates
	sid := us[0].(*tg.UpdateMessageID).ID
	if m := us[1].(*tg.UpdateNewScheduledMessage).Message.(*tg.Message); m.ID != sid || m.Date != at || m.Message != "later" {
		t.Fatalf("scheduled %#v", m)
	}
	if _, err := s.w.SendMessage(s.ka, s.toB, Draft{RandomID: 7, Text: "again", ScheduleDate: at}); !errors.Is(err, ErrRandomIDDuplicate) {
		t.Fatalf("same random id: %v", err)
	}
	if len(s.last(t, s.kb, s.toA, 10)) != 0 {
		t.Fatal("the receiver sees a scheduled message")
	}
	var re *RPCError
	if _, err := s.w.SendMessage(s.ka, s.toB, Draft{Text: "far", ScheduleDate: s.w.now() + 366*24*3600}); !errors.As(err, &re) || re.Message != "SCHEDULE_DATE_TOO_LATE" {
		t.Fatalf("a year and a day ahead: %v", err)
	}
	second, err := s.w.SendMessage(s.ka, s.toB, Draft{Text: "later still", ScheduleDate: at + 60})
	if err != nil {
		t.Fatal(err)
	}
	sid2 := second.(*tg.Updates).Updates[0].(*tg.UpdateMessageID).ID
	list, err := s.w.ScheduledMessages(s.ka, s.toB, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Messages) != 2 || list.Messages[0].(*tg.Message).ID != sid2 {
		t.Fatalf("scheduled list %v", list.Messages)
	}
	sent, err := s.w.SendScheduledNow(s.ka, s.toB, []int32{sid})
	if err != nil {
		t.Fatal(err)
	}
	sus := sent.(*tg.Updates).Updates
	del := sus[len(sus)-1].(*tg.UpdateDeleteScheduledMessages)
	if len(del.Messages) != 1 || del.Messages[0] != sid || len(del.SentMessages) != 1 {
		t.Fatalf("delete update %#v", del)
	}
	got := s.last(t, s.kb, s.toA, 1)
	if len(got) != 1 || got[0].Message != "later" || !got[0].FromScheduled {
		t.Fatalf("the receiver has %v", got)
	}
	if _, err := s.w.SendScheduledNow(s.ka, s.toB, []int32{sid}); !errors.Is(err, ErrMessageIDInvalid) {
		t.Fatalf("sending it twice: %v", err)
	}
	if _, err := s.w.DeleteScheduled(s.ka, s.toB, []int32{sid2, 999}); err != nil {
		t.Fatal(err)
	}
	if list, _ := s.w.ScheduledMessages(s.ka, s.toB, nil); len(list.Messages) != 0 {
		t.Fatalf("after deleting: %v", list.Messages)
	}
}

func TestDrafts(t *testing.T) {
	s := newSendWorld(t)
	other := KeyID{3}
	if err := s.w.Authorize(other, s.a.ID); err != nil {
		t.Fatal(err)
	}
	sub := s.w.Subscribe(other)
	defer sub.Close()
	if err := s.w.SaveDraft(s.ka, SavedDraft{Peer: s.toB, Text: "draft", ReplyTo: &tg.InputReplyToMessage{ReplyToMsgID: 5}}); err != nil {
		t.Fatal(err)
	}
	pushed := sub.Take()
	if len(pushed) != 1 {
		t.Fatalf("the other session got %d pushes", len(pushed))
	}
	if d := pushed[0].(*tg.Updates).Updates[0].(*tg.UpdateDraftMessage).Draft.(*tg.DraftMessage); d.Message != "draft" {
		t.Fatalf("pushed draft %#v", d)
	}
	if err := s.w.SaveDraft(s.ka, SavedDraft{Peer: &tg.InputPeerSelf{}, Text: "note"}); err != nil {
		t.Fatal(err)
	}
	all, err := s.w.AllDrafts(s.ka)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(all.(*tg.Updates).Updates); n != 2 {
		t.Fatalf("%d drafts, want 2", n)
	}
	if _, err := s.w.SendMessage(s.ka, s.toB, Draft{Text: "sent", ClearDraft: true}); err != nil {
		t.Fatal(err)
	}
	all, _ = s.w.AllDrafts(s.ka)
	if us := all.(*tg.Updates).Updates; len(us) != 1 || us[0].(*tg.UpdateDraftMessage).Draft.(*tg.DraftMessage).Message != "note" {
		t.Fatalf("after a send with clear_draft: %v", us)
	}
	if err := s.w.ClearAllDrafts(s.ka); err != nil {
		t.Fatal(err)
	}
	if all, _ = s.w.AllDrafts(s.ka); len(all.(*tg.Updates).Updates) != 0 {
		t.Fatal("drafts left after clearAllDrafts")
	}
	if err := s.w.SaveDraft(s.kb, SavedDraft{Peer: s.toA, Text: string(make([]rune, MaxMessageLength+1))}); !errors.Is(err, ErrMessageTooLong) {
		t.Fatalf("a long draft: %v", err)
	}
}

func TestSendExtraChecks(t *testing.T) {
	s := newSendWorld(t)
	ch, err := s.w.CreateChannel(s.a.ID, ChannelSpec{Title: "C"})
	if err != nil {
		t.Fatal(err)
	}
	group, err := s.w.CreateChannel(s.b.ID, ChannelSpec{Title: "G", Megagroup: true, Members: []int64{s.a.ID}})
	if err != nil {
		t.Fatal(err)
	}
	asCh := &tg.InputPeerChannel{ChannelID: ch.ID, AccessHash: s.w.accessHash(s.a.ID, PeerChannel, ch.ID)}
	inGroup := &tg.InputPeerChannel{ChannelID: group.ID, AccessHash: s.w.accessHash(s.a.ID, PeerChannel, group.ID)}
	tests := []struct {
		name string
		to   tg.InputPeerClass
		d    Draft
		err  string
	}{
		{"effect in a group", inGroup, Draft{Text: "x", Effect: 1}, "EFFECT_ID_INVALID"},
		{"quote without a reply", s.toB, Draft{Text: "x", Quote: "q"}, "QUOTE_TEXT_INVALID"},
		{"reply to another chat without an id", s.toB, Draft{Text: "x", ReplyToPeer: asCh}, "REPLY_MESSAGE_ID_INVALID"},
		{"send as a channel in a private chat", s.toB, Draft{Text: "x", SendAs: asCh}, "SEND_AS_PEER_INVALID"},
		{"send as a channel in a group", inGroup, Draft{Text: "x", SendAs: asCh}, ""},
		{"send as oneself", inGroup, Draft{Text: "x", SendAs: &tg.InputPeerSelf{}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.w.SendMessage(s.ka, tt.to, tt.d)
			if tt.err == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			var re *RPCError
			if !errors.As(err, &re) || re.Message != tt.err {
				t.Fatalf("error %v, want %s", err, tt.err)
			}
		})
	}
}

func TestSendDueScheduled(t *testing.T) {
	s := newSendWorld(t)
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	s.w.cfg.Now = func() time.Time { return now }
	for i, after := range []int32{60, 120, 3600} {
		if _, err := s.w.SendMessage(s.ka, s.toB, Draft{RandomID: int64(i + 1), Text: fmt.Sprint(after), ScheduleDate: s.w.now() + after}); err != nil {
			t.Fatal(err)
		}
	}
	if n := s.w.SendDueScheduled(); n != 0 {
		t.Fatalf("%d sent before their time", n)
	}
	now = now.Add(2 * time.Minute)
	if n := s.w.SendDueScheduled(); n != 2 {
		t.Fatalf("%d sent after two minutes, want 2", n)
	}
	got := s.last(t, s.kb, s.toA, 10)
	if len(got) != 2 || got[0].Message != "120" || got[1].Message != "60" || !got[0].FromScheduled {
		t.Fatalf("the receiver has %v", got)
	}
	if list, _ := s.w.ScheduledMessages(s.ka, s.toB, nil); len(list.Messages) != 1 {
		t.Fatalf("%d still scheduled, want 1", len(list.Messages))
	}
}

func TestSendFamilyBotRules(t *testing.T) {
	s := newSendWorld(t)
	bot, err := s.w.CreateBot(BotSpec{FirstName: "Bot", Username: "sendrules_bot"})
	if err != nil {
		t.Fatal(err)
	}
	kbot := KeyID{9}
	if err := s.w.Authorize(kbot, bot.ID); err != nil {
		t.Fatal(err)
	}
	toA := &tg.InputPeerUser{UserID: s.a.ID, AccessHash: s.w.accessHash(bot.ID, PeerUser, s.a.ID)}
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"schedule", func() error {
			_, err := s.w.SendMessage(kbot, toA, Draft{Text: "x", ScheduleDate: s.w.now() + 60})
			return err
		}(), "SCHEDULE_BOT_NOT_ALLOWED"},
		{"scheduled list", func() error { _, err := s.w.ScheduledMessages(kbot, toA, nil); return err }(), "BOT_METHOD_INVALID"},
		{"save draft", s.w.SaveDraft(kbot, SavedDraft{Peer: toA, Text: "x"}), "BOT_METHOD_INVALID"},
		{"all drafts", func() error { _, err := s.w.AllDrafts(kbot); return err }(), "BOT_METHOD_INVALID"},
		{"clear drafts", s.w.ClearAllDrafts(kbot), "BOT_METHOD_INVALID"},
	}
	for _, tt := range tests {
		var re *RPCError
		if !errors.As(tt.err, &re) || re.Message != tt.want {
			t.Errorf("%s: %v, want %s", tt.name, tt.err, tt.want)
		}
	}
}
