package types_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/media/fileid"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

var typesOpts = cmp.Options{cmp.AllowUnexported(types.File{}), cmpopts.IgnoreUnexported(types.Chat{}, types.ActionOther{}), cmpopts.EquateEmpty()}

var (
	ref     = []byte{7, 7, 7}
	tgPhoto = &tg.Photo{ID: 100, AccessHash: 101, FileReference: ref, Date: 1700000000, DCID: 2, Sizes: []tg.PhotoSizeClass{
		&tg.PhotoStrippedSize{Type: "i", Bytes: []byte{1}},
		&tg.PhotoSize{Type: "s", W: 90, H: 60, Size: 1000},
		&tg.PhotoSizeProgressive{Type: "y", W: 1280, H: 853, Sizes: []int32{10, 20, 90000}},
	}}
	thumb = &tg.PhotoSize{Type: "m", W: 320, H: 180, Size: 5000}
)

func document(mime string, attrs ...tg.DocumentAttributeClass) *tg.Document {
	return &tg.Document{ID: 200, AccessHash: 201, FileReference: ref, Date: 1700000001, MimeType: mime, Size: 12345, DCID: 4, Attributes: attrs}
}

// docBase is the Document part NewMessage should build for d as a file of type t.
func docBase(d *tg.Document, t fileid.Type, name string) types.Document {
	out := types.Document{
		File: types.NewFile(fileid.FromDocument(d, t), d.Size), ID: d.ID, FileName: name, MimeType: d.MimeType,
		Date: time.Unix(int64(d.Date), 0), Raw: d,
	}
	for _, s := range d.Thumbs {
		if s, ok := s.(*tg.PhotoSize); ok {
			out.Thumbs = append(out.Thumbs, types.Thumbnail{File: types.NewFile(fileid.FromDocumentThumb(d, s.Type), int64(s.Size)), Type: s.Type, Width: int(s.W), Height: int(s.H)})
		}
	}
	return out
}

func wantPhoto() *types.Photo {
	return &types.Photo{
		File: types.NewFile(fileid.FromPhoto(tgPhoto, "y"), 90000), ID: 100, Width: 1280, Height: 853,
		Date: time.Unix(1700000000, 0), Raw: tgPhoto,
		Sizes: []types.Thumbnail{
			{File: types.NewFile(fileid.FromPhoto(tgPhoto, "s"), 1000), Type: "s", Width: 90, Height: 60},
			{File: types.NewFile(fileid.FromPhoto(tgPhoto, "y"), 90000), Type: "y", Width: 1280, Height: 853},
		},
	}
}

func TestNewMessageMedia(t *testing.T) {
	channel := &tg.Channel{ID: 9, Title: "news", Broadcast: true, AccessHash: tl.Some[int64](3)}
	ents := types.NewEntities([]tg.UserClass{&tg.User{ID: 5, FirstName: tl.Some("Ann")}}, []tg.ChatClass{channel})
	chat := &types.Chat{ID: 5, Type: types.ChatPrivate, FirstName: "Ann"}

	video := document("video/mp4", &tg.DocumentAttributeVideo{Duration: 2.5, W: 640, H: 360, SupportsStreaming: true}, &tg.DocumentAttributeFilename{FileName: "v.mp4"})
	video.Thumbs = []tg.PhotoSizeClass{thumb}
	gif := document("video/mp4", &tg.DocumentAttributeVideo{Duration: 1, W: 100, H: 50}, &tg.DocumentAttributeAnimated{})
	audio := document("audio/mpeg", &tg.DocumentAttributeAudio{Duration: 180, Title: tl.Some("Song"), Performer: tl.Some("Band")})
	voice := document("audio/ogg", &tg.DocumentAttributeAudio{Voice: true, Duration: 3, Waveform: tl.Some([]byte{1, 2})})
	note := document("video/mp4", &tg.DocumentAttributeVideo{RoundMessage: true, Duration: 4, W: 240, H: 240})
	file := document("application/pdf", &tg.DocumentAttributeFilename{FileName: "a.pdf"})
	sticker := document("application/x-tgsticker", &tg.DocumentAttributeImageSize{W: 512, H: 512},
		&tg.DocumentAttributeSticker{Alt: "😀", Stickerset: &tg.InputStickerSetID{ID: 30, AccessHash: 31}})
	emoji := document("video/webm", &tg.DocumentAttributeCustomEmoji{Alt: "🔥", Free: true, Stickerset: &tg.InputStickerSetShortName{ShortName: "fire"}})
	webDoc := &tg.WebDocument{URL: "https://x.org/p.jpg", AccessHash: 40, Size: 70, MimeType: "image/jpeg"}
	poll := tg.Poll{ID: 50, Quiz: true, Question: tg.TextWithEntities{Text: "2+2?"}, Answers: []tg.PollAnswerClass{
		&tg.PollAnswer{Text: tg.TextWithEntities{Text: "4"}, Option: []byte{0}},
		&tg.PollAnswer{Text: tg.TextWithEntities{Text: "5"}, Option: []byte{1}},
	}, CloseDate: tl.Some(int32(1700000100))}
	results := tg.PollResults{TotalVoters: tl.Some(int32(3)), Solution: tl.Some("math"), Results: []tg.PollAnswerVoters{
		{Option: []byte{0}, Voters: tl.Some(int32(2)), Chosen: true, Correct: true}, {Option: []byte{1}, Voters: tl.Some(int32(1))},
	}}
	story := &tg.StoryItemDeleted{ID: 8}

	tests := []struct {
		name string
		in   tg.MessageMediaClass
		want types.Media
	}{
		{"none", nil, nil},
		{"empty", &tg.MessageMediaEmpty{}, nil},
		{"unsupported", &tg.MessageMediaUnsupported{}, nil},
		{"photo", &tg.MessageMediaPhoto{Photo: tgPhoto}, wantPhoto()},
		{"photo with spoiler and timer", &tg.MessageMediaPhoto{Photo: tgPhoto, Spoiler: true, TTLSeconds: tl.Some(int32(10))},
			func() types.Media { p := wantPhoto(); p.HasSpoiler, p.TTLSeconds = true, 10; return p }()},
		{"expired photo", &tg.MessageMediaPhoto{TTLSeconds: tl.Some(int32(10))}, &types.Photo{TTLSeconds: 10}},
		{"video", &tg.MessageMediaDocument{Document: video, Spoiler: true, VideoTimestamp: tl.Some(int32(7))}, &types.Video{
			Document: func() types.Document { d := docBase(video, fileid.TypeVideo, "v.mp4"); d.HasSpoiler = true; return d }(),
			Width:    640, Height: 360, Duration: 2500 * time.Millisecond, SupportsStreaming: true, StartTimestamp: 7 * time.Second}},
		{"animation", &tg.MessageMediaDocument{Document: gif}, &types.Animation{Document: docBase(gif, fileid.TypeAnimation, ""), Width: 100, Height: 50, Duration: time.Second}},
		{"audio", &tg.MessageMediaDocument{Document: audio}, &types.Audio{Document: docBase(audio, fileid.TypeAudio, ""), Duration: 3 * time.Minute, Performer: "Band", Title: "Song"}},
		{"voice", &tg.MessageMediaDocument{Document: voice, Voice: true}, &types.Voice{Document: docBase(voice, fileid.TypeVoice, ""), Duration: 3 * time.Second, Waveform: []byte{1, 2}}},
		{"video note", &tg.MessageMediaDocument{Document: note, Round: true, TTLSeconds: tl.Some(int32(5))}, &types.VideoNote{
			Document: func() types.Document { d := docBase(note, fileid.TypeVideoNote, ""); d.TTLSeconds = 5; return d }(), Length: 240, Duration: 4 * time.Second}},
		{"document", &tg.MessageMediaDocument{Document: file}, func() types.Media { d := docBase(file, fileid.TypeDocument, "a.pdf"); return &d }()},
		{"empty document", &tg.MessageMediaDocument{}, &types.Document{}},
		{"sticker", &tg.MessageMediaDocument{Document: sticker}, &types.Sticker{Document: docBase(sticker, fileid.TypeSticker, ""),
			Width: 512, Height: 512, Emoji: "😀", IsAnimated: true, SetID: 30, SetAccessHash: 31}},
		{"custom emoji", &tg.MessageMediaDocument{Document: emoji}, &types.Sticker{Document: docBase(emoji, fileid.TypeSticker, ""),
			Type: types.StickerCustomEmoji, Emoji: "🔥", IsVideo: true, SetName: "fire", CustomEmojiID: 200, FreeCustomEmoji: true}},
		{"contact", &tg.MessageMediaContact{PhoneNumber: "+1", FirstName: "A", LastName: "B", UserID: 5, Vcard: "v"},
			&types.Contact{PhoneNumber: "+1", FirstName: "A", LastName: "B", UserID: 5, VCard: "v"}},
		{"location", &tg.MessageMediaGeo{Geo: &tg.GeoPoint{Lat: 1.5, Long: 2.5, AccuracyRadius: tl.Some(int32(9))}},
			&types.Location{Latitude: 1.5, Longitude: 2.5, AccuracyRadius: 9}},
		{"live location", &tg.MessageMediaGeoLive{Geo: &tg.GeoPoint{Lat: 1, Long: 2}, Period: 60, Heading: tl.Some(int32(90)), ProximityNotificationRadius: tl.Some(int32(100))},
			&types.Location{Latitude: 1, Longitude: 2, LivePeriod: 60, Heading: 90, ProximityAlertRadius: 100}},
		{"venue", &tg.MessageMediaVenue{Geo: &tg.GeoPoint{Lat: 1, Long: 2}, Title: "T", Address: "A", Provider: "foursquare", VenueID: "id", VenueType: "food"},
			&types.Venue{Location: types.Location{Latitude: 1, Longitude: 2}, Title: "T", Address: "A", Provider: "foursquare", ID: "id", Type: "food"}},
		{"poll", &tg.MessageMediaPoll{Poll: poll, Results: results}, &types.Poll{ID: 50, Chat: chat, MessageID: 1, Poll: &poll, Results: results,
			PollInfo: types.PollInfo{Question: "2+2?", IsAnonymous: true, IsQuiz: true, TotalVoters: 3, CorrectOption: 0, Explanation: "math",
				CloseDate: time.Unix(1700000100, 0), Options: []types.PollOption{
					{Text: "4", Data: []byte{0}, VoterCount: 2, Chosen: true, Correct: true}, {Text: "5", Data: []byte{1}, VoterCount: 1}}}}},
		{"dice", &tg.MessageMediaDice{Emoticon: "🎲", Value: 4}, &types.Dice{Emoji: "🎲", Value: 4}},
		{"game", &tg.MessageMediaGame{Game: tg.Game{ID: 60, ShortName: "g", Title: "Game", Description: "fun", Photo: tgPhoto, Document: gif}},
			&types.Game{ID: 60, ShortName: "g", Title: "Game", About: "fun", Photo: wantPhoto(),
				Animation: &types.Animation{Document: docBase(gif, fileid.TypeAnimation, ""), Width: 100, Height: 50, Duration: time.Second}}},
		{"invoice", &tg.MessageMediaInvoice{Title: "T", Description: "D", Currency: "USD", TotalAmount: 500, StartParam: "p", Test: true,
			Photo: webDoc, ExtendedMedia: &tg.MessageExtendedMediaPreview{W: tl.Some(int32(10)), H: tl.Some(int32(20))}},
			&types.Invoice{Title: "T", Description: "D", Currency: "USD", TotalAmount: 500, StartParameter: "p", Test: true,
				Photo:         &types.WebFile{File: types.NewFile(fileid.FromWeb(fileid.TypePhoto, webDoc.URL, 40), 70), URL: webDoc.URL, MimeType: "image/jpeg"},
				ExtendedMedia: &types.PaidMediaPreview{Width: 10, Height: 20}}},
		{"giveaway", &tg.MessageMediaGiveaway{Channels: []int64{9}, Quantity: 3, Months: tl.Some(int32(6)), UntilDate: 1700000200, CountriesIso2: []string{"DE"}},
			&types.Giveaway{Channels: []*types.Chat{{ID: -1000000000009, Type: types.ChatChannel, Title: "news", AccessHash: 3, Raw: channel}},
				Quantity: 3, Months: 6, UntilDate: time.Unix(1700000200, 0), Countries: []string{"DE"}}},
		{"giveaway results", &tg.MessageMediaGiveawayResults{ChannelID: 9, LaunchMsgID: 4, WinnersCount: 2, Winners: []int64{5}, Stars: tl.Some[int64](100), UntilDate: 1700000200},
			&types.GiveawayWinners{Chat: &types.Chat{ID: -1000000000009, Type: types.ChatChannel, Title: "news", AccessHash: 3, Raw: channel},
				GiveawayMessageID: 4, WinnerCount: 2, Winners: []int64{5}, Stars: 100, UntilDate: time.Unix(1700000200, 0)}},
		{"web page", &tg.MessageMediaWebPage{ForceLargeMedia: true, Webpage: &tg.WebPage{ID: 70, URL: "https://x.org", DisplayURL: "x.org",
			Type: tl.Some("article"), Title: tl.Some("X"), Duration: tl.Some(int32(2)), Photo: tgPhoto}},
			&types.WebPage{ID: 70, URL: "https://x.org", DisplayURL: "x.org", Type: "article", Title: "X", Duration: 2 * time.Second,
				Photo: wantPhoto(), ForceLargeMedia: true, Raw: &tg.WebPage{ID: 70, URL: "https://x.org", DisplayURL: "x.org",
					Type: tl.Some("article"), Title: tl.Some("X"), Duration: tl.Some(int32(2)), Photo: tgPhoto}}},
		{"pending web page", &tg.MessageMediaWebPage{Webpage: &tg.WebPagePending{ID: 71, URL: tl.Some("https://y.org")}},
			&types.WebPage{ID: 71, URL: "https://y.org", Pending: true, Raw: &tg.WebPagePending{ID: 71, URL: tl.Some("https://y.org")}}},
		{"story", &tg.MessageMediaStory{Peer: &tg.PeerUser{UserID: 5}, ID: 8, Story: story, ViaMention: true},
			&types.Story{Chat: chat, ID: 8, Story: story, ViaMention: true}},
		{"paid media", &tg.MessageMediaPaidMedia{StarsAmount: 25, ExtendedMedia: []tg.MessageExtendedMediaClass{
			&tg.MessageExtendedMediaPreview{VideoDuration: tl.Some(int32(3))},
			&tg.MessageExtendedMedia{Media: &tg.MessageMediaPhoto{Photo: tgPhoto}},
		}}, &types.PaidMedia{StarsAmount: 25, Media: []types.Media{&types.PaidMediaPreview{Duration: 3 * time.Second}, wantPhoto()}}},
		{"other", &tg.MessageMediaToDo{}, &types.OtherMedia{Raw: &tg.MessageMediaToDo{}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := types.NewMessage(nil, &tg.Message{ID: 1, PeerID: &tg.PeerUser{UserID: 5}, Media: tt.in}, ents)
			if diff := cmp.Diff(tt.want, m.Media, typesOpts); diff != "" {
				t.Fatalf("media (-want +got):\n%s", diff)
			}
			want := types.KindNone
			if tt.want != nil {
				want = tt.want.Kind()
			}
			if k := m.MediaKind(); k != want {
				t.Fatalf("MediaKind = %v, want %v", k, want)
			}
			if m.RawMedia() != tt.in {
				t.Fatalf("RawMedia = %v", m.RawMedia())
			}
		})
	}
}

// TestMediaFileIDs checks the ids media carry against the fixtures' format: they decode to
// the file's data center, type, id, access hash and reference, and to its unique id.
func TestMediaFileIDs(t *testing.T) {
	m := types.NewMessage(nil, &tg.Message{ID: 1, PeerID: &tg.PeerUser{UserID: 5}, Media: &tg.MessageMediaPhoto{Photo: tgPhoto}}, types.Entities{})
	p := m.Media.(*types.Photo)
	loc, err := fileid.Decode(p.FileID())
	if err != nil {
		t.Fatal(err)
	}
	want := fileid.Location{Type: fileid.TypePhoto, DC: 2, FileReference: ref, ID: 100, AccessHash: 101,
		Source: fileid.PhotoSource{Kind: fileid.SourceThumbnail, FileType: fileid.TypePhoto, ThumbSize: 'y'}}
	if diff := cmp.Diff(want, loc); diff != "" {
		t.Fatalf("photo file id (-want +got):\n%s", diff)
	}
	if u, err := fileid.DecodeUnique(p.FileUniqueID()); err != nil || u.ID != 100 || u.SubType != 'y'+5 {
		t.Fatalf("unique id %+v, %v", u, err)
	}
	if p.DC() != 2 || p.Sizes[0].FileID() == p.FileID() {
		t.Fatalf("DC %d, small size id %q", p.DC(), p.Sizes[0].FileID())
	}
	ml, err := p.MediaLocation()
	if err != nil || ml.DC != 2 || ml.Size != 90000 {
		t.Fatalf("MediaLocation = %+v, %v", ml, err)
	}

	d := types.NewDocumentMedia(document("audio/ogg", &tg.DocumentAttributeAudio{Voice: true}))
	f := types.FileOf(d)
	if loc, err := fileid.Decode(f.FileID()); err != nil || loc.Type != fileid.TypeVoice || loc.DC != 4 || loc.ID != 200 {
		t.Fatalf("voice file id %+v, %v", loc, err)
	}
	var none types.File
	if none.FileID() != "" || none.FileUniqueID() != "" || none.HasFile() || none.DC() != 0 {
		t.Fatal("empty File has an id")
	}
	if _, err := none.MediaLocation(); err == nil {
		t.Fatal("empty File has a location")
	}
	if types.FileOf(&types.Dice{}) != nil || types.FileOf(&types.Invoice{}) != nil {
		t.Fatal("FileOf of media without a file")
	}
}

func TestForwardOrigin(t *testing.T) {
	channel := &tg.Channel{ID: 9, Title: "news", Broadcast: true}
	ents := types.NewEntities([]tg.UserClass{&tg.User{ID: 5, FirstName: tl.Some("Ann")}}, []tg.ChatClass{channel})
	news := &types.Chat{ID: -1000000000009, Type: types.ChatChannel, Title: "news", Raw: channel}
	tests := []struct {
		name string
		in   *tg.MessageFwdHeader
		want *types.ForwardOrigin
	}{
		{"none", nil, nil},
		{"user", &tg.MessageFwdHeader{FromID: &tg.PeerUser{UserID: 5}, Date: 10},
			&types.ForwardOrigin{Type: types.OriginUser, Date: time.Unix(10, 0), SenderUser: &types.User{ID: 5, FirstName: "Ann"}}},
		{"hidden user", &tg.MessageFwdHeader{FromName: tl.Some("Ghost"), Date: 10},
			&types.ForwardOrigin{Type: types.OriginHiddenUser, Date: time.Unix(10, 0), SenderUserName: "Ghost"}},
		{"chat", &tg.MessageFwdHeader{FromID: &tg.PeerChat{ChatID: 3}, PostAuthor: tl.Some("admin"), Date: 10},
			&types.ForwardOrigin{Type: types.OriginChat, Date: time.Unix(10, 0), SenderChat: &types.Chat{ID: -3, Type: types.ChatGroup}, AuthorSignature: "admin"}},
		{"channel", &tg.MessageFwdHeader{FromID: &tg.PeerChannel{ChannelID: 9}, ChannelPost: tl.Some(int32(44)), PostAuthor: tl.Some("Bob"), Date: 10,
			SavedFromPeer: &tg.PeerUser{UserID: 5}, SavedFromMsgID: tl.Some(int32(3)), PsaType: tl.Some("psa"), Imported: true},
			&types.ForwardOrigin{Type: types.OriginChannel, Date: time.Unix(10, 0), Chat: news, MessageID: 44, AuthorSignature: "Bob",
				SavedFromChat: &types.Chat{ID: 5, Type: types.ChatPrivate, FirstName: "Ann"}, SavedFromMessageID: 3, PSAType: "psa", Imported: true}},
		{"channel signing in a group", &tg.MessageFwdHeader{FromID: &tg.PeerChannel{ChannelID: 9}, Date: 10},
			&types.ForwardOrigin{Type: types.OriginChat, Date: time.Unix(10, 0), SenderChat: news}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := types.NewMessage(nil, &tg.Message{ID: 1, PeerID: &tg.PeerUser{UserID: 5}, FwdFrom: tt.in}, ents)
			if diff := cmp.Diff(tt.want, m.Forward, typesOpts, cmpopts.IgnoreFields(types.ForwardOrigin{}, "Raw"), cmpopts.IgnoreFields(types.User{}, "Raw")); diff != "" {
				t.Fatalf("(-want +got):\n%s", diff)
			}
		})
	}
	if types.OriginChannel.String() != "channel" || types.OriginType(9).String() != "unknown" {
		t.Fatal("OriginType names")
	}
}

func TestReplyTo(t *testing.T) {
	ents := types.NewEntities([]tg.UserClass{&tg.User{ID: 5, FirstName: tl.Some("Ann")}}, nil)
	tests := []struct {
		name       string
		in         tg.MessageReplyHeaderClass
		want       *types.ReplyTo
		id, thread int
	}{
		{"none", nil, nil, 0, 0},
		{"message", &tg.MessageReplyHeader{ReplyToMsgID: tl.Some(int32(4))}, &types.ReplyTo{MessageID: 4}, 4, 0},
		{"quote in a topic", &tg.MessageReplyHeader{ReplyToMsgID: tl.Some(int32(4)), ReplyToTopID: tl.Some(int32(2)), ForumTopic: true,
			Quote: true, QuoteText: tl.Some("hi"), QuoteOffset: tl.Some(int32(3))},
			&types.ReplyTo{MessageID: 4, TopMessageID: 2, ForumTopic: true, IsQuote: true, Quote: "hi", QuotePosition: 3}, 4, 2},
		{"other chat", &tg.MessageReplyHeader{ReplyToMsgID: tl.Some(int32(4)), ReplyToPeerID: &tg.PeerChat{ChatID: 3},
			ReplyFrom: &tg.MessageFwdHeader{FromID: &tg.PeerUser{UserID: 5}, Date: 10}, ReplyMedia: &tg.MessageMediaDice{Emoticon: "🎲", Value: 2}},
			&types.ReplyTo{MessageID: 4, Chat: &types.Chat{ID: -3, Type: types.ChatGroup},
				Origin: &types.ForwardOrigin{Type: types.OriginUser, Date: time.Unix(10, 0), SenderUser: &types.User{ID: 5, FirstName: "Ann"}},
				Media:  &types.Dice{Emoji: "🎲", Value: 2}}, 4, 0},
		{"story", &tg.MessageReplyStoryHeader{Peer: &tg.PeerUser{UserID: 5}, StoryID: 6},
			&types.ReplyTo{StoryChat: &types.Chat{ID: 5, Type: types.ChatPrivate, FirstName: "Ann"}, StoryID: 6}, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := types.NewMessage(nil, &tg.Message{ID: 1, PeerID: &tg.PeerUser{UserID: 5}, ReplyTo: tt.in}, ents)
			ignore := cmp.Options{cmpopts.IgnoreFields(types.ReplyTo{}, "Raw"), cmpopts.IgnoreFields(types.ForwardOrigin{}, "Raw"), cmpopts.IgnoreFields(types.User{}, "Raw")}
			if diff := cmp.Diff(tt.want, m.ReplyTo, typesOpts, ignore); diff != "" {
				t.Fatalf("(-want +got):\n%s", diff)
			}
			if m.ReplyToMessageID != tt.id || m.TopicID != tt.thread {
				t.Fatalf("ReplyToMessageID %d TopicID %d", m.ReplyToMessageID, m.TopicID)
			}
		})
	}
}

func TestServiceActions(t *testing.T) {
	ents := types.NewEntities([]tg.UserClass{&tg.User{ID: 5, FirstName: tl.Some("Ann")}}, nil)
	ann := &types.User{ID: 5, FirstName: "Ann"}
	gift := &tg.MessageActionGiftPremium{Currency: "USD"}
	signUp := &tg.MessageActionContactSignUp{}
	tests := []struct {
		name string
		in   tg.MessageActionClass
		want types.ServiceAction
		kind types.ServiceKind
	}{
		{"add", &tg.MessageActionChatAddUser{Users: []int64{5, 6}}, &types.ActionNewMembers{Users: []*types.User{ann, {ID: 6}}}, types.ServiceNewMembers},
		{"by link", &tg.MessageActionChatJoinedByLink{InviterID: 7}, &types.ActionNewMembers{Users: []*types.User{ann}, ByLink: true, InviterID: 7}, types.ServiceNewMembers},
		{"by request", &tg.MessageActionChatJoinedByRequest{}, &types.ActionNewMembers{Users: []*types.User{ann}, ByRequest: true}, types.ServiceNewMembers},
		{"left", &tg.MessageActionChatDeleteUser{UserID: 5}, &types.ActionLeftMember{User: ann}, types.ServiceLeftMember},
		{"title", &tg.MessageActionChatEditTitle{Title: "t"}, &types.ActionNewTitle{Title: "t"}, types.ServiceNewTitle},
		{"photo", &tg.MessageActionChatEditPhoto{Photo: tgPhoto}, &types.ActionNewPhoto{Photo: wantPhoto()}, types.ServiceNewPhoto},
		{"delete photo", &tg.MessageActionChatDeletePhoto{}, &types.ActionDeletePhoto{}, types.ServiceDeletePhoto},
		{"group created", &tg.MessageActionChatCreate{Title: "g", Users: []int64{5}}, &types.ActionGroupCreated{Title: "g", UserIDs: []int64{5}}, types.ServiceChatCreated},
		{"channel created", &tg.MessageActionChannelCreate{Title: "c"}, &types.ActionChannelCreated{Title: "c"}, types.ServiceChatCreated},
		{"migrate to", &tg.MessageActionChatMigrateTo{ChannelID: 9}, &types.ActionMigrateTo{ChatID: -1000000000009}, types.ServiceMigrate},
		{"migrate from", &tg.MessageActionChannelMigrateFrom{Title: "g", ChatID: 3}, &types.ActionMigrateFrom{Title: "g", ChatID: -3}, types.ServiceMigrate},
		{"pinned", &tg.MessageActionPinMessage{}, &types.ActionPinned{MessageID: 4}, types.ServicePinned},
		{"history cleared", &tg.MessageActionHistoryClear{}, &types.ActionHistoryCleared{}, types.ServiceHistoryCleared},
		{"game score", &tg.MessageActionGameScore{GameID: 1, Score: 99}, &types.ActionGameScore{GameID: 1, Score: 99}, types.ServiceGameScore},
		{"payment to the bot", &tg.MessageActionPaymentSentMe{Currency: "EUR", TotalAmount: 100, Payload: []byte("p"),
			ShippingOptionID: tl.Some("s"), Charge: tg.PaymentCharge{ID: "t", ProviderChargeID: "pr"}, RecurringInit: true},
			&types.ActionPayment{Incoming: true, Currency: "EUR", TotalAmount: 100, InvoicePayload: []byte("p"), ShippingOptionID: "s",
				TelegramChargeID: "t", ProviderChargeID: "pr", RecurringInit: true}, types.ServicePayment},
		{"payment sent", &tg.MessageActionPaymentSent{Currency: "EUR", TotalAmount: 100, InvoiceSlug: tl.Some("slug")},
			&types.ActionPayment{Currency: "EUR", TotalAmount: 100, InvoiceSlug: "slug"}, types.ServicePayment},
		{"refund", &tg.MessageActionPaymentRefunded{Peer: &tg.PeerUser{UserID: 5}, Currency: "EUR", TotalAmount: 100, Charge: tg.PaymentCharge{ID: "t"}},
			&types.ActionPaymentRefunded{Chat: &types.Chat{ID: 5, Type: types.ChatPrivate, FirstName: "Ann"}, Currency: "EUR", TotalAmount: 100, TelegramChargeID: "t"}, types.ServicePayment},
		{"call", &tg.MessageActionPhoneCall{CallID: 1, Video: true, Duration: tl.Some(int32(60)), Reason: &tg.PhoneCallDiscardReasonHangup{}},
			&types.ActionPhoneCall{CallID: 1, Video: true, Duration: time.Minute, Reason: "hangup"}, types.ServicePhoneCall},
		{"missed call", &tg.MessageActionPhoneCall{CallID: 2, Reason: &tg.PhoneCallDiscardReasonMissed{}}, &types.ActionPhoneCall{CallID: 2, Reason: "missed"}, types.ServicePhoneCall},
		{"screenshot", &tg.MessageActionScreenshotTaken{}, &types.ActionScreenshot{}, types.ServiceScreenshot},
		{"video chat started", &tg.MessageActionGroupCall{}, &types.ActionVideoChatStarted{}, types.ServiceVideoChat},
		{"video chat ended", &tg.MessageActionGroupCall{Duration: tl.Some(int32(5))}, &types.ActionVideoChatEnded{Duration: 5 * time.Second}, types.ServiceVideoChat},
		{"video chat scheduled", &tg.MessageActionGroupCallScheduled{ScheduleDate: 10}, &types.ActionVideoChatScheduled{StartDate: time.Unix(10, 0)}, types.ServiceVideoChat},
		{"video chat invite", &tg.MessageActionInviteToGroupCall{Users: []int64{5}}, &types.ActionVideoChatInvited{UserIDs: []int64{5}}, types.ServiceVideoChat},
		{"topic created", &tg.MessageActionTopicCreate{Title: "t", IconColor: 7, IconEmojiID: tl.Some[int64](8)}, &types.ActionTopicCreated{Title: "t", IconColor: 7, IconEmojiID: 8}, types.ServiceTopic},
		{"topic closed", &tg.MessageActionTopicEdit{Closed: tl.Some(true)}, &types.ActionTopicEdited{Closed: true}, types.ServiceTopic},
		{"topic renamed and shown", &tg.MessageActionTopicEdit{Title: tl.Some("n"), Hidden: tl.Some(false), IconEmojiID: tl.Some[int64](0)},
			&types.ActionTopicEdited{Title: "n", Unhidden: true, IconChanged: true}, types.ServiceTopic},
		{"timer", &tg.MessageActionSetMessagesTTL{Period: 86400}, &types.ActionAutoDeleteTimer{Period: 24 * time.Hour}, types.ServiceTTL},
		{"boost", &tg.MessageActionBoostApply{Boosts: 2}, &types.ActionBoost{Boosts: 2}, types.ServiceBoost},
		{"gift", gift, &types.ActionOther{Raw: gift}, types.ServiceGift},
		{"other", signUp, &types.ActionOther{Raw: signUp}, types.ServiceOtherKind},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := types.NewMessage(nil, &tg.MessageService{ID: 9, PeerID: &tg.PeerChat{ChatID: 3}, FromID: &tg.PeerUser{UserID: 5}, Action: tt.in,
				ReplyTo: &tg.MessageReplyHeader{ReplyToMsgID: tl.Some(int32(4))}}, ents)
			if diff := cmp.Diff(tt.want, m.Action, typesOpts, cmpopts.IgnoreFields(types.User{}, "Raw")); diff != "" {
				t.Fatalf("(-want +got):\n%s", diff)
			}
			if k := m.Service(); k != tt.kind {
				t.Fatalf("Service = %v, want %v", k, tt.kind)
			}
		})
	}
}

func TestMessageExtras(t *testing.T) {
	ents := types.NewEntities([]tg.UserClass{&tg.User{ID: 8, FirstName: tl.Some("Bot"), Bot: true}}, nil)
	m := types.NewMessage(nil, &tg.Message{
		ID: 1, PeerID: &tg.PeerChannel{ChannelID: 9}, Post: true, Views: tl.Some(int32(100)), Forwards: tl.Some(int32(3)),
		ViaBotID: tl.Some[int64](8), PostAuthor: tl.Some("Ann"), Effect: tl.Some[int64](77), Noforwards: true, Silent: true, Pinned: true,
		InvertMedia: true, EditHide: true, FromScheduled: true, TTLPeriod: tl.Some(int32(60)), FromBoostsApplied: tl.Some(int32(2)),
		Reactions: &tg.MessageReactions{Results: []tg.ReactionCount{
			{Reaction: &tg.ReactionEmoji{Emoticon: "👍"}, Count: 5, ChosenOrder: tl.Some(int32(0))},
			{Reaction: &tg.ReactionCustomEmoji{DocumentID: 42}, Count: 2},
			{Reaction: &tg.ReactionPaid{}, Count: 1},
		}},
	}, ents)
	want := &types.Reactions{Counts: []types.ReactionCount{{Emoji: "👍", Count: 5, Chosen: true}, {CustomEmojiID: 42, Count: 2}, {Paid: true, Count: 1}}}
	if diff := cmp.Diff(want, m.Reactions, cmpopts.IgnoreFields(types.Reactions{}, "Raw")); diff != "" {
		t.Fatalf("reactions (-want +got):\n%s", diff)
	}
	if m.Views != 100 || m.Forwards != 3 || m.ViaBot == nil || m.ViaBot.FirstName != "Bot" || m.AuthorSignature != "Ann" ||
		m.EffectID != 77 || !m.HasProtectedContent || !m.Silent || !m.Pinned || !m.ShowCaptionAboveMedia || !m.EditHidden ||
		!m.FromScheduled || m.TTLPeriod != time.Minute || m.SenderBoostCount != 2 || m.Forward != nil || m.ReplyTo != nil {
		t.Fatalf("message %+v", m)
	}
	plain := types.NewMessage(nil, &tg.Message{ID: 2, PeerID: &tg.PeerUser{UserID: 8}, Message: "hi"}, ents)
	if plain.Reactions != nil || plain.ViaBot != nil || plain.Media != nil || plain.Action != nil {
		t.Fatalf("plain message %+v", plain)
	}
}

// BenchmarkNewMessage measures building typed messages: text, reply with a forward header,
// photo, and document (file ids are made on demand, not here).
func BenchmarkNewMessage(b *testing.B) {
	ents := types.NewEntities([]tg.UserClass{&tg.User{ID: 5, FirstName: tl.Some("Ann")}}, nil)
	video := document("video/mp4", &tg.DocumentAttributeVideo{Duration: 2, W: 640, H: 360}, &tg.DocumentAttributeFilename{FileName: "v.mp4"})
	video.Thumbs = []tg.PhotoSizeClass{thumb}
	cases := []struct {
		name string
		m    *tg.Message
	}{
		{"text", &tg.Message{ID: 1, PeerID: &tg.PeerUser{UserID: 5}, Message: "hello", Date: 1}},
		{"reply+forward", &tg.Message{ID: 1, PeerID: &tg.PeerUser{UserID: 5}, Message: "hello",
			ReplyTo: &tg.MessageReplyHeader{ReplyToMsgID: tl.Some(int32(3))}, FwdFrom: &tg.MessageFwdHeader{FromID: &tg.PeerUser{UserID: 5}}}},
		{"photo", &tg.Message{ID: 1, PeerID: &tg.PeerUser{UserID: 5}, Media: &tg.MessageMediaPhoto{Photo: tgPhoto}}},
		{"video", &tg.Message{ID: 1, PeerID: &tg.PeerUser{UserID: 5}, Media: &tg.MessageMediaDocument{Document: video}}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = types.NewMessage(nil, c.m, ents)
			}
		})
	}
	b.Run("photo+FileID", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			m := types.NewMessage(nil, cases[2].m, ents)
			_ = m.Media.(*types.Photo).FileID()
		}
	})
}

func TestChatPhoto(t *testing.T) {
	u := types.NewUser(&tg.User{ID: 5, AccessHash: tl.Some[int64](6), Photo: &tg.UserProfilePhoto{PhotoID: 7, DCID: 2, HasVideo: true}})
	cp := u.ChatPhoto()
	if cp == nil || cp.PhotoID != 7 || cp.DC != 2 || !cp.HasVideo {
		t.Fatalf("user photo %+v", cp)
	}
	loc, err := fileid.Decode(cp.Big.FileID())
	want := fileid.Location{Type: fileid.TypeProfilePhoto, DC: 2, ID: 7,
		Source: fileid.PhotoSource{Kind: fileid.SourceChatPhotoBig, ChatID: 5, ChatAccessHash: 6}}
	if diff := cmp.Diff(want, loc); err != nil || diff != "" {
		t.Fatalf("big photo id (-want +got):\n%s %v", diff, err)
	}
	if cp.Small.FileUniqueID() == cp.Big.FileUniqueID() || cp.Small.FileID() == cp.Big.FileID() {
		t.Fatal("small and big ids are equal")
	}
	ch := types.NewChat(&tg.Channel{ID: 9, AccessHash: tl.Some[int64](3), Photo: &tg.ChatPhoto{PhotoID: 8, DCID: 4}})
	ml, err := ch.ChatPhoto().Small.MediaLocation()
	if err != nil {
		t.Fatal(err)
	}
	wantIn := &tg.InputPeerPhotoFileLocation{Peer: &tg.InputPeerChannel{ChannelID: 9, AccessHash: 3}, PhotoID: 8}
	if diff := cmp.Diff(tg.InputFileLocationClass(wantIn), ml.Input); diff != "" || ml.DC != 4 {
		t.Fatalf("channel photo location (-want +got):\n%s", diff)
	}
	if types.NewUser(&tg.User{ID: 1}).ChatPhoto() != nil || types.NewChat(&tg.Chat{ID: 2, Photo: &tg.ChatPhotoEmpty{}}).ChatPhoto() != nil {
		t.Fatal("photo without a photo")
	}
}
