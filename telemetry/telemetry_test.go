package telemetry_test

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/telemetry"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/rpcerr"
	"github.com/mtgo-labs/mtgo/tl/tg"
	"github.com/mtgo-labs/mtgo/updates"
)

// rig is a Telemetry on in-memory readers.
type rig struct {
	tel    *telemetry.Telemetry
	reader *sdkmetric.ManualReader
	spans  *tracetest.InMemoryExporter
}

func newRig(t *testing.T) *rig {
	t.Helper()
	r := &rig{reader: sdkmetric.NewManualReader(), spans: tracetest.NewInMemoryExporter()}
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(r.reader))
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(r.spans))
	t.Cleanup(func() {
		_ = mp.Shutdown(context.Background())
		_ = tp.Shutdown(context.Background())
	})
	tel, err := telemetry.New(telemetry.Options{MeterProvider: mp, TracerProvider: tp, Session: "s1"})
	if err != nil {
		t.Fatal(err)
	}
	r.tel = tel
	return r
}

// points returns the data points of metric name as attribute sets mapped to their value
// (a sum's value, a histogram's count, a gauge's value).
func (r *rig) points(t *testing.T, name string) map[string]float64 {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := r.reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if m.Name != name {
				continue
			}
			switch d := m.Data.(type) {
			case metricdata.Sum[int64]:
				for _, p := range d.DataPoints {
					out[p.Attributes.Encoded(attribute.DefaultEncoder())] = float64(p.Value)
				}
			case metricdata.Histogram[float64]:
				for _, p := range d.DataPoints {
					out[p.Attributes.Encoded(attribute.DefaultEncoder())] = float64(p.Count)
				}
			case metricdata.Gauge[float64]:
				for _, p := range d.DataPoints {
					out[p.Attributes.Encoded(attribute.DefaultEncoder())] = p.Value
				}
			}
		}
	}
	return out
}

func TestInvokerMiddleware(t *testing.T) {
	r := newRig(t)
	mw := r.tel.InvokerMiddleware(func() int { return 2 })
	tests := []struct {
		name string
		err  error
	}{
		{"ok", nil},
		{"flood", rpcerr.Parse(420, "FLOOD_WAIT_3")},
		{"bad peer", rpcerr.Parse(400, "PEER_ID_INVALID")},
		{"canceled", context.Canceled},
		{"transport", errors.New("connection reset")},
	}
	for _, tt := range tests {
		call := mw(mtgo.InvokerFunc(func(context.Context, tl.Encoder, tl.Decoder) error { return tt.err }))
		err := call.Invoke(context.Background(), &tg.HelpGetConfigRequest{}, nil)
		if !errors.Is(err, tt.err) {
			t.Errorf("%s: error %v, want %v", tt.name, err, tt.err)
		}
	}
	got := r.points(t, "mtgo.rpc.errors")
	want := map[string]float64{
		"error.type=FLOOD_WAIT,mtgo.dc=2,mtgo.session=s1,rpc.error_code=420,rpc.method=help.getConfig":      1,
		"error.type=PEER_ID_INVALID,mtgo.dc=2,mtgo.session=s1,rpc.error_code=400,rpc.method=help.getConfig": 1,
		"error.type=canceled,mtgo.dc=2,mtgo.session=s1,rpc.method=help.getConfig":                           1,
		"error.type=transport,mtgo.dc=2,mtgo.session=s1,rpc.method=help.getConfig":                          1,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("mtgo.rpc.errors (-want +got):\n%s", diff)
	}
	if got := r.points(t, "mtgo.rpc.flood_waits"); len(got) != 1 {
		t.Errorf("flood waits %v", got)
	}
	if got := r.points(t, "mtgo.rpc.duration")["mtgo.dc=2,mtgo.session=s1,rpc.method=help.getConfig"]; got != 1 {
		t.Errorf("successful calls measured %v, want 1", got)
	}
	spans := r.spans.GetSpans()
	if len(spans) != len(tests) {
		t.Fatalf("%d spans, want %d", len(spans), len(tests))
	}
	if spans[0].Name != "help.getConfig" || spans[0].Status.Code == codes.Error || spans[1].Status.Code != codes.Error {
		t.Errorf("spans %q %v %v", spans[0].Name, spans[0].Status, spans[1].Status)
	}
}

// TestErrorTypeBounded checks that error.type, a metric label, takes only error types shaped
// like Telegram's: a server message with free text, a second number or no end would give a
// label per message.
func TestErrorTypeBounded(t *testing.T) {
	r := newRig(t)
	mw := r.tel.InvokerMiddleware(nil)
	for _, msg := range []string{
		"Internal error 0x7f3a9b12", "Internal error 0x1c0ffee0", // free text
		"FILE_PART_3_MISSING_17", "FILE_PART_4_MISSING_18", // a number left after the first
		strings.Repeat("A", 300), strings.Repeat("B", 300), // no end
		"PEER_ID_INVALID", "2FA_CONFIRM_WAIT_604800", // Telegram's
	} {
		call := mw(mtgo.InvokerFunc(func(context.Context, tl.Encoder, tl.Decoder) error { return rpcerr.Parse(400, msg) }))
		_ = call.Invoke(context.Background(), &tg.HelpGetConfigRequest{}, nil)
	}
	got := r.points(t, "mtgo.rpc.errors")
	want := map[string]float64{
		"error.type=_OTHER,mtgo.session=s1,rpc.error_code=400,rpc.method=help.getConfig":           6,
		"error.type=PEER_ID_INVALID,mtgo.session=s1,rpc.error_code=400,rpc.method=help.getConfig":  1,
		"error.type=2FA_CONFIRM_WAIT,mtgo.session=s1,rpc.error_code=400,rpc.method=help.getConfig": 1,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("mtgo.rpc.errors (-want +got):\n%s", diff)
	}
}

func offlineClient(t *testing.T, r *rig) *mtgo.Client {
	t.Helper()
	cfg := mtgo.DefaultConfig
	cfg.InMemory, cfg.NoUpdates = true, true
	cfg.FxOptions = append(cfg.FxOptions, r.tel.UpdateEvents())
	c, err := mtgo.NewClient(1, "hash", &cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Stop)
	return c
}

func newMessage(chat int64, id int32) *tg.Updates {
	return &tg.Updates{
		Users: []tg.UserClass{&tg.User{ID: chat, FirstName: tl.Some("u"), AccessHash: tl.Some(chat)}},
		Updates: []tg.UpdateClass{&tg.UpdateNewMessage{
			Message: &tg.Message{ID: id, PeerID: &tg.PeerUser{UserID: chat}, FromID: &tg.PeerUser{UserID: chat}, Date: 1700000000, Message: "m"},
			Pts:     id, PtsCount: 1,
		}},
	}
}

func TestHandlerMiddlewareAndGauges(t *testing.T) {
	r := newRig(t)
	c := offlineClient(t, r)
	unregister, err := r.tel.Instrument(c)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = unregister() }()
	c.OnMessage(func(_ *mtgo.Context, m *types.Message) error {
		if m.ID == 2 {
			return errors.New("boom")
		}
		return nil
	})
	for id := int32(1); id <= 3; id++ {
		if err := c.HandleUpdatesWait(context.Background(), newMessage(5, id)); err != nil {
			t.Fatal(err)
		}
	}
	if got := r.points(t, "mtgo.handler.duration")["mtgo.session=s1,mtgo.update=updateNewMessage"]; got != 3 {
		t.Errorf("handler runs measured %v, want 3", got)
	}
	if got := r.points(t, "mtgo.handler.errors")["mtgo.session=s1,mtgo.update=updateNewMessage"]; got != 1 {
		t.Errorf("handler errors %v, want 1", got)
	}
	var keys []string
	for _, s := range r.spans.GetSpans() {
		for _, a := range s.Attributes {
			if a.Key == telemetry.AttrUpdateKey {
				keys = append(keys, a.Value.AsString())
			}
		}
	}
	if diff := cmp.Diff([]string{"msg:1", "msg:2", "msg:3"}, keys); diff != "" {
		t.Errorf("span update keys (-want +got):\n%s", diff)
	}
	if _, ok := r.points(t, "mtgo.updates.lag")["mtgo.session=s1"]; !ok {
		t.Error("no mtgo.updates.lag gauge")
	}
	if _, ok := r.points(t, "mtgo.handler.queue")["mtgo.session=s1"]; !ok {
		t.Error("no mtgo.handler.queue gauge")
	}
}

// TestGaugesOfSeveralClients checks the gauges of one Telemetry instrumenting several
// clients (the workers of a fan-out): they add up the clients, where each client's
// observation used to replace the one before.
func TestGaugesOfSeveralClients(t *testing.T) {
	r := newRig(t)
	busy, idle := offlineClient(t, r), offlineClient(t, r)
	for _, c := range []*mtgo.Client{busy, idle} {
		unregister, err := r.tel.Instrument(c)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = unregister() }()
	}
	entered, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	busy.OnMessage(func(*mtgo.Context, *types.Message) error {
		once.Do(func() { close(entered) })
		<-release
		return nil
	})
	handled := make(chan error, 1)
	batch := newMessage(5, 1)
	for id := int32(2); id <= 3; id++ {
		batch.Updates = append(batch.Updates, newMessage(5, id).Updates...)
	}
	go func() { handled <- busy.HandleUpdatesWait(context.Background(), batch) }()
	<-entered
	// the first message runs; the other two wait in the chat's queue once dispatched
	deadline := time.Now().Add(30 * time.Second)
	for busy.LoadSnapshot().HandlerQueue != 2 {
		if time.Now().After(deadline) {
			t.Fatal("the two messages were never queued")
		}
		runtime.Gosched()
	}
	if got := r.points(t, "mtgo.handler.queue")["mtgo.session=s1"]; got != 2 {
		t.Errorf("mtgo.handler.queue = %v, want 2 (2 + 0)", got)
	}
	close(release)
	if err := <-handled; err != nil {
		t.Fatal(err)
	}
}

func TestUpdateEventsOption(t *testing.T) {
	r := newRig(t)
	_ = offlineClient(t, r) // the option builds into a client
	hook := telemetry.HookForTest(r.tel)
	hook(updates.Event{Kind: updates.EventGap, Sequence: updates.SequencePts})
	hook(updates.Event{Kind: updates.EventRecoveryFinished, Sequence: updates.SequencePts, Duration: 30 * time.Millisecond})
	got := r.points(t, "mtgo.updates.events")
	want := map[string]float64{
		"mtgo.session=s1,mtgo.updates.event=gap,mtgo.updates.sequence=pts":               1,
		"mtgo.session=s1,mtgo.updates.event=recovery finished,mtgo.updates.sequence=pts": 1,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	if got := r.points(t, "mtgo.updates.recovery.duration")["mtgo.session=s1,mtgo.updates.sequence=pts"]; got != 1 {
		t.Errorf("recoveries measured %v", got)
	}
}

func TestTransferProgress(t *testing.T) {
	r := newRig(t)
	p := r.tel.TransferProgress(context.Background(), "upload")
	for _, done := range []int64{100, 250, 250, 1000} {
		p(done, 1000)
	}
	if got := r.points(t, "mtgo.transfer.bytes")["mtgo.session=s1,mtgo.transfer.direction=upload"]; got != 1000 {
		t.Errorf("bytes %v, want 1000", got)
	}
}

// TestTransferProgressSeveralFiles feeds the callback as an album's upload does (one
// callback for the call, each file counted from zero): every file's bytes are counted,
// the second of two files of one size too.
func TestTransferProgressSeveralFiles(t *testing.T) {
	r := newRig(t)
	p := r.tel.TransferProgress(context.Background(), "upload")
	for _, c := range [][2]int64{{600, 1000}, {1000, 1000}, {300, 500}, {500, 500}, {500, 500}, {200, -1}, {700, -1}} {
		p(c[0], c[1])
	}
	if got := r.points(t, "mtgo.transfer.bytes")["mtgo.session=s1,mtgo.transfer.direction=upload"]; got != 2700 {
		t.Errorf("bytes %v, want 2700 (files of 1000, 500, 500 and 700)", got)
	}
}
