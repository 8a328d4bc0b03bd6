package mtgo

import (
	"context"
	"errors"
	"fmt"

	"github.com/mtgo-labs/mtgo/client/option"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Album limits: Telegram groups 2 to 10 items.
const (
	MinAlbumItems = 2
	MaxAlbumItems = 10
)

var (
	// ErrAlbumSize reports an album of fewer than MinAlbumItems or more than MaxAlbumItems.
	ErrAlbumSize = errors.New("mtgo: an album has 2 to 10 items")
	// ErrAlbumKind reports an album item of a kind albums cannot hold (only photos, videos,
	// documents and audio), or a mix other than photos with videos.
	ErrAlbumKind = errors.New("mtgo: media kind cannot be grouped in this album")
)

// albumGroup says which kinds an album may mix: photos with videos; documents and audio
// each only with their own kind; 0 for kinds albums cannot hold.
func albumGroup(k types.MediaKind) int {
	switch k {
	case types.KindPhoto, types.KindVideo:
		return 1
	case types.KindDocument:
		return 2
	case types.KindAudio:
		return 3
	}
	return 0
}

// checkAlbum checks the size and kinds of an album before anything is uploaded.
func checkAlbum(items []types.AlbumItem) error {
	if len(items) < MinAlbumItems || len(items) > MaxAlbumItems {
		return fmt.Errorf("%w: got %d", ErrAlbumSize, len(items))
	}
	group := 0
	for i, it := range items {
		g := albumGroup(it.Kind)
		if g == 0 || (group != 0 && g != group) {
			return fmt.Errorf("%w: item %d is a %v after a %v", ErrAlbumKind, i, it.Kind, items[0].Kind)
		}
		group = g
	}
	return nil
}

// SendMediaGroup sends items as one album to chat (anything ResolvePeer accepts) and returns
// the sent messages in order, which share a MediaGroupID. Each item's Media is any media
// argument SendMedia takes; files are uploaded first (messages.uploadMedia), as Telegram
// groups only stored media. Each caption is read with the call's parse mode unless the item
// has Entities. The SendOptions apply to every item (reply, silent, schedule, protection,
// effect, send-as, and the media options: spoiler, progress, ...); WithCaption and
// WithReplyMarkup do not (captions are per item; albums carry no keyboard).
func (c *Client) SendMediaGroup(ctx context.Context, chat any, items []types.AlbumItem, opts ...SendOption) ([]*types.Message, error) {
	if err := checkAlbum(items); err != nil {
		return nil, err
	}
	p := option.CollectSend(opts)
	ip, err := c.ResolvePeer(ctx, chat)
	if err != nil {
		return nil, err
	}
	out, err := c.resolveSend(ctx, p)
	if err != nil {
		return nil, err
	}
	req := &tg.MessagesSendMultiMediaRequest{Peer: ip}
	out.toAlbum(req)
	for i, it := range items {
		single, err := c.albumItem(ctx, ip, it, p)
		if err != nil {
			return nil, fmt.Errorf("mtgo: album item %d: %w", i, err)
		}
		req.MultiMedia = append(req.MultiMedia, single)
	}
	var res tg.UpdatesClassBox
	if err := c.businessCall(ctx, out.business, req, &res); err != nil {
		return nil, fmt.Errorf("mtgo: send album: %w", err)
	}
	rids := make([]int64, len(req.MultiMedia))
	for i, s := range req.MultiMedia {
		rids[i] = s.RandomID
	}
	msgs, err := findAllSent(clientAPI{c: c}, res.Updates, rids)
	if err != nil {
		return msgs, fmt.Errorf("mtgo: send album: %w", err)
	}
	for _, m := range msgs {
		if out.business != "" { // the business account's messages: not for our cache
			m.BusinessConnectionID = out.business
		} else {
			c.msgCache.add(m)
		}
	}
	return msgs, nil
}

// toAlbum copies the fields into messages.sendMultiMedia, which has no reply markup or link
// preview (the items' captions carry their own entities).
func (o *outgoing) toAlbum(r *tg.MessagesSendMultiMediaRequest) {
	r.ReplyTo, r.ScheduleDate, r.SendAs, r.Effect, r.AllowPaidStars = o.replyTo, o.schedule, o.sendAs, o.effect, o.paidStars
	r.Silent, r.Noforwards, r.InvertMedia = o.silent, o.protect, o.invertMedia
}

// albumItem turns one album item into what messages.sendMultiMedia takes: its media stored
// on the server (uploaded files go through messages.uploadMedia) and its caption.
func (c *Client) albumItem(ctx context.Context, ip tg.InputPeerClass, it types.AlbumItem, p option.SendParams) (tg.InputSingleMedia, error) {
	mo := p.Media
	mo.Spoiler = mo.Spoiler || it.Spoiler
	in, err := c.mediaOf(ctx, it.Kind, it.Media, mo)
	if err != nil {
		return tg.InputSingleMedia{}, err
	}
	switch in.(type) {
	case *tg.InputMediaUploadedPhoto, *tg.InputMediaUploadedDocument:
		var res tg.MessageMediaClassBox
		if err := c.call(ctx, &tg.MessagesUploadMediaRequest{Peer: ip, Media: in}, &res); err != nil {
			return tg.InputSingleMedia{}, fmt.Errorf("upload media: %w", err)
		}
		if in, err = inputMediaOf(res.MessageMedia); err != nil {
			return tg.InputSingleMedia{}, err
		}
		if in, err = withMediaFlags(in, mo); err != nil {
			return tg.InputSingleMedia{}, err
		}
	}
	text := p.Text
	if it.Entities != nil {
		text.Entities, text.EntitiesSet = it.Entities, true
	}
	caption, ents, err := c.messageText(ctx, it.Caption, text)
	if err != nil {
		return tg.InputSingleMedia{}, err
	}
	return tg.InputSingleMedia{Media: in, RandomID: randomID(), Message: caption, Entities: ents}, nil
}
