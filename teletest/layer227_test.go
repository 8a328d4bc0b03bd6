package teletest

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// tlDecl is one declaration of a schema file: its id and fields.
type tlDecl struct {
	id     uint32
	fields []string
}

var declRE = regexp.MustCompile(`^([a-zA-Z][\w.]*)#([0-9a-f]+)((?: [^=]*)?) = `)

// readSchema returns the declarations of a schema file by name.
func readSchema(t *testing.T, path string) map[string]tlDecl {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read schema: %v", err)
	}
	out := make(map[string]tlDecl)
	for _, line := range strings.Split(string(src), "\n") {
		m := declRE.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		id, err := strconv.ParseUint(m[2], 16, 32)
		if err != nil {
			t.Fatalf("%s: %v", line, err)
		}
		out[m[1]] = tlDecl{id: uint32(id), fields: strings.Fields(m[3])}
	}
	return out
}

// TestLayer227Schema holds the translation of layer227.go to the two schemas: the
// constructors whose ids differ are exactly the five it handles, with the ids it uses, and
// their fields differ the way it assumes. Declarations that kept their id only gained
// optional fields.
func TestLayer227Schema(t *testing.T) {
	old := readSchema(t, "layers/227/api.tl")
	cur := readSchema(t, "../tl/schema/api.tl")
	if len(old) < 2000 || len(cur) < 2000 {
		t.Fatalf("%d and %d declarations: the schemas did not parse", len(old), len(cur))
	}
	src, _ := os.ReadFile("layers/227/api.tl")
	if !strings.Contains(string(src), "// LAYER 227") {
		t.Fatal("layers/227/api.tl does not say LAYER 227")
	}
	changed := map[string]uint32{}
	for name, o := range old {
		c, ok := cur[name]
		if !ok {
			t.Errorf("%s is in layer 227 but not in layer %d: requests using it are not served", name, Layer)
			continue
		}
		if o.id != c.id {
			changed[name] = o.id
			continue
		}
		for _, f := range o.fields {
			if !slices.Contains(c.fields, f) {
				t.Errorf("%s kept its id but lost or changed field %s", name, f)
			}
		}
		for _, f := range c.fields {
			if !slices.Contains(o.fields, f) && !strings.Contains(f, "?") {
				t.Errorf("%s kept its id but gained the required field %s", name, f)
			}
		}
	}
	want := map[string]uint32{
		"user":                                 user227ID,
		"channel":                              channel227ID,
		"botCommand":                           botCommand227ID,
		"messages.searchGlobal":                searchGlobal227ID,
		"messages.chatInviteJoinResultWebView": webView227ID,
	}
	if diff := cmp.Diff(want, changed); diff != "" {
		t.Fatalf("constructors that changed id (-handled +schemas):\n%s", diff)
	}
	appended := func(name, field string) {
		o, c := old[name].fields, cur[name].fields
		if !slices.Equal(append(slices.Clone(o), field), c) {
			t.Errorf("%s: layer %d is not layer 227 plus %s at the end:\n227: %v\n228: %v", name, Layer, field, o, c)
		}
	}
	appended("user", "linked_community_id:flags2.21?long")
	appended("channel", "linked_community_id:flags2.20?long")
	if got := old["botCommand"].fields; !slices.Equal(got, []string{"command:string", "description:string"}) {
		t.Errorf("botCommand of layer 227: %v", got)
	}
	if got := cur["botCommand"].fields; !slices.Equal(got, []string{"flags:#", "ephemeral:flags.0?true", "command:string", "description:string"}) {
		t.Errorf("botCommand of layer %d: %v", Layer, got)
	}
	o, c := old["messages.searchGlobal"].fields, cur["messages.searchGlobal"].fields
	if i := slices.Index(c, "community:flags.4?InputChannel"); i < 0 || !slices.Equal(slices.Delete(slices.Clone(c), i, i+1), o) {
		t.Errorf("messages.searchGlobal: layer %d is not layer 227 plus community:flags.4?InputChannel:\n%v\n%v", Layer, o, c)
	}
	if slices.Contains(o, "flags.4") {
		t.Error("messages.searchGlobal of layer 227 uses flag bit 4")
	}
}

// enc encodes v.
func enc(t *testing.T, v tl.Encoder) []byte {
	t.Helper()
	var b tl.Buffer
	if err := v.Encode(&b); err != nil {
		t.Fatalf("encode %T: %v", v, err)
	}
	return b.Buf
}

func le32(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }

// botCommandBytes returns a command in layer 228's form (flags 0) and in layer 227's.
func botCommandBytes(t *testing.T, c tg.BotCommand) (cur, old []byte) {
	t.Helper()
	cur = enc(t, &c)
	var b tl.Buffer
	b.PutID(botCommand227ID)
	b.PutString(c.Command)
	b.PutString(c.Description)
	return cur, b.Buf
}

func TestTo227(t *testing.T) {
	user := func(linked bool) *tg.User {
		u := &tg.User{ID: 7, FirstName: tl.Some("alice"), AccessHash: tl.Some[int64](9)}
		if linked {
			u.LinkedCommunityID = tl.Some[int64](42)
		}
		return u
	}
	channel := func(linked bool) *tg.Channel {
		c := &tg.Channel{ID: 5, Title: "news", Photo: &tg.ChatPhotoEmpty{}, Broadcast: true}
		if linked {
			c.LinkedCommunityID = tl.Some[int64](42)
		}
		return c
	}
	cmds := []tg.BotCommand{{Command: "start", Description: "Start"}, {Command: "help", Description: "Help", Ephemeral: true}}
	// oldForm turns the layer 228 encoding of a tree without linked_community_id into the
	// layer 227 one by replacing constructor ids (the test data holds no such bytes
	// elsewhere).
	oldForm := func(b []byte) []byte {
		b = bytes.ReplaceAll(b, le32(tg.UserTypeID), le32(user227ID))
		b = bytes.ReplaceAll(b, le32(tg.ChannelTypeID), le32(channel227ID))
		for _, c := range cmds {
			cur, old := botCommandBytes(t, c)
			b = bytes.ReplaceAll(b, cur, old)
		}
		return b
	}
	for _, tc := range []struct {
		name      string
		in, plain tl.Encoder // plain: in without linked_community_id and ephemeral flags
		same      bool       // no layer 227 form needed: in comes back as is
	}{
		{name: "no users", in: &tg.NearestDC{Country: "NL", ThisDC: 2, NearestDC: 2}, same: true},
		{name: "user without the new field", in: &tg.AuthAuthorization{User: user(false)}, plain: &tg.AuthAuthorization{User: user(false)}},
		{name: "auth.authorization", in: &tg.AuthAuthorization{User: user(true)}, plain: &tg.AuthAuthorization{User: user(false)}},
		{name: "Vector<User>", in: &tg.UserClassVector{Elems: []tg.UserClass{user(true), &tg.UserEmpty{ID: 3}}},
			plain: &tg.UserClassVector{Elems: []tg.UserClass{user(false), &tg.UserEmpty{ID: 3}}}},
		{name: "updates with users and chats", in: &tg.Updates{
			Updates: []tg.UpdateClass{&tg.UpdateNewMessage{Message: &tg.MessageEmpty{ID: 1}, Pts: 1, PtsCount: 1}},
			Users:   []tg.UserClass{user(true)}, Chats: []tg.ChatClass{channel(true), &tg.ChatEmpty{ID: 4}},
		}, plain: &tg.Updates{
			Updates: []tg.UpdateClass{&tg.UpdateNewMessage{Message: &tg.MessageEmpty{ID: 1}, Pts: 1, PtsCount: 1}},
			Users:   []tg.UserClass{user(false)}, Chats: []tg.ChatClass{channel(false), &tg.ChatEmpty{ID: 4}},
		}},
		{name: "bots.getBotCommands", in: &tg.BotCommandVector{Elems: cmds}, plain: &tg.BotCommandVector{Elems: cmds}},
		{name: "updateBotCommands inside updates", in: &tg.Updates{Updates: []tg.UpdateClass{
			&tg.UpdateBotCommands{Peer: &tg.PeerUser{UserID: 7}, BotID: 7, Commands: cmds},
		}, Users: []tg.UserClass{user(true)}}, plain: &tg.Updates{Updates: []tg.UpdateClass{
			&tg.UpdateBotCommands{Peer: &tg.PeerUser{UserID: 7}, BotID: 7, Commands: cmds},
		}, Users: []tg.UserClass{user(false)}}},
		{name: "users.userFull with bot info", in: &tg.UsersUserFull{
			FullUser: tg.UserFull{ID: 7, Settings: tg.PeerSettings{}, NotifySettings: tg.PeerNotifySettings{},
				BotInfo: &tg.BotInfo{UserID: tl.Some[int64](7), Commands: cmds}},
			Users: []tg.UserClass{user(true)},
		}, plain: &tg.UsersUserFull{
			FullUser: tg.UserFull{ID: 7, Settings: tg.PeerSettings{}, NotifySettings: tg.PeerNotifySettings{},
				BotInfo: &tg.BotInfo{UserID: tl.Some[int64](7), Commands: cmds}},
			Users: []tg.UserClass{user(false)},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := enc(t, tc.in)
			out, err := to227(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(enc(t, tc.in), before) {
				t.Fatal("to227 modified its input")
			}
			if tc.same {
				if out != tc.in {
					t.Fatalf("got %T, want the input back", out)
				}
				return
			}
			want := oldForm(enc(t, tc.plain))
			got := enc(t, out)
			if !bytes.Equal(got, want) {
				t.Fatalf("layer 227 encoding:\n got %x\nwant %x", got, want)
			}
			// A client generated from layer 227's schema reads it; it could not read the
			// layer 228 form.
			if err := schemaOf(t, Layer227).check(got); err != nil {
				t.Fatalf("layer 227 schema: %v", err)
			}
			if err := schemaOf(t, Layer227).check(before); err == nil {
				t.Fatal("the layer 228 form reads as layer 227 too: the case checks nothing")
			}
			if err := schemaOf(t, Layer).check(before); err != nil {
				t.Fatalf("layer %d schema: %v", Layer, err)
			}
		})
	}
	t.Run("web view join result", func(t *testing.T) {
		_, err := to227(&tg.MessagesChatInviteJoinResultWebView{BotID: 1, QueryID: 2})
		if !errors.Is(err, errNoLayerForm) {
			t.Fatalf("err = %v, want errNoLayerForm", err)
		}
	})
	t.Run("a message text that looks like a marker", func(t *testing.T) {
		in := &tg.BotCommandVector{Elems: []tg.BotCommand{{Command: strings.Repeat("x", 16), Description: "d"}}}
		out, err := to227(in)
		if err != nil {
			t.Fatal(err)
		}
		_, old := botCommandBytes(t, in.Elems[0])
		if got := enc(t, out); !bytes.Equal(got, append(le32(tl.VectorID), append(le32(1), old...)...)) {
			t.Fatalf("got %x", got)
		}
	})
}

func TestUpgrade227(t *testing.T) {
	search := &tg.MessagesSearchGlobalRequest{Q: "hello", Filter: &tg.InputMessagesFilterEmpty{},
		OffsetPeer: &tg.InputPeerEmpty{}, Limit: 20, FolderID: tl.Some[int32](1)}
	search227 := enc(t, search)
	binary.LittleEndian.PutUint32(search227, searchGlobal227ID)
	cmds := []tg.BotCommand{{Command: "start", Description: "Start"}, {Command: "help", Description: "Help"}}
	set := &tg.BotsSetBotCommandsRequest{Scope: &tg.BotCommandScopePeer{Peer: &tg.InputPeerSelf{}}, LangCode: "en", Commands: cmds}
	set227 := enc(t, set)
	for _, c := range cmds {
		cur, old := botCommandBytes(t, c)
		set227 = bytes.Replace(set227, cur, old, 1)
	}
	wrap := func(body []byte) []byte {
		init := enc(t, &tg.InvokeWithLayerRequest{Layer: Layer227, Query: &tg.InitConnectionRequest{
			APIID: 1, DeviceModel: "d", SystemVersion: "s", AppVersion: "a", LangCode: "en",
			Proxy: &tg.InputClientProxy{Address: "proxy", Port: 443}, Params: &tg.JSONNull{},
			Query: &tg.HelpGetConfigRequest{},
		}})
		return append(init[:len(init)-4], body...) // the query replaced by body
	}
	getConfig := enc(t, &tg.HelpGetConfigRequest{})
	for _, tc := range []struct {
		name     string
		in, want []byte
	}{
		{name: "searchGlobal", in: search227, want: enc(t, search)},
		{name: "searchGlobal inside wrappers", in: wrap(search227), want: wrap(enc(t, search))},
		{name: "setBotCommands", in: set227, want: enc(t, set)},
		{name: "setBotCommands inside wrappers", in: wrap(set227), want: wrap(enc(t, set))},
		{name: "anything else", in: wrap(getConfig), want: wrap(getConfig)},
		{name: "setBotCommands of layer 228", in: enc(t, set), want: enc(t, set)},
		{name: "truncated", in: set227[:len(set227)-3], want: set227[:len(set227)-3]},
		{name: "empty", in: nil, want: nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := upgrade227(tc.in); !bytes.Equal(got, tc.want) {
				t.Fatalf("got  %x\nwant %x", got, tc.want)
			}
		})
	}
}

func TestAnnouncedLayer(t *testing.T) {
	for _, tc := range []struct {
		name string
		req  tl.Encoder
		want int32
	}{
		{name: "bare", req: &tg.HelpGetConfigRequest{}},
		{name: "invokeWithLayer", req: &tg.InvokeWithLayerRequest{Layer: 198, Query: &tg.HelpGetConfigRequest{}}, want: 198},
		{name: "inside invokeWithoutUpdates", req: &tg.InvokeWithoutUpdatesRequest{Query: &tg.InvokeWithLayerRequest{Layer: 227, Query: &tg.HelpGetConfigRequest{}}}, want: 227},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := announcedLayer(enc(t, tc.req)); got != tc.want {
				t.Fatalf("announcedLayer = %d, want %d", got, tc.want)
			}
		})
	}
}

// FuzzTo227: any object the registry decodes goes through to227 without a panic, comes back
// unmodified, and encodes (or is refused with errNoLayerForm).
func FuzzTo227(f *testing.F) {
	for _, v := range []tl.Encoder{
		&tg.AuthAuthorization{User: &tg.User{ID: 1, LinkedCommunityID: tl.Some[int64](2)}},
		&tg.Updates{Users: []tg.UserClass{&tg.User{ID: 1}}, Chats: []tg.ChatClass{&tg.Channel{ID: 2, Photo: &tg.ChatPhotoEmpty{}}}},
		&tg.UpdateBotCommands{Peer: &tg.PeerUser{UserID: 1}, BotID: 1, Commands: []tg.BotCommand{{Command: "a", Description: "b"}}},
		&tg.MessagesChatInviteJoinResultWebView{BotID: 1, QueryID: 2},
	} {
		var b tl.Buffer
		if err := v.Encode(&b); err != nil {
			f.Fatal(err)
		}
		f.Add(b.Buf)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var b tl.Buffer
		b.ResetTo(data)
		obj, err := tg.DecodeObject(&b)
		if err != nil {
			return
		}
		var before tl.Buffer
		if err := obj.Encode(&before); err != nil {
			return
		}
		out, err := to227(obj)
		if err != nil {
			if !errors.Is(err, errNoLayerForm) {
				t.Fatalf("to227: %v", err)
			}
			return
		}
		var after, enc227 tl.Buffer
		_ = obj.Encode(&after)
		if !bytes.Equal(before.Buf, after.Buf) {
			t.Fatal("to227 modified its input")
		}
		if err := out.Encode(&enc227); err != nil {
			t.Fatalf("encode the layer 227 form: %v", err)
		}
	})
}
