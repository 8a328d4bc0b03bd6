package world

import (
	"bytes"
	_ "embed"
	"encoding/hex"
	"slices"
	"strconv"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Group calls: voice chats and live streams in basic groups and channels. The world keeps
// the call, its participants and its RTMP stream key; it has no media plane, so a live
// stream's chunks (upload.getFile with inputGroupCallStream) are served from a fixture:
// testdata/callstream.ts, two seconds of H.264/AAC in MPEG-TS, cut into callChunks pieces on
// packet boundaries and played in a loop.

// Group call errors.
var (
	ErrGroupCallInvalid          = rpcErr(400, "GROUPCALL_INVALID")
	ErrGroupCallAlreadyStarted   = rpcErr(403, "GROUPCALL_ALREADY_STARTED")
	ErrGroupCallAlreadyDiscarded = rpcErr(400, "GROUPCALL_ALREADY_DISCARDED")
	ErrGroupCallJoinMissing      = rpcErr(400, "GROUPCALL_JOIN_MISSING")
	ErrGroupCallForbidden        = rpcErr(403, "GROUPCALL_FORBIDDEN")
	ErrGroupCallNotModified      = rpcErr(400, "GROUPCALL_NOT_MODIFIED")
	ErrScheduleDateInvalid       = rpcErr(400, "SCHEDULE_DATE_INVALID")
	ErrTimeTooBig                = rpcErr(400, "TIME_TOO_BIG")
	ErrTimeInvalid               = rpcErr(400, "TIME_INVALID")
	errGroupCallTitleTooLong     = rpcErr(400, "TITLE_INVALID")
)

const (
	maxGroupCallTitle       = 64
	callChunks              = 4 // pieces of the fixture stream
	callStreamChannel int32 = 1
)

//go:embed testdata/callstream.ts
var callStream []byte

// tsPacket is the MPEG-TS packet size; chunks are cut on its multiples.
const tsPacket = 188

// callChunk returns piece i (mod callChunks) of the fixture stream.
func callChunk(i int64) []byte {
	packets := len(callStream) / tsPacket
	per := (packets + callChunks - 1) / callChunks
	i %= callChunks
	start := min(int(i)*per*tsPacket, len(callStream))
	end := min(start+per*tsPacket, len(callStream))
	return callStream[start:end:end]
}

type groupCall struct {
	id, accessHash int64
	peer           Peer
	creator        int64
	title          string
	rtmp           bool
	created        int32 // date the call was created
	started        int32 // date it started; 0 while scheduled
	schedule       int32 // scheduled start, 0 if none
	version        int32
	streamDC       int
	members        map[int64]*callMember // user -> participant
	order          []int64               // join order
	discarded      bool
	duration       int32
}

type callMember struct {
	date   int32
	source int32
	muted  bool
}

// callsState is the world's group-call bookkeeping.
type callsState struct {
	byID   map[int64]*groupCall
	active map[Peer]int64 // peer -> its current (not discarded) call
}

func (w *World) calls() *callsState {
	if w.groupCalls.byID == nil {
		w.groupCalls.byID = make(map[int64]*groupCall)
		w.groupCalls.active = make(map[Peer]int64)
	}
	return &w.groupCalls
}

// canManageCall reports whether user may start and end calls in p (the basic group's
// creator, a channel's administrators), with the error to answer otherwise.
func (w *World) canManageCall(user int64, p Peer) error {
	switch p.Kind {
	case PeerChat:
		if ch := w.chats[p.ID]; ch == nil || ch.creator != user {
			return ErrChatAdminRequired
		}
	case PeerChannel:
		if ch := w.channels[p.ID]; ch == nil || !ch.isAdmin(user) {
			return ErrChatAdminRequired
		}
	default:
		return ErrPeerIDInvalid
	}
	return nil
}

// isCallMember reports whether user belongs to the chat the call lives in.
func (w *World) isChatMember(user int64, p Peer) bool {
	switch p.Kind {
	case PeerChat:
		if ch := w.chats[p.ID]; ch != nil {
			_, ok := ch.members[user]
			return ok
		}
	case PeerChannel:
		if ch := w.channels[p.ID]; ch != nil {
			return ch.members[user] != nil
		}
	}
	return false
}

// StreamRTMPURL answers phone.getGroupCallStreamRtmpUrl: the RTMP URL and a stream key for a
// peer the account may stream into (itself, a basic group it created, a channel it
// administers); revoke replaces the key. The URL is Config.RTMPURL.
func (w *World) StreamRTMPURL(key KeyID, in tg.InputPeerClass, revoke bool) (*tg.PhoneGroupCallStreamRTMPURL, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, p, err := w.authorizedPeer(key, in)
	if err != nil {
		return nil, err
	}
	if a.bot {
		return nil, ErrBotMethodInvalid
	}
	if p.Kind == PeerUser {
		if p.ID != a.id {
			return nil, ErrPeerIDInvalid
		}
	} else if err := w.canManageCall(a.id, p); err != nil {
		return nil, err
	}
	k, ok := w.rtmp[p]
	if !ok || revoke {
		var raw [12]byte
		if err := w.random(raw[:]); err != nil {
			return nil, err
		}
		k = strconv.FormatInt(p.ID, 10) + ":" + hex.EncodeToString(raw[:])
		w.rtmp[p] = k
	}
	return &tg.PhoneGroupCallStreamRTMPURL{URL: w.cfg.RTMPURL, Key: k}, nil
}

// CreateGroupCall answers phone.createGroupCall: an administrator starts (or schedules) a
// call in a basic group or channel, optionally as an RTMP live stream. Members receive
// updateGroupCall. GROUPCALL_ALREADY_STARTED while the chat has a call.
func (w *World) CreateGroupCall(key KeyID, in tg.InputPeerClass, rtmp bool, title string, schedule int32) (tg.UpdatesClass, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, err := w.authorizedUser(key)
	if err != nil {
		return nil, err
	}
	_, p, err := w.authorizedPeer(key, in)
	if err != nil {
		return nil, err
	}
	if err := w.canManageCall(a.id, p); err != nil {
		return nil, err
	}
	cs := w.calls()
	if _, ok := cs.active[p]; ok {
		return nil, ErrGroupCallAlreadyStarted
	}
	if len(title) > maxGroupCallTitle {
		return nil, errGroupCallTitleTooLong
	}
	now := w.now()
	if schedule != 0 && (schedule <= now || schedule > now+7*24*3600) {
		return nil, ErrScheduleDateInvalid
	}
	gc := &groupCall{
		id: w.randomInt64(), accessHash: w.randomInt64(), peer: p, creator: a.id, title: title, rtmp: rtmp,
		created: now, schedule: schedule, version: 1, streamDC: w.cfg.CallStreamDC, members: make(map[int64]*callMember),
	}
	if gc.streamDC == 0 {
		gc.streamDC = a.dc
	}
	if schedule == 0 {
		gc.started = now
	}
	cs.byID[gc.id] = gc
	cs.active[p] = gc.id
	return w.announceCall(a.id, key, gc), nil
}

// announceCall pushes updateGroupCall to the chat's members and returns the caller's copy
// (under w.mu).
func (w *World) announceCall(caller int64, skip KeyID, gc *groupCall) tg.UpdatesClass {
	var mine tg.UpdatesClass
	for _, uid := range w.chatMembers(gc.peer) {
		var r refs
		r.add(gc.peer)
		u := w.longUpdates(uid, []tg.UpdateClass{&tg.UpdateGroupCall{Peer: peerTG(gc.peer), Call: w.tgCall(uid, gc)}}, &r, w.now())
		if uid == caller {
			mine = u
		}
		w.push(uid, skip, u)
	}
	if mine == nil {
		var r refs
		r.add(gc.peer)
		mine = w.longUpdates(caller, []tg.UpdateClass{&tg.UpdateGroupCall{Peer: peerTG(gc.peer), Call: w.tgCall(caller, gc)}}, &r, w.now())
	}
	return mine
}

// chatMembers lists the people of a basic group or channel (under w.mu).
func (w *World) chatMembers(p Peer) []int64 {
	switch p.Kind {
	case PeerChat:
		if ch := w.chats[p.ID]; ch != nil {
			ids := make([]int64, 0, len(ch.members))
			for id := range ch.members {
				ids = append(ids, id)
			}
			slices.Sort(ids)
			return ids
		}
	case PeerChannel:
		if ch := w.channels[p.ID]; ch != nil {
			return ch.sortedMembers()
		}
	}
	return nil
}

func (w *World) tgCall(viewer int64, gc *groupCall) tg.GroupCallClass {
	if gc.discarded {
		return &tg.GroupCallDiscarded{ID: gc.id, AccessHash: gc.accessHash, Duration: gc.duration}
	}
	c := &tg.GroupCall{
		ID: gc.id, AccessHash: gc.accessHash, ParticipantsCount: int32(len(gc.members)), Version: gc.version,
		RTMPStream: gc.rtmp, CanChangeJoinMuted: viewer == gc.creator, Creator: viewer == gc.creator,
		JoinMuted: gc.rtmp, StreamDCID: someInt32(int32(gc.streamDC)),
	}
	if gc.title != "" {
		c.Title = tl.Some(gc.title)
	}
	if gc.started == 0 {
		c.ScheduleDate = someInt32(gc.schedule)
	}
	return c
}

// userCall is call for the person on key (BOT_METHOD_INVALID for bots) (under w.mu).
func (w *World) userCall(key KeyID, in tg.InputGroupCallClass) (*account, *groupCall, error) {
	a, err := w.authorizedUser(key)
	if err != nil {
		return nil, nil, err
	}
	gc, err := w.call(a, in)
	if err != nil {
		return nil, nil, err
	}
	return a, gc, nil
}

// call finds the call in and checks that the account may see it (under w.mu).
func (w *World) call(a *account, in tg.InputGroupCallClass) (*groupCall, error) {
	ic, ok := in.(*tg.InputGroupCall)
	if !ok || ic == nil {
		return nil, ErrGroupCallInvalid
	}
	gc := w.calls().byID[ic.ID]
	if gc == nil || gc.accessHash != ic.AccessHash {
		return nil, ErrGroupCallInvalid
	}
	if !w.isChatMember(a.id, gc.peer) && w.canManageCall(a.id, gc.peer) != nil {
		return nil, ErrGroupCallForbidden
	}
	return gc, nil
}

// ActiveGroupCall returns the current call of peer p for full chat info (channels.getFullChannel,
// messages.getFullChat), nil when none (under w.mu).
func (w *World) activeGroupCall(p Peer) *tg.InputGroupCall {
	id, ok := w.calls().active[p]
	if !ok {
		return nil
	}
	gc := w.groupCalls.byID[id]
	return &tg.InputGroupCall{ID: gc.id, AccessHash: gc.accessHash}
}

// ActiveGroupCall answers which call peer in has, for a client that has no full chat info:
// the world's stand-in for the call field of channelFull/chatFull. GROUPCALL_INVALID when
// none.
func (w *World) ActiveGroupCall(key KeyID, in tg.InputPeerClass) (*tg.InputGroupCall, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, p, err := w.authorizedPeer(key, in)
	if err != nil {
		return nil, err
	}
	if !w.isChatMember(a.id, p) && w.canManageCall(a.id, p) != nil {
		return nil, ErrChannelPrivate
	}
	c := w.activeGroupCall(p)
	if c == nil {
		return nil, ErrGroupCallInvalid
	}
	return c, nil
}

// GetGroupCall answers phone.getGroupCall: the call and up to limit participants.
func (w *World) GetGroupCall(key KeyID, in tg.InputGroupCallClass, limit int32) (*tg.PhoneGroupCall, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, gc, err := w.userCall(key, in)
	if err != nil {
		return nil, err
	}
	ps, next, r := w.callParticipants(a.id, gc, "", limit)
	users, chats := w.render(a.id, &r)
	return &tg.PhoneGroupCall{Call: w.tgCall(a.id, gc), Participants: ps, ParticipantsNextOffset: next, Users: users, Chats: chats}, nil
}

// GroupCallParticipants answers phone.getGroupParticipants: participants in join order,
// paged by an offset that is the index of the next one.
func (w *World) GroupCallParticipants(key KeyID, in tg.InputGroupCallClass, offset string, limit int32) (*tg.PhoneGroupParticipants, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, gc, err := w.userCall(key, in)
	if err != nil {
		return nil, err
	}
	ps, next, r := w.callParticipants(a.id, gc, offset, limit)
	users, chats := w.render(a.id, &r)
	return &tg.PhoneGroupParticipants{Count: int32(len(gc.members)), Participants: ps, NextOffset: next, Users: users, Chats: chats, Version: gc.version}, nil
}

func (w *World) callParticipants(viewer int64, gc *groupCall, offset string, limit int32) ([]tg.GroupCallParticipant, string, refs) {
	start := 0
	if offset != "" {
		if n, err := strconv.Atoi(offset); err == nil && n >= 0 {
			start = min(n, len(gc.order))
		}
	}
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	end := min(start+int(limit), len(gc.order))
	ps := make([]tg.GroupCallParticipant, 0, end-start)
	var r refs
	for _, uid := range gc.order[start:end] {
		m := gc.members[uid]
		ps = append(ps, tg.GroupCallParticipant{Peer: &tg.PeerUser{UserID: uid}, Date: m.date, Source: m.source,
			Muted: m.muted, Self: uid == viewer, CanSelfUnmute: !gc.rtmp})
		r.add(UserPeer(uid))
	}
	next := ""
	if end < len(gc.order) {
		next = strconv.Itoa(end)
	}
	return ps, next, r
}

// JoinGroupCall answers phone.joinGroupCall for a member joining as itself. Live streams
// (rtmp) take listeners without WebRTC parameters; voice chats want them but the world does
// not check their content.
func (w *World) JoinGroupCall(key KeyID, in tg.InputGroupCallClass, muted bool) (tg.UpdatesClass, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, gc, err := w.userCall(key, in)
	if err != nil {
		return nil, err
	}
	if gc.discarded {
		return nil, ErrGroupCallAlreadyDiscarded
	}
	if gc.started == 0 {
		return nil, ErrGroupCallForbidden // scheduled, not started yet
	}
	if _, ok := gc.members[a.id]; !ok {
		var b [4]byte
		_ = w.random(b[:])
		src := int32(uint32(b[0])<<24|uint32(b[1])<<16|uint32(b[2])<<8|uint32(b[3])) & 0x7fffffff
		gc.members[a.id] = &callMember{date: w.now(), source: src, muted: muted || gc.rtmp}
		gc.order = append(gc.order, a.id)
		gc.version++
	}
	return w.participantsChanged(a.id, key, gc, a.id, false), nil
}

// LeaveGroupCall answers phone.leaveGroupCall.
func (w *World) LeaveGroupCall(key KeyID, in tg.InputGroupCallClass) (tg.UpdatesClass, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, gc, err := w.userCall(key, in)
	if err != nil {
		return nil, err
	}
	if _, ok := gc.members[a.id]; !ok {
		return nil, ErrGroupCallJoinMissing
	}
	u := w.participantsChanged(a.id, key, gc, a.id, true)
	delete(gc.members, a.id)
	gc.order = slices.DeleteFunc(gc.order, func(id int64) bool { return id == a.id })
	gc.version++
	return u, nil
}

// participantsChanged tells the call's participants that user joined or left and returns
// the caller's updates (under w.mu).
func (w *World) participantsChanged(caller int64, skip KeyID, gc *groupCall, user int64, left bool) tg.UpdatesClass {
	m := gc.members[user]
	p := tg.GroupCallParticipant{Peer: &tg.PeerUser{UserID: user}, Date: m.date, Source: m.source, Muted: m.muted, Left: left, JustJoined: !left}
	var r refs
	r.add(UserPeer(user))
	upd := func(viewer int64) *tg.Updates {
		p.Self = viewer == user
		return w.longUpdates(viewer, []tg.UpdateClass{
			&tg.UpdateGroupCallParticipants{Call: &tg.InputGroupCall{ID: gc.id, AccessHash: gc.accessHash}, Participants: []tg.GroupCallParticipant{p}, Version: gc.version},
			&tg.UpdateGroupCall{Peer: peerTG(gc.peer), Call: w.tgCall(viewer, gc)},
		}, &r, w.now())
	}
	for _, uid := range gc.order {
		if uid != caller {
			w.push(uid, skip, upd(uid))
		}
	}
	return upd(caller)
}

// EditGroupCallTitle answers phone.editGroupCallTitle (administrators only).
func (w *World) EditGroupCallTitle(key KeyID, in tg.InputGroupCallClass, title string) (tg.UpdatesClass, error) {
	return w.manageCall(key, in, func(gc *groupCall) error {
		if len(title) > maxGroupCallTitle {
			return errGroupCallTitleTooLong
		}
		if gc.title == title {
			return ErrGroupCallNotModified
		}
		gc.title = title
		return nil
	})
}

// StartScheduledGroupCall answers phone.startScheduledGroupCall.
func (w *World) StartScheduledGroupCall(key KeyID, in tg.InputGroupCallClass) (tg.UpdatesClass, error) {
	return w.manageCall(key, in, func(gc *groupCall) error {
		if gc.started != 0 {
			return ErrGroupCallAlreadyStarted
		}
		gc.started = w.now()
		return nil
	})
}

// DiscardGroupCall answers phone.discardGroupCall: the call ends for everyone.
func (w *World) DiscardGroupCall(key KeyID, in tg.InputGroupCallClass) (tg.UpdatesClass, error) {
	return w.manageCall(key, in, func(gc *groupCall) error {
		if gc.discarded {
			return ErrGroupCallAlreadyDiscarded
		}
		gc.discarded = true
		if gc.started != 0 {
			gc.duration = w.now() - gc.started
		}
		delete(w.groupCalls.active, gc.peer)
		return nil
	})
}

// manageCall applies an administrator's change and announces the call (under w.mu).
func (w *World) manageCall(key KeyID, in tg.InputGroupCallClass, change func(*groupCall) error) (tg.UpdatesClass, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	a, gc, err := w.userCall(key, in)
	if err != nil {
		return nil, err
	}
	if err := w.canManageCall(a.id, gc.peer); err != nil {
		return nil, err
	}
	if gc.discarded {
		return nil, ErrGroupCallAlreadyDiscarded
	}
	if err := change(gc); err != nil {
		return nil, err
	}
	gc.version++
	return w.announceCall(a.id, key, gc), nil
}

// streamTimeMs is the live stream's current timestamp: milliseconds since the call started.
func (w *World) streamTimeMs(gc *groupCall) int64 {
	return (w.cfg.Now().UnixMilli() - int64(gc.started)*1000)
}

// GroupCallStreamChannels answers phone.getGroupCallStreamChannels for a participant of a
// live stream: one channel at scale 0 whose last timestamp is the stream's present.
func (w *World) GroupCallStreamChannels(key KeyID, dc int, in tg.InputGroupCallClass) (*tg.PhoneGroupCallStreamChannels, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	gc, err := w.streamingCall(key, dc, in)
	if err != nil {
		return nil, err
	}
	return &tg.PhoneGroupCallStreamChannels{Channels: []tg.GroupCallStreamChannel{{
		Channel: callStreamChannel, Scale: 0, LastTimestampMs: w.streamTimeMs(gc),
	}}}, nil
}

// streamingCall checks a live-stream request: an rtmp call the account joined, asked on the
// call's stream DC (under w.mu).
func (w *World) streamingCall(key KeyID, dc int, in tg.InputGroupCallClass) (*groupCall, error) {
	a, gc, err := w.userCall(key, in)
	if err != nil {
		return nil, err
	}
	if gc.discarded {
		return nil, ErrGroupCallAlreadyDiscarded
	}
	if !gc.rtmp || gc.started == 0 {
		return nil, ErrGroupCallInvalid
	}
	if _, ok := gc.members[a.id]; !ok {
		return nil, ErrGroupCallJoinMissing
	}
	if dc != 0 && dc != gc.streamDC {
		return nil, Migrate("FILE", gc.streamDC)
	}
	return gc, nil
}

// streamChunk answers upload.getFile for inputGroupCallStream: the fixture piece for the
// requested time. TIME_TOO_BIG for a time the stream has not reached, TIME_INVALID for a
// time off the scale's grid (under w.mu).
func (w *World) streamChunk(key KeyID, dc int, loc *tg.InputGroupCallStream) (*tg.UploadFile, error) {
	gc, err := w.streamingCall(key, dc, loc.Call)
	if err != nil {
		return nil, err
	}
	if loc.Scale < 0 || loc.Scale > 10 {
		return nil, ErrTimeInvalid
	}
	if v, ok := loc.VideoChannel.Get(); ok && v != callStreamChannel {
		return nil, ErrTimeInvalid
	}
	dur := int64(1000) >> loc.Scale
	if loc.TimeMs < 0 || loc.TimeMs%dur != 0 {
		return nil, ErrTimeInvalid
	}
	if loc.TimeMs > w.streamTimeMs(gc) {
		return nil, ErrTimeTooBig
	}
	return &tg.UploadFile{Type: &tg.StorageFileMp4{}, Mtime: w.now(), Bytes: callChunk(loc.TimeMs / dur)}, nil
}

// SetRTMPURL changes the endpoint phone.getGroupCallStreamRtmpUrl hands out (Config.RTMPURL),
// for tests that publish to a real RTMP server.
func (w *World) SetRTMPURL(u string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.cfg.RTMPURL = u
}

// CallStreamFixture returns the media the world serves as every live stream's content, in
// the order chunks 0, 1, 2, ... carry it.
func CallStreamFixture() []byte { return bytes.Clone(callStream) }
