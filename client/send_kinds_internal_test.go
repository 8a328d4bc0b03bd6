package mtgo

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mtgo-labs/mtgo/client/option"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// TestSendInputValidation checks that bad arguments fail with a clear error before anything
// reaches the network (the client here has no connection: any call would fail otherwise).
func TestSendInputValidation(t *testing.T) {
	c := &Client{}
	ctx := context.Background()
	photos := func(n int) []types.AlbumItem {
		items := make([]types.AlbumItem, n)
		for i := range items {
			items[i] = types.AlbumItem{Kind: types.KindPhoto, Media: []byte("p")}
		}
		return items
	}
	call := func(f func() (any, error)) func() error {
		return func() error { _, err := f(); return err }
	}
	tests := []struct {
		name string
		err  func() error
		want error
		text string // in the message
	}{
		{"album of 1", call(func() (any, error) { return c.SendMediaGroup(ctx, "me", photos(1)) }), ErrAlbumSize, "got 1"},
		{"album of 11", call(func() (any, error) { return c.SendMediaGroup(ctx, "me", photos(11)) }), ErrAlbumSize, "got 11"},
		{"album mixing photos and documents", call(func() (any, error) {
			return c.SendMediaGroup(ctx, "me", []types.AlbumItem{{Kind: types.KindPhoto}, {Kind: types.KindDocument}})
		}), ErrAlbumKind, "item 1 is a document"},
		{"album of voice messages", call(func() (any, error) {
			return c.SendMediaGroup(ctx, "me", []types.AlbumItem{{Kind: types.KindVoice}, {Kind: types.KindVoice}})
		}), ErrAlbumKind, "item 0"},
		{"reader without size", call(func() (any, error) {
			return c.mediaOf(ctx, types.KindDocument, io.MultiReader(strings.NewReader("x")), option.Media{})
		}), ErrMediaNoSize, "wrap it in types.InputFile"},
		{"URL without host", call(func() (any, error) { return c.mediaOf(ctx, types.KindPhoto, "https:///a.jpg", option.Media{}) }), ErrMediaURL, "host"},
		{"URL of another scheme", call(func() (any, error) { return c.mediaOf(ctx, types.KindPhoto, "ftp://example.com/a.jpg", option.Media{}) }), ErrMediaURL, `"ftp"`},
		{"URL that does not parse", call(func() (any, error) { return c.mediaOf(ctx, types.KindPhoto, "http://exa mple.com/%zz", option.Media{}) }), ErrMediaURL, ""},
		{"file id that is garbage", call(func() (any, error) {
			return c.mediaOf(ctx, types.KindPhoto, types.FileID("not a file id"), option.Media{})
		}), nil, "file id"},
		{"nil media", call(func() (any, error) { return c.mediaOf(ctx, types.KindPhoto, nil, option.Media{}) }), ErrMediaArgument, ""},
		{"latitude out of range", call(func() (any, error) { return c.SendLocation(ctx, "me", 91, 0) }), ErrLocation, ""},
		{"longitude not a number", call(func() (any, error) { return c.SendVenue(ctx, "me", 0, math.NaN(), "t", "a") }), ErrLocation, ""},
		{"live period too short", call(func() (any, error) { return c.SendLiveLocation(ctx, "me", 0, 0, time.Second) }), ErrLivePeriod, ""},
		{"heading 400", call(func() (any, error) { return c.SendLiveLocation(ctx, "me", 0, 0, time.Hour, WithHeading(400)) }), ErrLocation, "heading 400"},
		{"proximity alert too far", call(func() (any, error) {
			return c.EditMessageLiveLocation(ctx, "me", 1, 0, 0, WithProximityAlert(200000))
		}), ErrLocation, "proximity"},
		{"venue without address", call(func() (any, error) { return c.SendVenue(ctx, "me", 0, 0, "t", "") }), ErrEmptyField, ""},
		{"contact without phone", call(func() (any, error) { return c.SendContact(ctx, "me", "", "A", "", "") }), ErrEmptyField, ""},
		{"poll with one answer", call(func() (any, error) { return c.SendPoll(ctx, "me", "q", []string{"a"}) }), ErrPoll, "1 answers"},
		{"poll with 13 answers", call(func() (any, error) { return c.SendPoll(ctx, "me", "q", make([]string, 13)) }), ErrPoll, "13 answers"},
		{"poll without question", call(func() (any, error) { return c.SendPoll(ctx, "me", "", []string{"a", "b"}) }), ErrPoll, "question"},
		{"poll with an empty answer", call(func() (any, error) { return c.SendPoll(ctx, "me", "q", []string{"a", ""}) }), ErrPoll, "answer 1"},
		{"quiz without a valid answer", call(func() (any, error) {
			return c.SendPoll(ctx, "me", "q", []string{"a", "b"}, WithQuiz(2, ""))
		}), ErrPoll, "right answer 2"},
		{"quiz with several answers", call(func() (any, error) {
			return c.SendPoll(ctx, "me", "q", []string{"a", "b"}, WithQuiz(0, ""), WithMultipleAnswers())
		}), ErrPoll, "one right answer"},
		{"poll open 1s", call(func() (any, error) {
			return c.SendPoll(ctx, "me", "q", []string{"a", "b"}, WithOpenPeriod(time.Second))
		}), ErrPoll, "open period"},
		{"location with a caption", call(func() (any, error) { return c.SendDice(ctx, "me", "", WithCaption("x")) }), ErrMediaNoCaption, "dice"},
		{"vote for nothing", call(func() (any, error) { return c.VotePoll(ctx, "me", 1) }), ErrPollOption, ""},
		{"scheduled call without ids", func() error { return c.DeleteScheduledMessages(ctx, "me") }, ErrNoMessageIDs, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.err()
			if err == nil {
				t.Fatal("no error")
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Fatalf("error %v, want %v", err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.text) {
				t.Fatalf("error %q does not say %q", err, tt.text)
			}
		})
	}
}

func TestReaderSize(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(path, []byte("0123456789"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	if _, err := f.Seek(4, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	br := bytes.NewReader([]byte("abc"))
	_, _ = br.ReadByte()
	tests := []struct {
		name string
		r    io.Reader
		size int64
		ok   bool
	}{
		{"bytes reader, partly read", br, 2, true},
		{"strings reader", strings.NewReader("abcd"), 4, true},
		{"bytes buffer", bytes.NewBufferString("abcde"), 5, true},
		{"file after a seek", f, 6, true},
		{"pipe", io.MultiReader(), 0, false},
	}
	for _, tt := range tests {
		size, ok := readerSize(tt.r)
		if size != tt.size || ok != tt.ok {
			t.Errorf("%s: %d, %v; want %d, %v", tt.name, size, ok, tt.size, tt.ok)
		}
	}
}

func TestMediaOptionsShapeTheUpload(t *testing.T) {
	file := &tg.InputFile{ID: 1, Parts: 1, Name: "f"}
	thumb := &tg.InputFile{ID: 2, Parts: 1, Name: "t.jpg"}
	mo := option.Media{
		Spoiler: true, TTL: 30 * time.Second, Duration: 90 * time.Second, Width: 640, Height: 360,
		FileName: "clip.mp4", MimeType: "video/webm",
	}
	got, err := uploadedMediaWith(types.KindVideo, file, "orig.mp4", mo, thumb)
	if err != nil {
		t.Fatal(err)
	}
	want := &tg.InputMediaUploadedDocument{
		File: file, Thumb: thumb, MimeType: "video/webm", Spoiler: true, TTLSeconds: tl.Some[int32](30),
		Attributes: []tg.DocumentAttributeClass{
			&tg.DocumentAttributeVideo{SupportsStreaming: true, Duration: 90, W: 640, H: 360},
			&tg.DocumentAttributeFilename{FileName: "clip.mp4"},
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("video (-want +got):\n%s", diff)
	}
	ext, err := urlMedia(types.KindPhoto, "https://example.com/a.jpg", option.Media{Spoiler: true})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(tg.InputMediaClass(&tg.InputMediaPhotoExternal{URL: "https://example.com/a.jpg", Spoiler: true}), ext); diff != "" {
		t.Fatalf("URL photo (-want +got):\n%s", diff)
	}
}

func TestChatActionTL(t *testing.T) {
	tests := []struct {
		a    types.ChatAction
		want tg.SendMessageActionClass
	}{
		{types.ChatAction{}, &tg.SendMessageTypingAction{}},
		{types.ActionUploadVideo.Progress(150), &tg.SendMessageUploadVideoAction{Progress: 100}},
		{types.ActionUploadDocument.Progress(-3), &tg.SendMessageUploadDocumentAction{}},
		{types.ActionRecordVoice, &tg.SendMessageRecordAudioAction{}},
		{types.ActionChooseSticker, &tg.SendMessageChooseStickerAction{}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, tt.a.TL()); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	}
}

// TestSendOptionsReachAlbums checks that every option messages.sendMultiMedia has reaches it,
// as TestSendOptionsReachEveryRequest does for the other sends.
func TestSendOptionsReachAlbums(t *testing.T) {
	at := time.Unix(1_800_000_000, 0)
	opts := []SendOption{
		WithReplyTo(7), WithTopic(3), WithSilent(), WithProtect(), WithInvertMedia(), WithSchedule(at),
		WithEffect(5), WithPaidStars(10),
	}
	out, err := (&Client{}).resolveSend(context.Background(), option.CollectSend(opts))
	if err != nil {
		t.Fatal(err)
	}
	var got tg.MessagesSendMultiMediaRequest
	out.toAlbum(&got)
	want := tg.MessagesSendMultiMediaRequest{
		ReplyTo:      &tg.InputReplyToMessage{ReplyToMsgID: 7, TopMsgID: tl.Some(int32(3))},
		ScheduleDate: tl.Some(int32(at.Unix())), Effect: tl.Some(int64(5)), AllowPaidStars: tl.Some(int64(10)),
		Silent: true, Noforwards: true, InvertMedia: true,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("sendMultiMedia (-want +got):\n%s", diff)
	}
}
