package session

import (
	"fmt"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// InitConnection describes the client to the server. When set in Options, the first calls of
// every connection (until one is answered) go out wrapped as
// invokeWithLayer(Layer, initConnection(..., query)), as Telegram requires.
type InitConnection struct {
	// Layer is the API layer the client speaks.
	Layer int32
	// APIID is the application id from my.telegram.org.
	APIID int32
	// DeviceModel, SystemVersion and AppVersion describe the client.
	DeviceModel, SystemVersion, AppVersion string
	// SystemLangCode, LangPack and LangCode select the language.
	SystemLangCode, LangPack, LangCode string
}

// noQuery encodes nothing: it stands for the wrapped query when building the prefix.
type noQuery struct{}

// Encode writes nothing.
func (noQuery) Encode(*tl.Buffer) error { return nil }

// Prefix returns the encoding of invokeWithLayer and initConnection up to their query field:
// the bytes that go in front of a call's body.
func (i InitConnection) Prefix() ([]byte, error) {
	var b tl.Buffer
	req := &tg.InvokeWithLayerRequest{
		Layer: i.Layer,
		Query: &tg.InitConnectionRequest{
			APIID:          i.APIID,
			DeviceModel:    i.DeviceModel,
			SystemVersion:  i.SystemVersion,
			AppVersion:     i.AppVersion,
			SystemLangCode: i.SystemLangCode,
			LangPack:       i.LangPack,
			LangCode:       i.LangCode,
			Query:          noQuery{},
		},
	}
	if err := req.Encode(&b); err != nil {
		return nil, fmt.Errorf("session: encode initConnection: %w", err)
	}
	return b.Buf, nil
}
