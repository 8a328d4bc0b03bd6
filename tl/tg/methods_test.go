package tg

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mtgo-labs/mtgo/tl"
)

// isWrapper reports whether the schema declares d as `X {X:Type} ... query:!X = X`.
func isWrapper(d schemaDecl) bool {
	return d.fn && d.result == "X" && slices.Contains(d.params, "{X:Type}") && slices.Contains(d.params, "query:!X")
}

// wrap sets the Query field of a wrapper built by NewObject.
func wrap(t *testing.T, w tl.Object, q tl.Encoder) tl.Object {
	t.Helper()
	f := reflect.ValueOf(w).Elem().FieldByName("Query")
	if !f.IsValid() {
		t.Fatalf("%T has no Query field", w)
	}
	f.Set(reflect.ValueOf(q))
	return w
}

func TestUnwrapQueryMatchesSchema(t *testing.T) {
	inner := &HelpGetConfigRequest{}
	var wrappers []string
	for _, d := range apiSchema(t) {
		if !d.fn {
			continue
		}
		obj := NewObject(d.id)
		if !isWrapper(d) {
			if got := UnwrapQuery(obj); got != obj {
				t.Errorf("UnwrapQuery(%T) = %T, want it unchanged", obj, got)
			}
			continue
		}
		wrappers = append(wrappers, d.name)
		if got := UnwrapQuery(obj); got != obj {
			t.Errorf("UnwrapQuery(%T without query) = %T, want it unchanged", obj, got)
		}
		if got := UnwrapQuery(wrap(t, obj, inner)); got != inner {
			t.Errorf("UnwrapQuery(%T) = %T, want the inner query", obj, got)
		}
	}
	want := []string{"invokeAfterMsg", "invokeAfterMsgs", "initConnection", "invokeWithLayer", "invokeWithoutUpdates",
		"invokeWithMessagesRange", "invokeWithTakeout", "invokeWithBusinessConnection", "invokeWithGooglePlayIntegrity",
		"invokeWithApnsSecret", "invokeWithReCaptcha"}
	if diff := cmp.Diff(want, wrappers); diff != "" {
		t.Errorf("wrappers in the schema (-want +got):\n%s", diff)
	}
}

func TestUnwrapQueryNested(t *testing.T) {
	inner := &MessagesGetHistoryRequest{Limit: 5}
	q := &InvokeWithLayerRequest{Layer: Layer, Query: &InitConnectionRequest{Query: &InvokeWithoutUpdatesRequest{Query: inner}}}
	if got := UnwrapQuery(q); got != inner {
		t.Fatalf("UnwrapQuery = %#v", got)
	}
	if got := UnwrapQuery(nil); got != nil {
		t.Fatalf("UnwrapQuery(nil) = %#v", got)
	}
	if got := UnwrapQuery((*InvokeWithLayerRequest)(nil)); got != tl.Encoder((*InvokeWithLayerRequest)(nil)) {
		t.Fatalf("UnwrapQuery(typed nil) = %#v", got)
	}
	loop := &InvokeWithoutUpdatesRequest{}
	loop.Query = loop
	if got := UnwrapQuery(loop); got != loop {
		t.Fatalf("UnwrapQuery(self-wrapping) = %#v", got)
	}
}

// TestResultDecoderMatchesSchema: every method returning Vector<T> gets its Vector result
// type, which decodes an empty vector; every other method gets an *AnyObject.
func TestResultDecoderMatchesSchema(t *testing.T) {
	var empty tl.Buffer
	empty.PutVectorHeader(0)
	vectors := 0
	for _, d := range apiSchema(t) {
		if !d.fn || isWrapper(d) {
			continue
		}
		dec := ResultDecoder(NewObject(d.id))
		if !strings.HasPrefix(d.result, "Vector<") {
			if _, ok := dec.(*AnyObject); !ok {
				t.Errorf("ResultDecoder(%s) = %T, want *AnyObject", d.name, dec)
			}
			continue
		}
		vectors++
		obj, ok := dec.(tl.Object)
		if !ok || !strings.HasSuffix(reflect.TypeOf(dec).Elem().Name(), "Vector") {
			t.Errorf("ResultDecoder(%s) = %T, want a Vector result type", d.name, dec)
			continue
		}
		var b tl.Buffer
		b.ResetTo(empty.Buf)
		if err := dec.Decode(&b); err != nil || ResultObject(dec) != obj || obj.TypeID() != tl.VectorID {
			t.Errorf("%s: %T does not decode an empty vector into itself: %v", d.name, dec, err)
		}
	}
	if vectors < 30 {
		t.Errorf("only %d methods return vectors; the schema scan is broken", vectors)
	}
}

func TestResultDecoderDecodes(t *testing.T) {
	encode := func(v tl.Encoder) []byte {
		var b tl.Buffer
		if err := v.Encode(&b); err != nil {
			t.Fatal(err)
		}
		return b.Buf
	}
	u := &User{ID: 7, FirstName: tl.Some("a")}
	tests := []struct {
		name  string
		query tl.Encoder
		wire  []byte
		want  tl.Object
	}{
		{"boxed", &HelpGetConfigRequest{}, encode(&BoolTrue{}), &BoolTrue{}},
		{"class", &UsersGetFullUserRequest{}, encode(u), u},
		{"ints", &ContactsGetContactIDsRequest{}, encode(&IntVector{Elems: []int32{1, 2}}), &IntVector{Elems: []int32{1, 2}}},
		{"wrapped longs", &InvokeWithLayerRequest{Query: &InitConnectionRequest{Query: &MessagesReceivedQueueRequest{}}},
			encode(&LongVector{Elems: []int64{1 << 40}}), &LongVector{Elems: []int64{1 << 40}}},
		{"users", &UsersGetUsersRequest{}, encode(&UserClassVector{Elems: []UserClass{u}}), &UserClassVector{Elems: []UserClass{u}}},
		{"unknown query, vector answer", nil, encode(&UserClassVector{Elems: []UserClass{u}}), &AnyVector{Elems: []tl.Object{u}}},
		{"mtproto answer", nil, encode(&Pong{MsgID: 1, PingID: 2}), &Pong{MsgID: 1, PingID: 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dec := ResultDecoder(tt.query)
			var b tl.Buffer
			b.ResetTo(tt.wire)
			if err := dec.Decode(&b); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, ResultObject(dec)); diff != "" {
				t.Fatalf("(-want +got):\n%s", diff)
			}
			if got := encode(dec.(tl.Encoder)); !slices.Equal(got, tt.wire) {
				t.Fatalf("re-encoded %x, want %x", got, tt.wire)
			}
		})
	}
	if ResultObject(nil) != nil || ResultObject(&AnyObject{}) != nil {
		t.Fatal("ResultObject of nothing decoded")
	}
}

// idempotentList reads tl/schema/idempotent.txt the way its header describes it.
func idempotentList(t *testing.T) map[string]bool {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("..", "schema", "idempotent.txt"))
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for line := range strings.SplitSeq(string(src), "\n") {
		line, _, _ = strings.Cut(line, "#")
		if line = strings.TrimSpace(line); line != "" {
			names[line] = true
		}
	}
	return names
}

// TestIsIdempotentMatchesList: exactly the listed methods are idempotent, alone and wrapped.
func TestIsIdempotentMatchesList(t *testing.T) {
	listed := idempotentList(t)
	found := 0
	for _, d := range apiSchema(t) {
		if !d.fn || isWrapper(d) {
			continue
		}
		want := listed[d.name]
		if want {
			found++
		}
		if got := IsIdempotent(NewObject(d.id)); got != want {
			t.Errorf("IsIdempotent(%s) = %v, want %v", d.name, got, want)
		}
		if got := IsIdempotent(&InvokeWithLayerRequest{Query: &InitConnectionRequest{Query: NewObject(d.id)}}); got != want {
			t.Errorf("IsIdempotent(wrapped %s) = %v, want %v", d.name, got, want)
		}
	}
	if found != len(listed) {
		t.Errorf("%d of %d listed names are methods of api.tl", found, len(listed))
	}
}

func TestIsIdempotent(t *testing.T) {
	tests := []struct {
		name string
		q    tl.Encoder
		want bool
	}{
		{"help.getConfig", &HelpGetConfigRequest{}, true},
		{"help.getConfig wrapped", &InvokeWithLayerRequest{Layer: Layer, Query: &HelpGetConfigRequest{}}, true},
		{"upload.getFile", &UploadGetFileRequest{}, true},
		// The bot receives a callback query each time it is sent.
		{"messages.getBotCallbackAnswer", &MessagesGetBotCallbackAnswerRequest{}, false},
		{"messages.getBotCallbackAnswer wrapped", &InvokeWithLayerRequest{Query: &MessagesGetBotCallbackAnswerRequest{}}, false},
		{"messages.getInlineBotResults", &MessagesGetInlineBotResultsRequest{}, false},
		{"messages.getMessagesViews", &MessagesGetMessagesViewsRequest{}, false},
		{"messages.sendMessage", &MessagesSendMessageRequest{}, false},
		{"messages.requestUrlAuth", &MessagesRequestURLAuthRequest{}, false},
		{"messages.startBot", &MessagesStartBotRequest{}, false},
		{"channels.joinChannel", &ChannelsJoinChannelRequest{}, false},
		{"wrapper alone", &InvokeWithLayerRequest{}, false},
		{"nil", nil, false},
	}
	for _, tt := range tests {
		if got := IsIdempotent(tt.q); got != tt.want {
			t.Errorf("IsIdempotent(%s) = %v, want %v", tt.name, got, tt.want)
		}
	}
}
