package types

import (
	"context"
	"encoding/base64"
	"fmt"

	"github.com/mtgo-labs/mtgo/client/option"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// InlineQuery is what a user types after a bot's username in any chat ("@bot query"),
// received by that bot when it has inline mode on.
type InlineQuery struct {
	// ID identifies the query; the bot answers it with Answer.
	ID int64
	// From is the user who typed the query (with its id only when the update did not carry
	// the user).
	From *User
	// Query is the text typed.
	Query string
	// Offset is the offset of the results asked for, as the bot's last answer set it
	// (empty for the first page).
	Offset string
	// PeerType is the kind of chat the query was typed in, nil when unknown.
	PeerType tg.InlineQueryPeerTypeClass
	// Geo is the user's location, for bots that ask for it; nil otherwise.
	Geo tg.GeoPointClass
	// Raw is the update the query was built from.
	Raw *tg.UpdateBotInlineQuery

	api API
}

// NewInlineQuery builds an InlineQuery from updateBotInlineQuery with the users in e, bound to
// api (nil for an unbound value). It returns nil for any other update.
func NewInlineQuery(api API, u tg.UpdateClass, e Entities) *InlineQuery {
	q, ok := u.(*tg.UpdateBotInlineQuery)
	if !ok || q == nil {
		return nil
	}
	return &InlineQuery{
		ID: q.QueryID, From: e.userOrID(q.UserID), Query: q.Query, Offset: q.Offset,
		PeerType: q.PeerType, Geo: q.Geo, Raw: q, api: api,
	}
}

// Answer answers the query with results (articles, photos, ... as tg input results), with
// the options of the client's AnswerInlineQuery (mtgo.WithCacheTime, mtgo.WithPersonal,
// mtgo.WithNextOffset, ...).
func (q *InlineQuery) Answer(ctx context.Context, results []tg.InputBotInlineResultClass, opts ...option.InlineAnswer) error {
	if q == nil || q.api == nil {
		return ErrContextNoClient
	}
	return q.api.AnswerInline(ctx, q.ID, results, opts...)
}

// AnswerResults answers the query with results built by the NewInline... builders (see
// InlineResults), with the same options as Answer.
func (q *InlineQuery) AnswerResults(ctx context.Context, results []*InlineResult, opts ...option.InlineAnswer) error {
	in, err := InlineResults(results...)
	if err != nil {
		return err
	}
	return q.Answer(ctx, in, opts...)
}

// ParseInlineMessageID reads an inline message id in the Bot API's form (InlineMessageID
// writes it). It fails on anything that is not such an id.
func ParseInlineMessageID(s string) (tg.InputBotInlineMessageIDClass, error) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("mtgo: inline message id: %w", err)
	}
	var b tl.Buffer
	b.ResetTo(raw)
	var id tg.InputBotInlineMessageIDClass
	switch len(raw) {
	case 20: // dc_id:int id:long access_hash:long
		v := &tg.InputBotInlineMessageID{}
		err, id = v.DecodeBare(&b), v
	case 24: // dc_id:int owner_id:long id:int access_hash:long
		v := &tg.InputBotInlineMessageID64{}
		err, id = v.DecodeBare(&b), v
	default:
		return nil, fmt.Errorf("mtgo: inline message id: %d bytes, want 20 or 24", len(raw))
	}
	if err != nil {
		return nil, fmt.Errorf("mtgo: inline message id: %w", err)
	}
	return id, nil
}

// InlineMessageDC returns the data center of an inline message, where it must be edited; 0
// for nil.
func InlineMessageDC(id tg.InputBotInlineMessageIDClass) int {
	switch id := id.(type) {
	case *tg.InputBotInlineMessageID:
		return int(id.DCID)
	case *tg.InputBotInlineMessageID64:
		return int(id.DCID)
	}
	return 0
}
