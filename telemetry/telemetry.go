package telemetry

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"
	"go.uber.org/fx"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/rpcerr"
	"github.com/mtgo-labs/mtgo/tl/tg"
	"github.com/mtgo-labs/mtgo/updates"
)

// scope is the instrumentation scope's name.
const scope = "github.com/mtgo-labs/mtgo/telemetry"

// Options configures New. Zero values pick the defaults named on each field.
type Options struct {
	// MeterProvider makes the instruments. Default otel.GetMeterProvider().
	MeterProvider metric.MeterProvider
	// TracerProvider makes the spans. Default otel.GetTracerProvider().
	TracerProvider trace.TracerProvider
	// Session, when set, is added to every measurement as mtgo.session (several clients in
	// one process).
	Session string
}

// Telemetry holds the instruments. One Telemetry may instrument several clients.
type Telemetry struct {
	tracer trace.Tracer
	meter  metric.Meter
	common []attribute.KeyValue

	rpcDuration   metric.Float64Histogram
	rpcErrors     metric.Int64Counter
	floodWaits    metric.Int64Counter
	floodWaitTime metric.Float64Histogram
	handlerTime   metric.Float64Histogram
	handlerErrors metric.Int64Counter
	updEvents     metric.Int64Counter
	recoveryTime  metric.Float64Histogram
	transferBytes metric.Int64Counter

	registerOnce sync.Once // the gauges and their callback, at the first Instrument
	registerErr  error
	gaugeMu      sync.Mutex
	clients      []*mtgo.Client // instrumented, read by the gauges' callback
}

// New creates the instruments.
func New(opts Options) (*Telemetry, error) {
	if opts.MeterProvider == nil {
		opts.MeterProvider = otel.GetMeterProvider()
	}
	if opts.TracerProvider == nil {
		opts.TracerProvider = otel.GetTracerProvider()
	}
	t := &Telemetry{tracer: opts.TracerProvider.Tracer(scope), meter: opts.MeterProvider.Meter(scope)}
	if opts.Session != "" {
		t.common = []attribute.KeyValue{AttrSession.String(opts.Session)}
	}
	m := t.meter
	var errs []error
	hist := func(name, desc string) metric.Float64Histogram {
		h, err := m.Float64Histogram(name, metric.WithDescription(desc), metric.WithUnit("s"),
			metric.WithExplicitBucketBoundaries(.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60))
		errs = append(errs, err)
		return h
	}
	count := func(name, desc, unit string) metric.Int64Counter {
		c, err := m.Int64Counter(name, metric.WithDescription(desc), metric.WithUnit(unit))
		errs = append(errs, err)
		return c
	}
	t.rpcDuration = hist("mtgo.rpc.duration", "Duration of the client's calls, by method and outcome.")
	t.rpcErrors = count("mtgo.rpc.errors", "Calls that failed, by method and error type.", "{call}")
	t.floodWaits = count("mtgo.rpc.flood_waits", "FLOOD_WAIT answers returned to the caller, by method.", "{call}")
	t.floodWaitTime = hist("mtgo.rpc.flood_wait.duration", "Waits the FLOOD_WAIT answers asked for.")
	t.handlerTime = hist("mtgo.handler.duration", "Duration of the handlers' run on one update, by update type.")
	t.handlerErrors = count("mtgo.handler.errors", "Handler runs that returned an error or panicked, by update type.", "{update}")
	t.updEvents = count("mtgo.updates.events", "Update engine events (gaps, recoveries, overflows), by kind and sequence.", "{event}")
	t.recoveryTime = hist("mtgo.updates.recovery.duration", "Duration of the update engine's finished gap recoveries.")
	t.transferBytes = count("mtgo.transfer.bytes", "Bytes of files uploaded and downloaded, by direction.", "By")
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("telemetry: instruments: %w", err)
	}
	return t, nil
}

func (t *Telemetry) attrs(kv ...attribute.KeyValue) metric.MeasurementOption {
	return metric.WithAttributes(append(kv, t.common...)...)
}

// InvokerMiddleware returns the middleware that traces and measures the client's calls;
// Instrument adds it. dc names the data center a call goes to (the home one: the
// middleware runs before migrations); nil leaves it out.
func (t *Telemetry) InvokerMiddleware(dc func() int) mtgo.InvokerMiddleware {
	return func(next tg.Invoker) tg.Invoker {
		return mtgo.InvokerFunc(func(ctx context.Context, in tl.Encoder, out tl.Decoder) error {
			method := methodOf(in)
			kv := []attribute.KeyValue{AttrMethod.String(method)}
			if dc != nil {
				if n := dc(); n != 0 {
					kv = append(kv, AttrDC.Int(n))
				}
			}
			ctx, span := t.tracer.Start(ctx, method, trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(kv...))
			start := time.Now()
			err := next.Invoke(ctx, in, out)
			took := time.Since(start).Seconds()
			if err != nil {
				ekv := errorAttrs(err)
				span.SetAttributes(ekv...)
				span.RecordError(err)
				span.SetStatus(codes.Error, string(ekv[0].Value.AsString()))
				kv = append(kv, ekv...)
				t.rpcErrors.Add(ctx, 1, t.attrs(kv...))
				if wait, ok := rpcerr.FloodWait(err); ok {
					t.floodWaits.Add(ctx, 1, t.attrs(AttrMethod.String(method)))
					t.floodWaitTime.Record(ctx, wait.Seconds(), t.attrs(AttrMethod.String(method)))
				}
			}
			t.rpcDuration.Record(ctx, took, t.attrs(kv...))
			span.End()
			return err
		})
	}
}

// methodOf names the method of a request, looking through the invokeWith* wrappers.
func methodOf(in tl.Encoder) string {
	if o, ok := tg.UnwrapQuery(in).(tl.Object); ok {
		return o.TypeName()
	}
	if o, ok := in.(tl.Object); ok {
		return o.TypeName()
	}
	return fmt.Sprintf("%T", in)
}

// errorAttrs classifies err; the first attribute is always AttrErrorType.
func errorAttrs(err error) []attribute.KeyValue {
	if e, ok := rpcerr.As(err); ok {
		return []attribute.KeyValue{AttrErrorType.String(errorType(e.Type)), AttrErrorCode.Int(e.Code)}
	}
	switch {
	case errors.Is(err, context.Canceled):
		return []attribute.KeyValue{AttrErrorType.String("canceled")}
	case errors.Is(err, context.DeadlineExceeded):
		return []attribute.KeyValue{AttrErrorType.String("deadline")}
	}
	return []attribute.KeyValue{AttrErrorType.String("transport")}
}

// otherError is the error type of an RPC error whose message is not shaped like Telegram's
// (OpenTelemetry's name for an error type it cannot name).
const otherError = "_OTHER"

// maxErrorType bounds an error type's length; Telegram's are well below.
const maxErrorType = 64

// errorType returns t, an RPC error's type, when it is shaped like Telegram's (capitals,
// digits and underscores, no field that is a number: rpcerr took the first one out), else
// otherError: error.type is a metric label, and a message with free text or a second number
// would add a series per message.
func errorType(t string) string {
	if t == "" || len(t) > maxErrorType {
		return otherError
	}
	for _, field := range strings.Split(t, "_") {
		digits := true
		for i := 0; i < len(field); i++ {
			switch c := field[i]; {
			case c >= '0' && c <= '9':
			case c >= 'A' && c <= 'Z':
				digits = false
			default:
				return otherError
			}
		}
		if digits && field != "" {
			return otherError
		}
	}
	return t
}

// HandlerMiddleware returns the middleware that traces and measures the handlers' run on
// each update; Instrument adds it.
func (t *Telemetry) HandlerMiddleware() mtgo.Middleware {
	return func(next mtgo.HandlerFunc) mtgo.HandlerFunc {
		return func(c *mtgo.Context) (err error) {
			kind := "none"
			if c.Update != nil {
				kind = c.Update.TypeName()
			}
			kv := []attribute.KeyValue{AttrUpdate.String(kind)}
			ctx, span := t.tracer.Start(c, "handle "+kind, trace.WithAttributes(append(kv, AttrUpdateKey.String(c.UpdateKey()))...))
			start := time.Now()
			defer func() {
				p := recover()
				if p != nil {
					err = &mtgo.PanicError{Value: p}
				}
				t.handlerTime.Record(ctx, time.Since(start).Seconds(), t.attrs(kv...))
				if err != nil {
					t.handlerErrors.Add(ctx, 1, t.attrs(kv...))
					span.RecordError(err)
					span.SetStatus(codes.Error, "handler failed")
				}
				span.End()
				if p != nil {
					panic(p) // the dispatcher's own recovery reports it to OnError
				}
			}()
			return next(c)
		}
	}
}

// UpdateEvents returns the option that counts the update engine's events: add it to
// Config.FxOptions before NewClient.
func (t *Telemetry) UpdateEvents() fx.Option {
	return mtgo.WithUpdateEvents(updates.HookFunc(t.onUpdateEvent))
}

func (t *Telemetry) onUpdateEvent(e updates.Event) {
	ctx := context.Background()
	kv := []attribute.KeyValue{AttrEvent.String(e.Kind.String()), AttrSequence.String(e.Sequence.String())}
	t.updEvents.Add(ctx, 1, t.attrs(kv...))
	if e.Kind == updates.EventRecoveryFinished {
		t.recoveryTime.Record(ctx, e.Duration.Seconds(), t.attrs(AttrSequence.String(e.Sequence.String())))
	}
}

// TransferProgress returns a progress callback (option.Progress of an upload or download)
// that counts the bytes moved; direction is "upload" or "download". One callback may serve
// the files of one call one after another (an album's uploads, each counted from zero): a
// call with less done than the one before, or after a file reached its total, starts the
// next file. Calls must not overlap.
func (t *Telemetry) TransferProgress(ctx context.Context, direction string) func(done, total int64) {
	var last int64
	complete := false // the last file reached its known total
	return func(done, total int64) {
		if done < last || complete {
			last = 0 // the next file
		}
		if d := done - last; d > 0 {
			t.transferBytes.Add(ctx, d, t.attrs(AttrDirection.String(direction)))
		}
		last = max(last, done)
		complete = total > 0 && done >= total
	}
}

// Instrument adds the call and handler middleware to c and registers the gauges read from
// it (connection states and round trips, reconnects, update lag, queued updates). The
// returned function unregisters c's gauges; the middleware stays for the client's life.
//
// The gauges of several clients instrumented by one Telemetry add up: connections, queued
// updates, calls and reconnects are summed over the clients, the update lag and each
// connection's round trip (a series per data center, role and lane) are the largest.
func (t *Telemetry) Instrument(c *mtgo.Client) (unregister func() error, err error) {
	// The callback is registered once and never unregistered: the SDK runs callbacks under
	// its own lock, which Unregister takes too, so a callback waiting for gaugeMu while
	// Unregister ran under it would deadlock a collection. An empty list observes nothing.
	t.registerOnce.Do(func() { t.registerErr = t.registerGauges() })
	if t.registerErr != nil {
		return nil, t.registerErr
	}
	c.UseInvokerMiddleware(t.InvokerMiddleware(c.DC))
	c.UseMiddleware(t.HandlerMiddleware())
	t.gaugeMu.Lock()
	t.clients = append(t.clients, c)
	t.gaugeMu.Unlock()
	var once sync.Once
	return func() error {
		once.Do(func() {
			t.gaugeMu.Lock()
			defer t.gaugeMu.Unlock()
			if i := slices.Index(t.clients, c); i >= 0 {
				t.clients = slices.Delete(t.clients, i, i+1)
			}
		})
		return nil
	}, nil
}

// registerGauges creates the observable instruments and registers the one callback that
// reads every instrumented client.
func (t *Telemetry) registerGauges() error {
	m := t.meter
	var errs []error
	gauge := func(name, desc, unit string) metric.Float64ObservableGauge {
		g, err := m.Float64ObservableGauge(name, metric.WithDescription(desc), metric.WithUnit(unit))
		errs = append(errs, err)
		return g
	}
	conns := gauge("mtgo.conn.count", "Running connections, by data center, role and state.", "{connection}")
	rtt := gauge("mtgo.conn.rtt", "Smoothed ping round trip of each connection.", "s")
	lag := gauge("mtgo.updates.lag", "Time the last batch of updates took from arrival until its handlers finished.", "s")
	queue := gauge("mtgo.handler.queue", "Updates queued for the handlers.", "{update}")
	reconnects, err := m.Int64ObservableCounter("mtgo.conn.reconnects", metric.WithDescription("Redials of the home connection after it broke."), metric.WithUnit("{reconnect}"))
	errs = append(errs, err)
	calls, err := m.Int64ObservableCounter("mtgo.rpc.calls", metric.WithDescription("Calls made by the client, its layers included."), metric.WithUnit("{call}"))
	errs = append(errs, err)
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("telemetry: gauges: %w", err)
	}
	_, err = m.RegisterCallback(func(_ context.Context, o metric.Observer) error {
		t.gaugeMu.Lock()
		clients := slices.Clone(t.clients)
		t.gaugeMu.Unlock()
		if len(clients) == 0 {
			return nil
		}
		type connKey struct {
			dc          int
			kind, state string
		}
		type laneKey struct {
			dc, lane int
			kind     string
		}
		counts := map[connKey]int{}
		rtts := map[laneKey]time.Duration{}
		var maxLag time.Duration
		var queued, made, redials int64
		for _, c := range clients {
			for _, cs := range c.ConnectionSnapshot().Conns {
				counts[connKey{cs.DC, cs.Kind, cs.State.String()}]++
				if k := (laneKey{cs.DC, cs.Lane, cs.Kind}); cs.RTT > rtts[k] {
					rtts[k] = cs.RTT
				}
			}
			load := c.LoadSnapshot()
			maxLag = max(maxLag, load.UpdateLag)
			queued += int64(load.HandlerQueue)
			made += load.Calls
			redials += c.Health().Reconnects
		}
		for k, n := range counts {
			o.ObserveFloat64(conns, float64(n), t.attrs(AttrDC.Int(k.dc), AttrConnKind.String(k.kind), AttrConnState.String(k.state)))
		}
		for k, d := range rtts {
			o.ObserveFloat64(rtt, d.Seconds(), t.attrs(AttrDC.Int(k.dc), AttrConnKind.String(k.kind), attribute.String("mtgo.conn.lane", strconv.Itoa(k.lane))))
		}
		o.ObserveFloat64(lag, maxLag.Seconds(), t.attrs())
		o.ObserveFloat64(queue, float64(queued), t.attrs())
		o.ObserveInt64(calls, made, t.attrs())
		o.ObserveInt64(reconnects, redials, t.attrs())
		return nil
	}, conns, rtt, lag, queue, reconnects, calls)
	if err != nil {
		return fmt.Errorf("telemetry: register gauges: %w", err)
	}
	return nil
}
