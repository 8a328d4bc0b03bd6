package types

import "github.com/mtgo-labs/mtgo/tl/tg"

// Reactions is the summary of the reactions to a message.
type Reactions struct {
	// Counts are the reactions and how many chose each.
	Counts []ReactionCount
	// Min is true when the account's own choices are not included (ChosenOrder unknown).
	Min bool
	// AreTags is true for the tags of Saved Messages.
	AreTags bool
	// Raw is the object the value was built from.
	Raw *tg.MessageReactions
}

// ReactionCount is one reaction to a message and its count.
type ReactionCount struct {
	// Emoji is the reaction's emoji; CustomEmojiID a custom emoji reaction's document;
	// Paid marks the paid (Star) reaction.
	Emoji         string
	CustomEmojiID int64
	Paid          bool
	Count         int
	// Chosen is true when the account chose this reaction; ChosenOrder then orders the
	// account's own reactions (larger is newer).
	Chosen      bool
	ChosenOrder int
}

// NewReactions types message reactions; nil for nil.
func NewReactions(r *tg.MessageReactions) *Reactions {
	if r == nil {
		return nil
	}
	out := &Reactions{Min: r.Min, AreTags: r.ReactionsAsTags, Raw: r, Counts: make([]ReactionCount, len(r.Results))}
	for i, c := range r.Results {
		rc := &out.Counts[i]
		rc.Count = int(c.Count)
		rc.Chosen, rc.ChosenOrder = c.ChosenOrder.Set, int(c.ChosenOrder.Value)
		switch x := c.Reaction.(type) {
		case *tg.ReactionEmoji:
			rc.Emoji = x.Emoticon
		case *tg.ReactionCustomEmoji:
			rc.CustomEmojiID = x.DocumentID
		case *tg.ReactionPaid:
			rc.Paid = true
		}
	}
	return out
}
