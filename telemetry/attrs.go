// Package telemetry reports an mtgo client's work as OpenTelemetry traces and metrics: calls
// (method, data center, latency, errors, flood waits), connections (state, round trip,
// reconnects), the update engine (gaps, recoveries, lag) and handlers (latency, errors),
// and file transfers. It is a module of its own so the client stays free of the SDK.
//
//	tel, _ := telemetry.New(telemetry.Options{MeterProvider: mp, TracerProvider: tp})
//	cfg.FxOptions = append(cfg.FxOptions, tel.UpdateEvents()) // before NewClient
//	client, _ := mtgo.NewClient(apiID, apiHash, &cfg)
//	unregister, _ := tel.Instrument(client)
//
// The attribute names below are the same in spans, metrics and the log records of the
// modules (Attr* for OpenTelemetry, the Log* keys for slog), so a query on one finds the
// others.
package telemetry

import "go.opentelemetry.io/otel/attribute"

// Attribute keys of spans and metrics.
const (
	// AttrMethod is the TL method of a call ("messages.sendMessage").
	AttrMethod = attribute.Key("rpc.method")
	// AttrDC is a data center number.
	AttrDC = attribute.Key("mtgo.dc")
	// AttrErrorType is what a call failed with: the RPC error's type ("FLOOD_WAIT",
	// "PEER_ID_INVALID"; "_OTHER" for a message not shaped like Telegram's, so the label
	// stays bounded), "canceled", "deadline" or "transport".
	AttrErrorType = attribute.Key("error.type")
	// AttrErrorCode is the RPC error's numeric code (400, 420, ...).
	AttrErrorCode = attribute.Key("rpc.error_code")
	// AttrUpdate is an update's TL type ("updateNewMessage").
	AttrUpdate = attribute.Key("mtgo.update")
	// AttrUpdateKey is an update's idempotency key (mtgo.UpdateKey).
	AttrUpdateKey = attribute.Key("mtgo.update.key")
	// AttrEvent is an update engine event ("gap", "recovery finished").
	AttrEvent = attribute.Key("mtgo.updates.event")
	// AttrSequence is the update sequence of an event ("pts", "qts", "channel").
	AttrSequence = attribute.Key("mtgo.updates.sequence")
	// AttrConnKind is a connection's role ("home", "main", "media", "cdn").
	AttrConnKind = attribute.Key("mtgo.conn.kind")
	// AttrConnState is a connection's state ("connected", "waiting").
	AttrConnState = attribute.Key("mtgo.conn.state")
	// AttrDirection is a transfer's direction ("upload", "download").
	AttrDirection = attribute.Key("mtgo.transfer.direction")
	// AttrSession is the session name of the client.
	AttrSession = attribute.Key("mtgo.session")
)

// Keys of slog attributes, for log records that name the same things.
const (
	LogMethod    = string(AttrMethod)
	LogDC        = string(AttrDC)
	LogErrorType = string(AttrErrorType)
	LogUpdate    = string(AttrUpdate)
	LogUpdateKey = string(AttrUpdateKey)
	LogSession   = string(AttrSession)
	// LogError is the key of an error value.
	LogError = "err"
)
