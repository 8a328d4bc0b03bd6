package updates

// State is the account-wide update state: the pts and qts sequences, the seq of the last
// applied update container and the date that goes with it. It is what updates.getState
// returns and what updates.getDifference starts from.
type State struct {
	Pts  int32
	Qts  int32
	Seq  int32
	Date int32
}

// ChannelPts is the pts of one channel's update sequence. Removed marks a channel the engine
// stopped tracking (it became inaccessible); a Store deletes it.
//
// Named is not zero when Pts is a guess: the engine met the channel, unknown, by an
// updateChannelTooLong naming pts Named, and started it below (Pts), having delivered nothing
// of it since. A Store keeps it with Pts (zero when a commit has none), so that the next run
// still takes Pts for a guess: pushes below it that are late on the network then lower the
// start and are fetched, not dropped as duplicates. A Named the engine cannot use (not above
// Pts, or more than Config.MaxPending above it) makes Pts plain delivered state, what every
// Store without the field gives.
type ChannelPts struct {
	ChannelID int64
	Pts       int32
	Named     int32
	Removed   bool
}

// Saved is the state a Store hands back on start: the account state and every tracked
// channel's pts.
type Saved struct {
	State    State
	Channels []ChannelPts
}

// Commit is the state that becomes true once the batch of a Delivery has been handled. HasState
// reports whether the account state changed; Channels lists the channels whose pts changed or
// that were removed.
type Commit struct {
	State    State
	HasState bool
	Channels []ChannelPts
}

// Empty reports whether the commit changes nothing.
func (c Commit) Empty() bool { return !c.HasState && len(c.Channels) == 0 }
