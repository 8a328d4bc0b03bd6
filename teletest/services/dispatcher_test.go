package services

import (
	"context"
	"encoding/binary"
	"errors"
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/mt"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

func encode(t testing.TB, o tl.Encoder) []byte {
	t.Helper()
	var b tl.Buffer
	if err := o.Encode(&b); err != nil {
		t.Fatal(err)
	}
	return b.Buf
}

func wrapped(q tl.Encoder) *tg.InvokeWithLayerRequest {
	return &tg.InvokeWithLayerRequest{Layer: 228, Query: &tg.InitConnectionRequest{
		APIID: 17, DeviceModel: "test", SystemVersion: "linux", AppVersion: "1.0",
		SystemLangCode: "en", LangCode: "en", Query: q,
	}}
}

func TestDecodeRequestErrors(t *testing.T) {
	unknown := binary.LittleEndian.AppendUint32(nil, 0xdeadbeef)
	known := encode(t, &tg.HelpGetNearestDCRequest{})
	wrappedUnknown := encode(t, &tg.InvokeWithLayerRequest{Layer: 228, Query: &tg.HelpGetNearestDCRequest{}})
	// Replace the inner id with an unknown one.
	binary.LittleEndian.PutUint32(wrappedUnknown[8:], 0xdeadbeef)
	tests := []struct {
		name string
		body []byte
		want *RPCError
	}{
		{"empty", nil, ErrInputFetch},
		{"short id", []byte{1, 2}, ErrInputFetch},
		{"unknown method", unknown, ErrMethodNotImplemented},
		{"unknown inner method", wrappedUnknown, ErrMethodNotImplemented},
		{"trailing bytes", append(known, 0, 0, 0, 0), ErrInputFetch},
		{"truncated wrapper", encode(t, wrapped(&tg.HelpGetConfigRequest{}))[:20], ErrInputFetch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeRequest(tt.body)
			wantRPC(t, err, tt.want)
		})
	}
}

func TestHandleUnimplementedAndWrappers(t *testing.T) {
	h := newHarness(t)
	c := h.conn(2)
	// A method the schema knows but the server does not implement answers at once.
	_, err := h.d.HandleBytes(ctx(), c.caller, encode(t, &tg.MessagesGetAttachMenuBotsRequest{}))
	wantRPC(t, err, ErrMethodNotImplemented)
	// Also when wrapped.
	_, err = h.d.HandleBytes(ctx(), c.caller, encode(t, wrapped(&tg.MessagesGetAttachMenuBotsRequest{})))
	wantRPC(t, err, ErrMethodNotImplemented)
	// A constructor is not a method.
	_, err = h.d.Handle(ctx(), c.caller, &tg.User{ID: 1})
	wantRPC(t, err, ErrMethodNotImplemented)
	_, err = h.d.Handle(ctx(), c.caller, nil)
	wantRPC(t, err, ErrInputMethodInvalid)

	// invokeWithLayer + initConnection unwrap and record the layer and app.
	res, err := h.d.HandleBytes(ctx(), c.caller, encode(t, wrapped(&tg.HelpGetNearestDCRequest{})))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(&tg.NearestDC{Country: "NL", ThisDC: 2, NearestDC: 2}, res); diff != "" {
		t.Fatalf("nearest dc (-want +got):\n%s", diff)
	}
	if c.caller.Layer() != 228 {
		t.Fatalf("layer = %d, want 228", c.caller.Layer())
	}
	info, ok := c.caller.Conn()
	want := ConnInfo{APIID: 17, DeviceModel: "test", SystemVersion: "linux", AppVersion: "1.0", SystemLangCode: "en", LangCode: "en"}
	if diff := cmp.Diff(want, info); !ok || diff != "" {
		t.Fatalf("conn info (inited %v) (-want +got):\n%s", ok, diff)
	}
	for _, q := range []tl.Encoder{
		&tg.InvokeWithoutUpdatesRequest{Query: &tg.HelpGetNearestDCRequest{}},
		&tg.InvokeAfterMsgRequest{MsgID: 5, Query: &tg.HelpGetNearestDCRequest{}},
		&tg.InvokeAfterMsgsRequest{MsgIDs: []int64{5, 9}, Query: &tg.HelpGetNearestDCRequest{}},
	} {
		if _, err := h.d.HandleBytes(ctx(), c.caller, encode(t, q)); err != nil {
			t.Fatalf("%T: %v", q, err)
		}
	}
}

func TestPing(t *testing.T) {
	h := newHarness(t)
	c := h.conn(1)
	res, err := h.d.Handle(WithMsgID(ctx(), 77), c.caller, &mt.PingRequest{PingID: 9})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(&mt.Pong{MsgID: 77, PingID: 9}, res); diff != "" {
		t.Fatalf("pong (-want +got):\n%s", diff)
	}
}

func TestGetConfigListsDCs(t *testing.T) {
	h := newHarness(t)
	h.d.SetDCs([]DCOption{
		{ID: 1, Addr: netip.MustParseAddrPort("127.0.0.1:4001")},
		{ID: 2, Addr: netip.MustParseAddrPort("127.0.0.1:4002")},
		{ID: 2, Addr: netip.MustParseAddrPort("[::1]:4003"), Media: true},
	})
	c := h.conn(2)
	cfg, err := tg.NewClient(c).HelpGetConfig(ctx(), &tg.HelpGetConfigRequest{})
	if err != nil {
		t.Fatal(err)
	}
	want := []tg.DCOption{
		{ID: 1, IPAddress: "127.0.0.1", Port: 4001},
		{ID: 2, IPAddress: "127.0.0.1", Port: 4002},
		{IPv6: true, MediaOnly: true, ID: 2, IPAddress: "::1", Port: 4003},
	}
	if diff := cmp.Diff(want, cfg.DCOptions); diff != "" {
		t.Fatalf("dc options (-want +got):\n%s", diff)
	}
	if cfg.ThisDC != 2 || cfg.Date != int32(h.clock.Now().Unix()) {
		t.Fatalf("this_dc %d date %d", cfg.ThisDC, cfg.Date)
	}
}

func TestInjectError(t *testing.T) {
	h := newHarness(t)
	c := h.conn(2)
	api := tg.NewClient(c)
	h.d.InjectError(tg.HelpGetNearestDCRequestTypeID, world.FloodWait(3), 2)
	h.d.InjectError(tg.HelpGetNearestDCRequestTypeID, world.Migrate("USER", 4), 1)
	var got []string
	for range 4 {
		_, err := api.HelpGetNearestDC(ctx(), &tg.HelpGetNearestDCRequest{})
		if err == nil {
			got = append(got, "ok")
			continue
		}
		var e *RPCError
		if !errors.As(err, &e) {
			t.Fatal(err)
		}
		got = append(got, e.Message)
	}
	if diff := cmp.Diff([]string{"FLOOD_WAIT_3", "FLOOD_WAIT_3", "USER_MIGRATE_4", "ok"}, got); diff != "" {
		t.Fatalf("answers (-want +got):\n%s", diff)
	}
	if n := h.d.InjectedErrors(); n != 3 {
		t.Fatalf("InjectedErrors = %d after three injected answers", n)
	}

	// Faults see through wrappers; times <= 0 lasts until cleared.
	h.d.InjectError(tg.HelpGetConfigRequestTypeID, world.FloodWait(1), 0)
	for range 3 {
		_, err := h.d.HandleBytes(ctx(), c.caller, encode(t, wrapped(&tg.HelpGetConfigRequest{})))
		wantRPC(t, err, world.FloodWait(1))
	}
	h.d.ClearErrors(tg.HelpGetConfigRequestTypeID)
	if _, err := api.HelpGetConfig(ctx(), &tg.HelpGetConfigRequest{}); err != nil {
		t.Fatal(err)
	}
	if n := h.d.InjectedErrors(); n != 6 {
		t.Fatalf("InjectedErrors = %d after six injected answers", n)
	}
}

func TestMiddlewareSeesInnerMethods(t *testing.T) {
	h := newHarness(t)
	c := h.conn(2)
	var seen []string
	h.d.Use(func(next Handler) Handler {
		return func(ctx context.Context, c *Caller, req tl.Object) (tl.Encoder, error) {
			seen = append(seen, req.TypeName())
			return next(ctx, c, req)
		}
	})
	if _, err := h.d.HandleBytes(ctx(), c.caller, encode(t, wrapped(&tg.HelpGetNearestDCRequest{}))); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"invokeWithLayer", "initConnection", "help.getNearestDc"}, seen); diff != "" {
		t.Fatalf("middleware saw (-want +got):\n%s", diff)
	}
}

func TestAsRPCError(t *testing.T) {
	if got := AsRPCError(world.ErrPeerIDInvalid, nil); got != world.ErrPeerIDInvalid {
		t.Fatalf("rpc error changed: %v", got)
	}
	if got := AsRPCError(errors.New("boom"), nil); got != ErrInternal {
		t.Fatalf("plain error = %v, want internal", got)
	}
}

func TestMethodsRegistered(t *testing.T) {
	h := newHarness(t)
	ids := map[uint32]bool{}
	for _, id := range h.d.Methods() {
		ids[id] = true
	}
	for _, id := range []uint32{
		tg.InvokeWithLayerRequestTypeID, tg.InitConnectionRequestTypeID, tg.HelpGetConfigRequestTypeID,
		tg.HelpGetNearestDCRequestTypeID, tg.AuthImportBotAuthorizationRequestTypeID, tg.AuthSendCodeRequestTypeID,
		tg.AuthSignInRequestTypeID, tg.AuthSignUpRequestTypeID, tg.AuthCheckPasswordRequestTypeID,
		tg.AccountGetPasswordRequestTypeID, tg.AuthLogOutRequestTypeID, tg.AuthExportAuthorizationRequestTypeID,
		tg.AuthImportAuthorizationRequestTypeID, tg.UsersGetUsersRequestTypeID, tg.UsersGetFullUserRequestTypeID,
		tg.ContactsResolveUsernameRequestTypeID, tg.MessagesSendMessageRequestTypeID, tg.MessagesGetMessagesRequestTypeID,
		tg.MessagesGetHistoryRequestTypeID, tg.MessagesGetDialogsRequestTypeID, tg.MessagesEditMessageRequestTypeID,
		tg.MessagesDeleteMessagesRequestTypeID, tg.MessagesForwardMessagesRequestTypeID, tg.ChannelsGetMessagesRequestTypeID,
		tg.ChannelsEditBannedRequestTypeID, tg.ChannelsGetParticipantRequestTypeID, tg.ChannelsJoinChannelRequestTypeID,
		tg.UpdatesGetStateRequestTypeID, tg.UpdatesGetDifferenceRequestTypeID, tg.UpdatesGetChannelDifferenceRequestTypeID,
		tg.UploadSaveFilePartRequestTypeID, tg.UploadSaveBigFilePartRequestTypeID, tg.UploadGetFileRequestTypeID,
		tg.MessagesSendMediaRequestTypeID, tg.MessagesUploadMediaRequestTypeID, tg.StoriesSendStoryRequestTypeID,
		tg.StoriesEditStoryRequestTypeID, tg.StoriesDeleteStoriesRequestTypeID, tg.StoriesGetStoriesByIDRequestTypeID,
		tg.PhoneGetGroupCallStreamRTMPURLRequestTypeID, mt.PingRequestTypeID, tg.MessagesGetChatsRequestTypeID,
		tg.ChannelsGetChannelsRequestTypeID, tg.MessagesSetTypingRequestTypeID, tg.AccountUpdateStatusRequestTypeID,
		tg.MessagesReadHistoryRequestTypeID, tg.ChannelsReadHistoryRequestTypeID,
	} {
		if !ids[id] {
			t.Errorf("%s has no handler", tg.TypeName(id))
		}
	}
}

func TestDecodeRequestWithReusesBuffer(t *testing.T) {
	var b tl.Buffer
	first, err := DecodeRequestWith(&b, encode(t, &tg.ContactsResolveUsernameRequest{Username: "first_name"}))
	if err != nil {
		t.Fatal(err)
	}
	second, err := DecodeRequestWith(&b, encode(t, &tg.ContactsResolveUsernameRequest{Username: "second_name"}))
	if err != nil {
		t.Fatal(err)
	}
	// The first value must survive the buffer moving on.
	if got := first.(*tg.ContactsResolveUsernameRequest).Username; got != "first_name" {
		t.Fatalf("first request changed to %q", got)
	}
	if got := second.(*tg.ContactsResolveUsernameRequest).Username; got != "second_name" {
		t.Fatalf("second request = %q", got)
	}
	_, err = DecodeRequestWith(&b, []byte{1})
	wantRPC(t, err, ErrInputFetch)
}

func TestHandlerWithoutResultIsInternal(t *testing.T) {
	h := newHarness(t)
	h.d.Register(tg.HelpGetNearestDCRequestTypeID, func(context.Context, *Caller, tl.Object) (tl.Encoder, error) {
		return nil, nil
	})
	_, err := h.d.Handle(ctx(), h.conn(2).caller, &tg.HelpGetNearestDCRequest{})
	if err == nil || AsRPCError(err, nil) != ErrInternal {
		t.Fatalf("error = %v, want an internal error", err)
	}
}
