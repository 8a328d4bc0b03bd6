package world

// chat is a basic group.
type chat struct {
	id      int64
	title   string
	creator int64
	date    int32
	members map[int64]int32 // user -> date joined
	version int32
}

// channel is a channel (broadcast) or supergroup (megagroup).
type channel struct {
	id int64
}
