package services

import (
	"context"
	"fmt"

	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/mt"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Connection-level methods: the wrappers that carry other queries, ping and help.*.

// typed adapts a handler of one concrete request type to Handler.
func typed[R tl.Object](h func(ctx context.Context, c *Caller, req R) (tl.Encoder, error)) Handler {
	return func(ctx context.Context, c *Caller, req tl.Object) (tl.Encoder, error) {
		r, ok := req.(R)
		if !ok {
			return nil, fmt.Errorf("services: %s routed to the wrong handler: %w", req.TypeName(), ErrInputMethodInvalid)
		}
		return h(ctx, c, r)
	}
}

func (d *Dispatcher) registerCore() {
	d.handlers[tg.InvokeWithLayerRequestTypeID] = typed(d.invokeWithLayer)
	d.handlers[tg.InitConnectionRequestTypeID] = typed(d.initConnection)
	d.handlers[tg.InvokeWithoutUpdatesRequestTypeID] = typed(d.invokeWithoutUpdates)
	d.handlers[tg.InvokeAfterMsgRequestTypeID] = typed(d.invokeAfterMsg)
	d.handlers[tg.InvokeAfterMsgsRequestTypeID] = typed(d.invokeAfterMsgs)
	d.handlers[mt.PingRequestTypeID] = typed(d.ping)
	d.handlers[tg.HelpGetConfigRequestTypeID] = typed(d.helpGetConfig)
	d.handlers[tg.HelpGetNearestDCRequestTypeID] = typed(d.helpGetNearestDC)
}

func (d *Dispatcher) invokeWithLayer(ctx context.Context, c *Caller, req *tg.InvokeWithLayerRequest) (tl.Encoder, error) {
	c.setLayer(req.Layer)
	return d.inner(ctx, c, req.Query)
}

func (d *Dispatcher) initConnection(ctx context.Context, c *Caller, req *tg.InitConnectionRequest) (tl.Encoder, error) {
	c.setConn(ConnInfo{
		APIID:          req.APIID,
		DeviceModel:    req.DeviceModel,
		SystemVersion:  req.SystemVersion,
		AppVersion:     req.AppVersion,
		SystemLangCode: req.SystemLangCode,
		LangPack:       req.LangPack,
		LangCode:       req.LangCode,
	})
	return d.inner(ctx, c, req.Query)
}

func (d *Dispatcher) invokeWithoutUpdates(ctx context.Context, c *Caller, req *tg.InvokeWithoutUpdatesRequest) (tl.Encoder, error) {
	return d.inner(ctx, c, req.Query)
}

func (d *Dispatcher) invokeAfterMsg(ctx context.Context, c *Caller, req *tg.InvokeAfterMsgRequest) (tl.Encoder, error) {
	// Requests are answered in arrival order per connection already, which satisfies the
	// ordering invokeAfterMsg asks for.
	return d.inner(ctx, c, req.Query)
}

func (d *Dispatcher) invokeAfterMsgs(ctx context.Context, c *Caller, req *tg.InvokeAfterMsgsRequest) (tl.Encoder, error) {
	// As invokeAfterMsg: the messages named came earlier and were answered in order.
	return d.inner(ctx, c, req.Query)
}

func (d *Dispatcher) ping(ctx context.Context, c *Caller, req *mt.PingRequest) (tl.Encoder, error) {
	return &mt.Pong{MsgID: MsgID(ctx), PingID: req.PingID}, nil
}

func (d *Dispatcher) callerDC(c *Caller) int {
	if c.DC != 0 {
		return c.DC
	}
	return d.thisDC
}

// webfileDC is the data center serving upload.getWebFile (config.webfile_dc_id): the world's
// default DC (where accounts created without one live, 2 unless configured) when the cluster
// has it, else its lowest-numbered DC; a client on another DC must route its web files there.
// Without a list of data centers it is the caller's.
func (d *Dispatcher) webfileDC(c *Caller) int {
	def, best := d.w.DefaultDC(), 0
	for _, o := range d.DCs() {
		switch {
		case o.ID == def:
			return def
		case best == 0 || o.ID < best:
			best = o.ID
		}
	}
	if best == 0 {
		return d.callerDC(c)
	}
	return best
}

func (d *Dispatcher) helpGetNearestDC(ctx context.Context, c *Caller, req *tg.HelpGetNearestDCRequest) (tl.Encoder, error) {
	dc := int32(d.callerDC(c))
	return &tg.NearestDC{Country: "NL", ThisDC: dc, NearestDC: dc}, nil
}

func (d *Dispatcher) helpGetConfig(ctx context.Context, c *Caller, req *tg.HelpGetConfigRequest) (tl.Encoder, error) {
	now := d.w.Now()
	opts := make([]tg.DCOption, 0, len(d.DCs()))
	for _, o := range d.DCs() {
		opts = append(opts, tg.DCOption{
			IPv6:      o.Addr.Addr().Is6() && !o.Addr.Addr().Is4In6(),
			MediaOnly: o.Media,
			TcpoOnly:  o.TCPO,
			ID:        int32(o.ID),
			IPAddress: o.Addr.Addr().Unmap().String(),
			Port:      int32(o.Addr.Port()),
		})
	}
	return &tg.Config{
		Date:                    int32(now.Unix()),
		Expires:                 int32(now.Unix()) + 3600,
		TestMode:                true,
		ThisDC:                  int32(d.callerDC(c)),
		DCOptions:               opts,
		DCTxtDomainName:         "localhost",
		ChatSizeMax:             200,
		MegagroupSizeMax:        200000,
		ForwardedCountMax:       world.MaxForwardIDs,
		OnlineUpdatePeriodMs:    210000,
		OfflineBlurTimeoutMs:    5000,
		OfflineIdleTimeoutMs:    30000,
		OnlineCloudTimeoutMs:    300000,
		NotifyCloudDelayMs:      30000,
		NotifyDefaultDelayMs:    1500,
		PushChatPeriodMs:        60000,
		PushChatLimit:           2,
		EditTimeLimit:           172800,
		RevokeTimeLimit:         2147483647,
		RevokePmTimeLimit:       2147483647,
		RatingEDecay:            2419200,
		StickersRecentLimit:     200,
		ChannelsReadMediaPeriod: 604800,
		CallReceiveTimeoutMs:    20000,
		CallRingTimeoutMs:       90000,
		CallConnectTimeoutMs:    30000,
		CallPacketTimeoutMs:     10000,
		MeURLPrefix:             "https://t.me/",
		CaptionLengthMax:        1024,
		MessageLengthMax:        4096,
		WebfileDCID:             int32(d.webfileDC(c)),
	}, nil
}
